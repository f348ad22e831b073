-- One row per form found in a document (every copy, the one the marts use and the others): how
-- complete it is, what the parser reported about it, which fields it leaves blank and whether its
-- own arithmetic holds, so an analyst can filter out what they should not trust.

with

int_forms_checked as (
    select * from {{ ref('int_forms_checked') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

-- every copy of a merged form points at the form's row in the other marts
copies as (
    select
        project_year_id,
        project_id,
        unit_id,
        canonical_unit_name,
        winning_project_key,
        n_sources,
        {{ list_elements('source_project_keys') }} as project_key
    from int_projects_linked
),

final as (
    select
        coalesce(copies.canonical_unit_name, int_forms_checked.unit_name) as unit_name,
        cast(int_forms_checked.fiscal_year as integer) as fiscal_year,
        int_forms_checked.project_name,
        int_forms_checked.form_type,
        int_forms_checked.source_file,
        cast(int_forms_checked.source_line as integer) as source_line,
        cast(int_forms_checked.source_line_end as integer) as source_line_end,
        int_forms_checked.is_complete,
        int_forms_checked.document_status,
        int_forms_checked.field_completeness_rate,
        int_forms_checked.n_missing_fields,
        cast(int_forms_checked.missing_fields as {{ type_string_list() }}) as missing_fields,
        int_forms_checked.n_issue_errors,
        int_forms_checked.n_issue_warnings,
        int_forms_checked.n_issue_infos,
        cast(int_forms_checked.issue_codes as {{ type_string_list() }}) as issue_codes,
        int_forms_checked.n_document_issues,
        int_forms_checked.n_indicators,
        int_forms_checked.n_budget_items,
        int_forms_checked.execution_rate_holds,
        int_forms_checked.weights_sum_to_100,
        int_forms_checked.total_score_adds_up,
        int_forms_checked.current_within_total,
        int_forms_checked.budget_items_add_up,
        int_forms_checked.arithmetic_holds,
        cast(int_forms_checked.failed_checks as {{ type_string_list() }}) as failed_checks,
        int_forms_checked.project_key = copies.winning_project_key as is_used_in_marts,
        cast(copies.n_sources as integer) as n_copies,
        int_forms_checked.project_key,
        copies.project_year_id,
        copies.project_id,
        copies.unit_id,
        int_forms_checked.document_id
    from int_forms_checked
    left join copies
        on int_forms_checked.project_key = copies.project_key
)

select * from final
