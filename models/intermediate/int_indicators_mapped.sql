{{ config(materialized='table') }}

-- A table, not a view: three marts and several tests read it, and the target parsing in
-- stg_raw__indicators (regular expressions over every row) should run once.
-- One row per indicator of a winning form (copies in other documents are dropped), with its
-- printed 一级/二级 mapped onto one framework by the indicator_category_map seed.
-- Precedence: exact (一级, 二级) > (一级, *) > (*, 二级). A label pair no row covers keeps a null
-- canonical_level1 and fails the not_null test: unmapped labels surface, they never vanish.
-- Where the matched row leaves the category open (name_decides: 效果目标 with no 二级 holds both
-- 效益 and 满意度), the indicator's name decides through the indicator_name_rules seed, unless an
-- indicator_name_overrides row says the labels stand. category_source records which decided.

with

stg_raw__indicators as (
    select * from {{ ref('stg_raw__indicators') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

indicator_category_map as (
    select * from {{ ref('indicator_category_map') }}
),

indicator_name_rules as (
    select * from {{ ref('indicator_name_rules') }}
),

indicator_name_overrides as (
    select * from {{ ref('indicator_name_overrides') }}
),

category_map_cleaned as (
    select
        {{ clean_text('level1_label') }} as level1_label_clean,
        {{ clean_text('level2_label') }} as level2_label_clean,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        coalesce(name_decides, false) as name_decides
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

-- the category of a row printed with neither 一级 nor 二级, unless its name decides
unlabelled as (
    select
        '未分类' as canonical_level1,
        '未细分' as canonical_level2,
        false as is_cost,
        false as is_management,
        true as name_decides
),

name_rules_cleaned as (
    select
        priority,
        {{ clean_text('level1_label') }} as level1_label_clean,
        name_pattern,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from indicator_name_rules
),

name_overrides_cleaned as (
    select
        {{ clean_text('level1_label') }} as level1_label_clean,
        {{ clean_text('level2_label') }} as level2_label_clean,
        name_pattern
    from indicator_name_overrides
),

winning_indicators as (
    select
        int_projects_linked.project_year_id,
        int_projects_linked.project_id,
        int_projects_linked.unit_id,
        int_projects_linked.fiscal_year,
        int_projects_linked.form_type,
        int_projects_linked.canonical_unit_name,
        int_projects_linked.project_name,
        int_projects_linked.source_file,
        stg_raw__indicators.*
    from stg_raw__indicators
    inner join int_projects_linked
        on stg_raw__indicators.project_key = int_projects_linked.winning_project_key
),

-- the category the printed labels give
label_mapped as (
    select
        winning_indicators.*,
        coalesce(
            exact_rules.canonical_level1, any_level2_rules.canonical_level1, any_level1_rules.canonical_level1,
            unlabelled.canonical_level1
        ) as label_level1,
        coalesce(
            exact_rules.canonical_level2, any_level2_rules.canonical_level2, any_level1_rules.canonical_level2,
            unlabelled.canonical_level2
        ) as label_level2,
        coalesce(exact_rules.is_cost, any_level2_rules.is_cost, any_level1_rules.is_cost, unlabelled.is_cost)
            as label_is_cost,
        coalesce(
            exact_rules.is_management, any_level2_rules.is_management, any_level1_rules.is_management,
            unlabelled.is_management
        ) as label_is_management,
        coalesce(
            exact_rules.name_decides, any_level2_rules.name_decides, any_level1_rules.name_decides,
            unlabelled.name_decides, false
        ) as is_label_open,
        case
            when exact_rules.canonical_level1 is not null then 'exact'
            when any_level2_rules.canonical_level1 is not null then 'any_level2'
            when any_level1_rules.canonical_level1 is not null then 'any_level1'
            when unlabelled.canonical_level1 is not null then 'unlabelled'
        end as mapping_rule
    from winning_indicators
    left join exact_rules
        on winning_indicators.level1_clean = exact_rules.level1_label_clean
            and winning_indicators.level2_clean = exact_rules.level2_label_clean
    left join any_level2_rules
        on winning_indicators.level1_clean = any_level2_rules.level1_label_clean
    left join any_level1_rules
        on winning_indicators.level2_clean = any_level1_rules.level2_label_clean
    -- a row printed with no category at all (the merged cells lost): the name may still decide
    left join unlabelled
        on winning_indicators.level1_clean is null and winning_indicators.level2_clean is null
),

overridden as (
    select distinct label_mapped.indicator_key
    from label_mapped
    inner join name_overrides_cleaned
        on (
            name_overrides_cleaned.level1_label_clean = '*'
            or label_mapped.level1_clean = name_overrides_cleaned.level1_label_clean
        )
        and (
            name_overrides_cleaned.level2_label_clean = '*'
            or label_mapped.level2_clean = name_overrides_cleaned.level2_label_clean
        )
        and {{ regexp_contains('label_mapped.indicator_name_clean', 'name_overrides_cleaned.name_pattern') }}
),

labels_checked as (
    select
        label_mapped.*,
        overridden.indicator_key is not null as has_name_override
    from label_mapped
    left join overridden
        on label_mapped.indicator_key = overridden.indicator_key
),

-- the name rule that decides an open label: the matching rule with the lowest priority
name_decided as (
    select
        labels_checked.indicator_key,
        name_rules_cleaned.name_pattern,
        name_rules_cleaned.canonical_level1,
        name_rules_cleaned.canonical_level2,
        name_rules_cleaned.is_cost,
        name_rules_cleaned.is_management
    from labels_checked
    inner join name_rules_cleaned
        on (
            name_rules_cleaned.level1_label_clean = '*'
            or labels_checked.level1_clean = name_rules_cleaned.level1_label_clean
        )
        and {{ regexp_contains('labels_checked.indicator_name_clean', 'name_rules_cleaned.name_pattern') }}
    where labels_checked.is_label_open
        and not labels_checked.has_name_override
    qualify
        row_number() over (
            partition by labels_checked.indicator_key
            order by name_rules_cleaned.priority asc
        ) = 1
),

mapped as (
    select
        labels_checked.*,
        coalesce(name_decided.canonical_level1, labels_checked.label_level1) as canonical_level1,
        coalesce(name_decided.canonical_level2, labels_checked.label_level2) as canonical_level2,
        coalesce(name_decided.is_cost, labels_checked.label_is_cost) as is_cost,
        coalesce(name_decided.is_management, labels_checked.label_is_management) as is_management,
        name_decided.name_pattern as name_rule_pattern,
        case
            when labels_checked.label_level1 is null then null
            when name_decided.canonical_level1 is not null then 'name'
            when labels_checked.is_label_open then 'default'
            else 'label'
        end as category_source
    from labels_checked
    left join name_decided
        on labels_checked.indicator_key = name_decided.indicator_key
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
        category_source,
        name_rule_pattern,
        has_name_override,
        indicator_name,
        indicator_name_clean,
        target,
        target_operator,
        target_value,
        target_unit,
        target_value_upper,
        is_quantitative,
        actual,
        actual_operator,
        actual_value,
        actual_unit,
        weight,
        score,
        deviation_reason,
        note,
        source_file,
        line_no as source_line
    from mapped
)

select * from final
