-- One row per unit per fiscal year: its projects, budget totals, the like-for-like (comparable)
-- year-on-year change, execution and indicator quality. Nothing is left out silently: forms that
-- print no unit share one 单位不详 row per year (unit_id null), and forms without a fiscal year a
-- row with a null year, so the totals here add up to the totals of fct_budget_yoy and fct_execution.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

int_indicators_mapped as (
    select * from {{ ref('int_indicators_mapped') }}
),

int_units_resolved as (
    select * from {{ ref('int_units_resolved') }}
),

unit_names as (
    select distinct
        unit_id,
        canonical_unit_name
    from int_units_resolved
),

-- per form: indicators, quantitative ones, and whether all core 一级 (产出/效益/满意度) are present
form_indicators as (
    select
        project_year_id,
        count(*) as n_indicators,
        count(*) filter (where is_quantitative) as n_quantitative,
        count(distinct canonical_level1) filter (where is_core_category)
        = {{ var('core_level1') | length }} as has_all_core_categories
    from int_indicators_mapped
    group by project_year_id
),

forms_measured as (
    select
        forms.project_year_id,
        forms.project_id,
        forms.unit_id,
        forms.fiscal_year,
        forms.form_type,
        forms.budget_current_yuan,
        forms.prior_year_budget_yuan,
        forms.prior_year_executed_yuan,
        forms.full_year_budget_yuan,
        forms.executed_yuan,
        coalesce(form_indicators.n_indicators, 0) as form_n_indicators,
        coalesce(form_indicators.n_quantitative, 0) as form_n_quantitative,
        coalesce(form_indicators.has_all_core_categories, false) as has_all_core_categories,
        -- like for like: only target forms that state both years enter the comparable figures
        forms.form_type = 'target'
        and forms.budget_current_yuan is not null
        and forms.prior_year_budget_yuan is not null as is_comparable,
        forms.form_type = 'target'
        and forms.prior_year_executed_yuan is not null
        and forms.prior_year_budget_yuan is not null as is_prior_execution_known,
        forms.form_type = 'self_eval'
        and forms.executed_yuan is not null
        and forms.full_year_budget_yuan is not null as is_execution_known
    from int_projects_linked as forms
    left join form_indicators
        on forms.project_year_id = form_indicators.project_year_id
),

-- a project with a target form and a self-evaluation in one year lists the same indicators twice:
-- per project, the larger form's count
project_indicators as (
    select
        unit_id,
        fiscal_year,
        project_id,
        max(form_n_indicators) as project_n_indicators
    from forms_measured
    group by unit_id, fiscal_year, project_id
),

unit_year_indicators as (
    select
        unit_id,
        fiscal_year,
        avg(project_n_indicators) as avg_project_n_indicators
    from project_indicators
    group by unit_id, fiscal_year
),

unit_years as (
    select
        unit_id,
        fiscal_year,
        count(distinct project_id) as n_projects,
        count(*) as n_forms,
        count(*) filter (where form_type = 'target') as n_target_forms,
        count(*) filter (where form_type = 'self_eval') as n_self_eval_forms,
        sum(budget_current_yuan) filter (where form_type = 'target') as total_current_budget_yuan,
        sum(prior_year_budget_yuan) filter (where form_type = 'target') as total_prior_year_budget_yuan,
        count(*) filter (where form_type = 'target' and prior_year_budget_yuan is not null)
            as n_prior_year_budget_stated,
        count(*) filter (where is_comparable) as n_comparable_projects,
        sum(budget_current_yuan) filter (where is_comparable) as comparable_current_budget_yuan,
        sum(prior_year_budget_yuan) filter (where is_comparable) as comparable_prior_year_budget_yuan,
        sum(full_year_budget_yuan) filter (where form_type = 'self_eval') as total_full_year_budget_yuan,
        sum(executed_yuan) filter (where form_type = 'self_eval') as total_executed_yuan,
        sum(executed_yuan) filter (where is_execution_known) as executed_sum,
        sum(full_year_budget_yuan) filter (where is_execution_known) as full_year_budget_sum,
        sum(prior_year_executed_yuan) filter (where is_prior_execution_known) as prior_executed_sum,
        sum(prior_year_budget_yuan) filter (where is_prior_execution_known) as prior_budget_sum,
        sum(form_n_indicators) as n_indicators,
        sum(form_n_quantitative) as n_quantitative,
        count(*) filter (where has_all_core_categories) as n_forms_core_covered
    from forms_measured
    group by unit_id, fiscal_year
),

