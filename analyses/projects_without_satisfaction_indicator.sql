-- Which project forms carry no 满意度 (satisfaction) indicator at all?
-- One row per form (target or self-evaluation) with no indicator mapped to canonical 一级 满意度指标,
-- whatever the form printed: 满意度 under 效果目标 in older Shanghai forms counts as 满意度指标, and
-- where 效果目标 has no 二级 (2018) the indicator's name decides (fct_indicators.category_source = name).
-- Forms with no indicators at all are listed too, flagged by n_indicators = 0.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

fct_indicators as (
    select * from {{ ref('fct_indicators') }}
),

form_satisfaction as (
    select
        project_year_id,
        count(*) as n_indicators,
        count(*) filter (where canonical_level1 = '满意度指标') as n_satisfaction_indicators
    from fct_indicators
    group by project_year_id
),

final as (
    select
        forms.canonical_unit_name as unit_name,
        forms.project_name,
        forms.fiscal_year,
        forms.form_type,
        coalesce(form_satisfaction.n_indicators, 0) as n_indicators,
        forms.source_document_ids
    from int_projects_linked as forms
    left join form_satisfaction
        on forms.project_year_id = form_satisfaction.project_year_id
    where coalesce(form_satisfaction.n_satisfaction_indicators, 0) = 0
    order by forms.fiscal_year, unit_name, forms.project_name
)

select * from final
