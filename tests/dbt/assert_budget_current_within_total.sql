-- 项目当年预算 never exceeds 项目总预算 (this year's slice of the whole project), where both are
-- stated. A failure means a misread figure or a 万元/元 mix-up, so fct_budget_yoy would be wrong.

select
    project_year_id,
    unit_name,
    project_name,
    fiscal_year,
    budget_current_yuan,
    budget_total_yuan
from {{ ref('fct_budget_yoy') }}
where budget_current_yuan > budget_total_yuan
