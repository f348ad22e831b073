{{ config(severity='warn') }}

-- 项目当年预算 should not exceed 项目总预算 (this year's slice of the whole project), where both are
-- stated. A row here is a misprint on the form, a misread figure or a 万元/元 mix-up: the marts
-- report the figures as printed, so this warns and lists the forms for an analyst to check.

select
    project_year_id,
    unit_name,
    project_name,
    fiscal_year,
    budget_current_yuan,
    budget_total_yuan
from {{ ref('fct_budget_yoy') }}
where budget_current_yuan > budget_total_yuan
