{{ config(severity='warn') }}

-- The 执行率 a self-evaluation prints equals 全年执行数 / 全年预算数 to the printed precision
-- (0.01 percentage points). A difference is worth an analyst's look (a misprint on the form, or a
-- misread figure) but the mart itself reports both rates, so this warns rather than fails.

select
    project_fiscal_year_id,
    unit_name,
    project_name,
    fiscal_year,
    full_year_budget_yuan,
    executed_yuan,
    execution_rate,
    execution_rate_stated,
    execution_rate_diff
from {{ ref('fct_execution') }}
where not is_rate_consistent
