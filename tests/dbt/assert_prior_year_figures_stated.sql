{{ config(severity='warn') }}

-- A target form states 同名项目上年预算额 and 同名项目上年预算执行数 for a project that ran the year
-- before. A blank one leaves the year-on-year change or the prior-year execution rate unknown (null
-- in the marts), so an analyst should look when one of the pair is blank and the other is stated (a
-- misread or a misprint), or both are blank although the warehouse holds the project's form for the
-- year before. A new project (no prior form, both blank) leaves them blank by rights: not listed.

select
    project_year_id,
    unit_name,
    project_name,
    fiscal_year,
    prior_year_budget_yuan,
    prior_year_executed_yuan,
    has_prior_form,
    case
        when prior_year_budget_yuan is null and prior_year_executed_yuan is null
            then 'both blank, but the prior-year form is in the warehouse'
        when prior_year_budget_yuan is null then '上年预算额 blank, 上年预算执行数 stated'
        else '上年预算执行数 blank, 上年预算额 stated'
    end as reason
from {{ ref('fct_budget_yoy') }}
where (prior_year_budget_yuan is null) != (prior_year_executed_yuan is null)
    or (prior_year_budget_yuan is null and prior_year_executed_yuan is null and has_prior_form)
