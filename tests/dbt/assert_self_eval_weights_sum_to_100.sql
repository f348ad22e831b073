-- A complete self-evaluation's indicator weights plus the budget-execution weight add up to 100
-- (national default: execution 10, the indicators 90; var execution_weight). A failure means an
-- indicator row was lost or read twice, so fct_indicators is wrong for that form. Forms cut off
-- at a page or file boundary are expected to fall short and are not checked.

with

self_evaluations as (
    select
        project_year_id,
        canonical_unit_name,
        project_name,
        fiscal_year
    from {{ ref('int_projects_deduplicated') }}
    where form_type = 'self_eval'
        and is_complete
),

weights as (
    select
        project_year_id,
        sum(weight) as indicator_weight
    from {{ ref('fct_indicators') }}
    group by project_year_id
)

select
    self_evaluations.project_year_id,
    self_evaluations.canonical_unit_name,
    self_evaluations.project_name,
    self_evaluations.fiscal_year,
    weights.indicator_weight,
    {{ var('execution_weight') }} as execution_weight
from self_evaluations
left join weights
    on self_evaluations.project_year_id = weights.project_year_id
where coalesce(weights.indicator_weight, 0) + {{ var('execution_weight') }} != 100
