{{ config(materialized='table') }}

-- A table, not a view: every mart reads it. One row per real project-year form, as
-- int_projects_deduplicated, with project_id following the cross-year links (int_project_links):
-- a renamed project keeps one project_id over the years. name_project_id is the id its own unit and
-- name give (md5 of both, cleaned), link_source says why the two differ.

with

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
),

int_project_links as (
    select * from {{ ref('int_project_links') }}
),

final as (
    select
        int_projects_deduplicated.project_year_id,
        coalesce(int_project_links.canonical_project_id, int_projects_deduplicated.project_id) as project_id,
        int_projects_deduplicated.unit_id,
        int_projects_deduplicated.form_type,
        int_projects_deduplicated.fiscal_year,
        int_projects_deduplicated.unit_name,
        int_projects_deduplicated.canonical_unit_name,
        int_projects_deduplicated.canonical_unit_name_clean,
        int_projects_deduplicated.supervisor_name,
        int_projects_deduplicated.supervisor_name_clean,
        int_projects_deduplicated.project_name,
        int_projects_deduplicated.project_name_clean,
        int_projects_deduplicated.project_category,
        int_projects_deduplicated.amount_unit,
        int_projects_deduplicated.budget_total_yuan,
        int_projects_deduplicated.budget_current_yuan,
        int_projects_deduplicated.prior_year_budget_yuan,
        int_projects_deduplicated.prior_year_executed_yuan,
        int_projects_deduplicated.initial_budget_yuan,
        int_projects_deduplicated.full_year_budget_yuan,
        int_projects_deduplicated.executed_yuan,
        int_projects_deduplicated.execution_rate_stated_pct,
        int_projects_deduplicated.execution_rate_stated,
        int_projects_deduplicated.total_score,
        int_projects_deduplicated.grade,
        int_projects_deduplicated.is_complete,
        int_projects_deduplicated.n_indicators,
        int_projects_deduplicated.n_budget_fields,
        int_projects_deduplicated.is_identified_by_name,
        int_projects_deduplicated.winning_project_key,
        int_projects_deduplicated.winning_document_id,
        int_projects_deduplicated.source_file,
        int_projects_deduplicated.source_path,
        int_projects_deduplicated.source_line,
        int_projects_deduplicated.source_line_end,
        int_projects_deduplicated.winner_reason,
        int_projects_deduplicated.n_sources,
        int_projects_deduplicated.source_document_ids,
        int_projects_deduplicated.source_project_keys,
        int_projects_deduplicated.has_conflicting_figures,
        int_projects_deduplicated.project_id as name_project_id,
        int_project_links.link_source
    from int_projects_deduplicated
    left join int_project_links
        on int_projects_deduplicated.project_id = int_project_links.project_id
)

select * from final
