-- Which units cut their project budgets most year on year?
-- One row per unit and fiscal year with at least one project whose 项目当年预算 is below the
-- 同名项目上年预算额 stated on its target form; sorted by the total cut, largest first, with the
-- project cut hardest. Only targets stating both years count (a blank prior year is not a cut).

with

fct_budget_yoy as (
    select * from {{ ref('fct_budget_yoy') }}
),

cuts as (
    select * from fct_budget_yoy
    where yoy_delta_yuan < 0
),

unit_cuts as (
    select
        unit_name,
        fiscal_year,
        count(*) as n_projects_cut,
        sum(yoy_delta_yuan) as total_cut_yuan,
        sum(prior_year_budget_yuan) as prior_budget_of_cut_projects_yuan,
        arg_min(project_name, yoy_delta_yuan) as deepest_cut_project,
        min(yoy_delta_yuan) as deepest_cut_yuan
    from cuts
    group by unit_name, fiscal_year
),

final as (
    select
        unit_name,
        fiscal_year,
        n_projects_cut,
        total_cut_yuan,
        {{ safe_rate('total_cut_yuan', 'prior_budget_of_cut_projects_yuan') }} as cut_rate,
        deepest_cut_project,
        deepest_cut_yuan
    from unit_cuts
    order by total_cut_yuan asc
)

select * from final
