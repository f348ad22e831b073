{{ config(materialized='table') }}

-- A table, not a view: three marts and several tests read it. One row per indicator of a winning
-- form (copies in other documents are dropped), classified in int_indicators_classified (its
-- target parsed, its 一级/二级 mapped onto one framework), with the form's project-year, project
-- and unit ids, which depend on the other documents and are joined on at every build.

with

int_indicators_classified as (
    select * from {{ ref('int_indicators_classified') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
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
        int_indicators_classified.*
    from int_indicators_classified
    inner join int_projects_linked
        on int_indicators_classified.project_key = int_projects_linked.winning_project_key
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
    from winning_indicators
)

select * from final
