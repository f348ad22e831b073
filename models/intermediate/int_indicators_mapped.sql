{{ config(materialized='table') }}

-- A table, not a view: three marts and several tests read it, and the target parsing in
-- stg_raw__indicators (regular expressions over every row) should run once.
-- One row per indicator of a winning form (copies in other documents are dropped), with its
-- printed 一级/二级 mapped onto one framework by the indicator_category_map seed.
-- Precedence: exact (一级, 二级) > (一级, *) > (*, 二级). A label pair no row covers keeps a null
-- canonical_level1 and fails the not_null test: unmapped labels surface, they never vanish.

with

stg_raw__indicators as (
    select * from {{ ref('stg_raw__indicators') }}
),

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
),

indicator_category_map as (
    select * from {{ ref('indicator_category_map') }}
),

category_map_cleaned as (
    select
        {{ clean_text('level1_label') }} as level1_label_clean,
        {{ clean_text('level2_label') }} as level2_label_clean,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from indicator_category_map
),

exact_rules as (
    select * from category_map_cleaned
    where level1_label_clean != '*' and level2_label_clean != '*'
),

any_level2_rules as (
    select * from category_map_cleaned
    where level1_label_clean != '*' and level2_label_clean = '*'
),

any_level1_rules as (
    select * from category_map_cleaned
    where level1_label_clean = '*' and level2_label_clean != '*'
),

winning_indicators as (
    select
        int_projects_deduplicated.project_year_id,
        int_projects_deduplicated.project_id,
        int_projects_deduplicated.unit_id,
        int_projects_deduplicated.fiscal_year,
        int_projects_deduplicated.form_type,
        int_projects_deduplicated.canonical_unit_name,
        int_projects_deduplicated.project_name,
        stg_raw__indicators.*
    from stg_raw__indicators
    inner join int_projects_deduplicated
        on stg_raw__indicators.project_key = int_projects_deduplicated.winning_project_key
),

mapped as (
    select
        winning_indicators.*,
        coalesce(
            exact_rules.canonical_level1, any_level2_rules.canonical_level1, any_level1_rules.canonical_level1
        ) as canonical_level1,
        coalesce(
            exact_rules.canonical_level2, any_level2_rules.canonical_level2, any_level1_rules.canonical_level2
        ) as canonical_level2,
        coalesce(exact_rules.is_cost, any_level2_rules.is_cost, any_level1_rules.is_cost) as is_cost,
        coalesce(
            exact_rules.is_management, any_level2_rules.is_management, any_level1_rules.is_management
        ) as is_management,
        case
            when exact_rules.canonical_level1 is not null then 'exact'
            when any_level2_rules.canonical_level1 is not null then 'any_level2'
            when any_level1_rules.canonical_level1 is not null then 'any_level1'
        end as mapping_rule
    from winning_indicators
    left join exact_rules
        on winning_indicators.level1_clean = exact_rules.level1_label_clean
            and winning_indicators.level2_clean = exact_rules.level2_label_clean
    left join any_level2_rules
        on winning_indicators.level1_clean = any_level2_rules.level1_label_clean
    left join any_level1_rules
        on winning_indicators.level2_clean = any_level1_rules.level2_label_clean
),

final as (
    select
        md5(project_year_id || '|' || indicator_seq) as indicator_id,
        project_year_id,
        project_id,
        unit_id,
        fiscal_year,
        form_type,
        canonical_unit_name,
        project_name,
        project_key,
        indicator_key,
        indicator_seq,
        level1,
        level2,
        level1_clean,
        level2_clean,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        coalesce(canonical_level1 in {{ sql_list(var('core_level1')) }}, false) as is_core_category,
        mapping_rule,
        indicator_name,
        target,
        target_operator,
        target_value,
        target_unit,
        is_quantitative,
        actual,
        weight,
        score,
        deviation_reason,
        note
    from mapped
)

select * from final
