{{ config(severity='warn') }}

-- Copies of one form in different documents should print the same amounts. When they do not,
-- the marts carry the winning copy's figures (see winner_reason) and has_conflicting_figures;
-- an analyst should check which document is right.

with

merged_forms as (
    select
        project_year_id,
        canonical_unit_name,
        project_name,
        fiscal_year,
        form_type,
        winning_project_key,
        winner_reason,
        source_project_keys
    from {{ ref('int_projects_linked') }}
    where has_conflicting_figures
),

copies as (
    select
        merged_forms.project_year_id,
        {{ list_elements('merged_forms.source_project_keys') }} as project_key
    from merged_forms
)

select
    merged_forms.canonical_unit_name,
    merged_forms.project_name,
    merged_forms.fiscal_year,
    merged_forms.form_type,
    merged_forms.winner_reason,
    copies.project_key,
    copies.project_key = merged_forms.winning_project_key as is_winner,
    forms.budget_total_yuan,
    forms.budget_current_yuan,
    forms.prior_year_budget_yuan,
    forms.prior_year_executed_yuan,
    forms.full_year_budget_yuan,
    forms.executed_yuan
from merged_forms
inner join copies
    on merged_forms.project_year_id = copies.project_year_id
inner join {{ ref('stg_raw__projects') }} as forms
    on copies.project_key = forms.project_key
