-- One row per project per fiscal year with a target form: this year's budget against the prior
-- year's, as stated on the form and as the prior year's own form printed it. project_id follows the
-- cross-year links (int_projects_linked), so a renamed project finds its prior form.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

target_forms as (
    select * from int_projects_linked
    where form_type = 'target'
),

-- any form (target or self-evaluation) shows the project still ran that year
project_years_present as (
    select distinct
        project_id,
        fiscal_year
    from int_projects_linked
    where fiscal_year is not null
),

-- years for which the warehouse holds target forms of a unit: only then can absence mean "ended"
unit_years_filed as (
    select distinct
        unit_id,
        fiscal_year
    from target_forms
    where unit_id is not null
        and fiscal_year is not null
),

budgets_compared as (
    select
        target_forms.*,
        prior_forms.project_year_id is not null as has_prior_form,
        prior_forms.budget_current_yuan as prior_form_budget_current_yuan,
        prior_forms.project_name as prior_form_project_name,
        -- the prior form is the same project under another name (project_links / candidates)
        coalesce(prior_forms.name_project_id != target_forms.name_project_id, false) as is_prior_form_renamed,
        next_years.project_id is not null as has_next_year_form,
        unit_next_years.unit_id is not null as has_unit_next_year_forms
    from target_forms
    left join target_forms as prior_forms
        on target_forms.project_id = prior_forms.project_id
            and target_forms.fiscal_year - 1 = prior_forms.fiscal_year
    left join project_years_present as next_years
        on target_forms.project_id = next_years.project_id
            and target_forms.fiscal_year + 1 = next_years.fiscal_year
    left join unit_years_filed as unit_next_years
        on target_forms.unit_id = unit_next_years.unit_id
            and target_forms.fiscal_year + 1 = unit_next_years.fiscal_year
),

final as (
    select
        project_year_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        canonical_unit_name as unit_name,
        project_name,
        cast(budget_total_yuan as decimal(18, 2)) as budget_total_yuan,
        cast(budget_current_yuan as decimal(18, 2)) as budget_current_yuan,
        cast(prior_year_budget_yuan as decimal(18, 2)) as prior_year_budget_yuan,
        cast(prior_year_executed_yuan as decimal(18, 2)) as prior_year_executed_yuan,
        cast(budget_current_yuan - prior_year_budget_yuan as decimal(18, 2)) as yoy_delta_yuan,
        {{ safe_rate('budget_current_yuan - prior_year_budget_yuan', 'prior_year_budget_yuan') }}
            as yoy_delta_rate,
        -- a blank 上年预算额 means "not stated"; new only when no earlier form exists either
        (prior_year_budget_yuan is null and not has_prior_form) as is_new,
        (not has_next_year_form and has_unit_next_year_forms) as is_ended,
        has_prior_form,
        cast(prior_form_budget_current_yuan as decimal(18, 2)) as prior_form_budget_current_yuan,
        prior_form_project_name,
        is_prior_form_renamed,
        cast(prior_year_budget_yuan - prior_form_budget_current_yuan as decimal(18, 2))
            as stated_vs_prior_form_diff_yuan,
        cast(n_sources as integer) as n_sources,
        cast(source_document_ids as {{ type_string_list() }}) as source_document_ids,
        cast(source_project_keys as {{ type_string_list() }}) as source_project_keys,
        winning_project_key,
        winner_reason,
        has_conflicting_figures,
        source_file,
        cast(source_line as integer) as source_line
    from budgets_compared
)

select * from final
