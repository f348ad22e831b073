{{ config(severity='warn') }}

-- A complete self-evaluation's indicator weights plus the budget-execution weight add up to 100
-- (national default: execution 10, the indicators 90; var execution_weight). A row here means an
-- indicator row was lost or read twice, or the form itself does not add up (中江县 2022 prints
-- 产出指标(70分) + 效益 20 + 满意度 10 beside a 10-point execution line: 110). Forms cut off at a page
-- or file boundary are expected to fall short and are not checked. A warning, like the form's other
-- arithmetic: fct_form_quality.weights_sum_to_100 carries the result per form for analysts, and
-- tests/test_marts.py requires it to hold on every sample self-evaluation.

with

self_evaluations as (
    select
        project_year_id,
        canonical_unit_name,
        project_name,
        fiscal_year
    from {{ ref('int_projects_linked') }}
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
