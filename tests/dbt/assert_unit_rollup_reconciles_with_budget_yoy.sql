-- agg_unit_rollup leaves no form out: over all its rows (the 单位不详 and unknown-year rows
-- included) the target forms, 当年预算合计 and 上年预算合计 equal those of fct_budget_yoy, and the
-- self-evaluations and 全年预算数 / 全年执行数 those of fct_execution. A difference means forms were
-- dropped or counted twice.

with

rollup_totals as (
    select
        sum(n_target_forms) as n_target_forms,
        sum(total_current_budget_yuan) as current_budget_yuan,
        sum(total_prior_year_budget_yuan) as prior_year_budget_yuan,
        sum(n_comparable_projects) as n_comparable_projects,
        sum(comparable_yoy_delta_yuan) as comparable_yoy_delta_yuan,
        sum(n_self_eval_forms) as n_self_eval_forms,
        sum(total_full_year_budget_yuan) as full_year_budget_yuan,
        sum(total_executed_yuan) as executed_yuan
    from {{ ref('agg_unit_rollup') }}
),

budget_totals as (
    select
        count(*) as n_target_forms,
        sum(budget_current_yuan) as current_budget_yuan,
        sum(prior_year_budget_yuan) as prior_year_budget_yuan,
        count(yoy_delta_yuan) as n_comparable_projects,
        sum(yoy_delta_yuan) as comparable_yoy_delta_yuan
    from {{ ref('fct_budget_yoy') }}
),

execution_totals as (
    select
        count(*) filter (where has_self_eval_form) as n_self_eval_forms,
        sum(full_year_budget_yuan) as full_year_budget_yuan,
        sum(executed_yuan) as executed_yuan
    from {{ ref('fct_execution') }}
)

select
    rollup_totals.*,
    budget_totals.n_target_forms as yoy_n_target_forms,
    budget_totals.current_budget_yuan as yoy_current_budget_yuan,
    budget_totals.prior_year_budget_yuan as yoy_prior_year_budget_yuan,
    budget_totals.n_comparable_projects as yoy_n_comparable_projects,
    budget_totals.comparable_yoy_delta_yuan as yoy_delta_yuan,
    execution_totals.n_self_eval_forms as execution_n_self_eval_forms,
    execution_totals.full_year_budget_yuan as execution_full_year_budget_yuan,
    execution_totals.executed_yuan as execution_executed_yuan
from rollup_totals
cross join budget_totals
cross join execution_totals
where rollup_totals.n_target_forms is distinct from budget_totals.n_target_forms
    or rollup_totals.current_budget_yuan is distinct from budget_totals.current_budget_yuan
    or rollup_totals.prior_year_budget_yuan is distinct from budget_totals.prior_year_budget_yuan
    or rollup_totals.n_comparable_projects is distinct from budget_totals.n_comparable_projects
    or rollup_totals.comparable_yoy_delta_yuan is distinct from budget_totals.comparable_yoy_delta_yuan
    or rollup_totals.n_self_eval_forms is distinct from execution_totals.n_self_eval_forms
    or rollup_totals.full_year_budget_yuan is distinct from execution_totals.full_year_budget_yuan
    or rollup_totals.executed_yuan is distinct from execution_totals.executed_yuan
