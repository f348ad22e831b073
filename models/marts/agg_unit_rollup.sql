-- One row per unit per fiscal year: its projects, budgets, year-on-year change, execution and
-- indicator quality. Forms without a unit or a fiscal year cannot be placed and are left out.

with

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
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

forms as (
    select * from int_projects_deduplicated
    where unit_id is not null
        and fiscal_year is not null
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
        forms.*,
        coalesce(form_indicators.n_indicators, 0) as form_n_indicators,
        coalesce(form_indicators.n_quantitative, 0) as form_n_quantitative,
        coalesce(form_indicators.has_all_core_categories, false) as has_all_core_categories,
        -- year-on-year is like for like: only targets that state both years enter the delta
        forms.form_type = 'target'
        and forms.budget_current_yuan is not null
        and forms.prior_year_budget_yuan is not null as is_yoy_comparable,
        forms.form_type = 'target'
        and forms.prior_year_executed_yuan is not null
        and forms.prior_year_budget_yuan is not null as is_prior_execution_known,
        forms.form_type = 'self_eval'
        and forms.executed_yuan is not null
        and forms.full_year_budget_yuan is not null as is_execution_known
    from forms
    left join form_indicators
        on forms.project_year_id = form_indicators.project_year_id
),

unit_years as (
    select
        unit_id,
        fiscal_year,
        count(distinct project_id) as n_projects,
        count(*) as n_forms,
        count(*) filter (where form_type = 'target') as n_target_forms,
        count(*) filter (where form_type = 'self_eval') as n_self_eval_forms,
        sum(budget_current_yuan) filter (where form_type = 'target') as budget_current_yuan,
        sum(prior_year_budget_yuan) filter (where form_type = 'target') as prior_year_budget_yuan,
        count(*) filter (where is_yoy_comparable) as n_projects_yoy_compared,
        sum(budget_current_yuan - prior_year_budget_yuan) filter (where is_yoy_comparable) as yoy_delta_yuan,
        sum(prior_year_budget_yuan) filter (where is_yoy_comparable) as yoy_base_yuan,
        sum(prior_year_executed_yuan) filter (where is_prior_execution_known) as prior_executed_sum,
        sum(prior_year_budget_yuan) filter (where is_prior_execution_known) as prior_budget_sum,
        sum(executed_yuan) filter (where is_execution_known) as executed_sum,
        sum(full_year_budget_yuan) filter (where is_execution_known) as full_year_budget_sum,
        sum(form_n_indicators) as n_indicators,
        sum(form_n_quantitative) as n_quantitative,
        count(*) filter (where has_all_core_categories) as n_forms_core_covered
    from forms_measured
    group by unit_id, fiscal_year
),

final as (
    select
        md5(unit_years.unit_id || '|' || unit_years.fiscal_year) as unit_year_id,
        unit_years.unit_id,
        unit_names.canonical_unit_name as unit_name,
        cast(unit_years.fiscal_year as integer) as fiscal_year,
        cast(unit_years.n_projects as integer) as n_projects,
        cast(unit_years.n_target_forms as integer) as n_target_forms,
        cast(unit_years.n_self_eval_forms as integer) as n_self_eval_forms,
        cast(unit_years.budget_current_yuan as decimal(18, 2)) as budget_current_yuan,
        cast(unit_years.prior_year_budget_yuan as decimal(18, 2)) as prior_year_budget_yuan,
        cast(unit_years.n_projects_yoy_compared as integer) as n_projects_yoy_compared,
        cast(unit_years.yoy_delta_yuan as decimal(18, 2)) as yoy_delta_yuan,
        {{ safe_rate('unit_years.yoy_delta_yuan', 'unit_years.yoy_base_yuan') }} as yoy_delta_rate,
        {{ safe_rate('unit_years.executed_sum', 'unit_years.full_year_budget_sum') }} as weighted_execution_rate,
        {{ safe_rate('unit_years.prior_executed_sum', 'unit_years.prior_budget_sum') }}
            as prior_year_weighted_execution_rate,
        cast(unit_years.n_indicators as integer) as n_indicators,
        round(unit_years.n_indicators / unit_years.n_forms, 2) as indicators_per_project,
        {{ safe_rate('unit_years.n_forms_core_covered', 'unit_years.n_forms') }} as core_coverage_rate,
        {{ safe_rate('unit_years.n_quantitative', 'unit_years.n_indicators') }} as quantitative_rate
    from unit_years
    left join unit_names
        on unit_years.unit_id = unit_names.unit_id
)

select * from final