final as (
    select
        coalesce(unit_names.canonical_unit_name, '单位不详') as unit_name,
        cast(unit_years.fiscal_year as integer) as fiscal_year,
        unit_years.unit_id is null as is_unknown_unit,
        cast(unit_years.n_projects as integer) as n_projects,
        cast(unit_years.n_forms as integer) as n_forms,
        cast(unit_years.n_target_forms as integer) as n_target_forms,
        cast(unit_years.n_self_eval_forms as integer) as n_self_eval_forms,

        -- totals over every target form (not like for like: a project may state one year only)
        cast(unit_years.total_current_budget_yuan as decimal(18, 2)) as total_current_budget_yuan,
        cast(unit_years.total_prior_year_budget_yuan as decimal(18, 2)) as total_prior_year_budget_yuan,
        cast(unit_years.n_prior_year_budget_stated as integer) as n_prior_year_budget_stated,
        cast(unit_years.total_current_budget_yuan - unit_years.total_prior_year_budget_yuan as decimal(18, 2))
            as total_budget_change_yuan,

        -- like for like: the target forms stating both this year's and the prior year's budget
        cast(unit_years.n_comparable_projects as integer) as n_comparable_projects,
        cast(unit_years.comparable_current_budget_yuan as decimal(18, 2)) as comparable_current_budget_yuan,
        cast(unit_years.comparable_prior_year_budget_yuan as decimal(18, 2)) as comparable_prior_year_budget_yuan,
        cast(
            unit_years.comparable_current_budget_yuan - unit_years.comparable_prior_year_budget_yuan
            as decimal(18, 2)
        ) as comparable_yoy_delta_yuan,
        {{ safe_rate(
            'unit_years.comparable_current_budget_yuan - unit_years.comparable_prior_year_budget_yuan',
            'unit_years.comparable_prior_year_budget_yuan'
        ) }} as comparable_yoy_delta_rate,

        -- self-evaluations: the year's adjusted budget and spending
        cast(unit_years.total_full_year_budget_yuan as decimal(18, 2)) as total_full_year_budget_yuan,
        cast(unit_years.total_executed_yuan as decimal(18, 2)) as total_executed_yuan,
        {{ safe_rate('unit_years.executed_sum', 'unit_years.full_year_budget_sum') }} as weighted_execution_rate,
        {{ safe_rate('unit_years.prior_executed_sum', 'unit_years.prior_budget_sum') }}
            as prior_year_weighted_execution_rate,

        cast(unit_years.n_indicators as integer) as n_indicators,
        round(unit_year_indicators.avg_project_n_indicators, 2) as indicators_per_project,
        {{ safe_rate('unit_years.n_forms_core_covered', 'unit_years.n_forms') }} as core_coverage_rate,
        {{ safe_rate('unit_years.n_quantitative', 'unit_years.n_indicators') }} as quantitative_rate,
        md5(concat_ws('|', coalesce(unit_years.unit_id, 'unknown unit'), coalesce(
            cast(unit_years.fiscal_year as string), 'unknown year'
        ))) as unit_year_id,
        unit_years.unit_id
    from unit_years
    left join unit_names
        on unit_years.unit_id = unit_names.unit_id
    left join unit_year_indicators
        on unit_years.unit_id is not distinct from unit_year_indicators.unit_id
            and unit_years.fiscal_year is not distinct from unit_year_indicators.fiscal_year
)

select * from final
