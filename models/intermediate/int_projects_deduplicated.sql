{{ config(materialized='table') }}

-- A table, not a view: every mart and many tests read it, and the ranking should run once.
-- One row per real project-year form. The same form printed in several documents (000 and 001
-- share four 2020 forms of 上海市房屋管理局) is merged on (form_type, fiscal_year, unit, project
-- name), all cleaned; a form missing any of those is never merged and keeps its own identity.

with

stg_raw__projects as (
    select * from {{ ref('stg_raw__projects') }}
),

stg_raw__indicators as (
    select * from {{ ref('stg_raw__indicators') }}
),

int_units_resolved as (
    select * from {{ ref('int_units_resolved') }}
),

int_document_sources as (
    select * from {{ ref('int_document_sources') }}
),

indicator_counts as (
    select
        project_key,
        count(*) as n_indicators
    from stg_raw__indicators
    group by project_key
),

forms as (
    select
        stg_raw__projects.*,
        int_units_resolved.unit_id,
        int_units_resolved.canonical_unit_name,
        int_units_resolved.canonical_unit_name_clean,
        coalesce(indicator_counts.n_indicators, 0) as n_indicators,
        (
            int_units_resolved.canonical_unit_name_clean is not null
            and stg_raw__projects.project_name_clean is not null
            and stg_raw__projects.fiscal_year is not null
        ) as is_identified_by_name
    from stg_raw__projects
    left join int_units_resolved
        on stg_raw__projects.unit_name_clean = int_units_resolved.unit_name_clean
    left join indicator_counts
        on stg_raw__projects.project_key = indicator_counts.project_key
),

forms_identified as (
    select
        *,
        case
            when is_identified_by_name
                then concat_ws(
                        '|', form_type, fiscal_year, canonical_unit_name_clean, project_name_clean
                    )
            else 'project_key|' || project_key
        end as form_identity
    from forms
),

-- the winner: complete over cut off, then more indicators, then more budget figures, then the
-- smallest document_id (and form order) so the choice never depends on load order
forms_ranked as (
    select
        *,
        row_number() over source_order as source_rank,
        lead(is_complete) over source_order as runner_up_is_complete,
        lead(n_indicators) over source_order as runner_up_n_indicators,
        lead(n_budget_fields) over source_order as runner_up_n_budget_fields
    from forms_identified
    window source_order as (
        partition by form_identity
        order by is_complete desc, n_indicators desc, n_budget_fields desc, document_id asc, form_seq asc
    )
),

sources_summarised as (
    select
        form_identity,
        count(*) as n_sources,
        array_sort(array_distinct(array_agg(document_id))) as source_document_ids,
        array_sort(array_agg(project_key)) as source_project_keys,
        -- count(distinct) ignores nulls: a copy that leaves a figure blank does not conflict
        (
            count(distinct budget_total_yuan) > 1
            or count(distinct budget_current_yuan) > 1
            or count(distinct prior_year_budget_yuan) > 1
            or count(distinct prior_year_executed_yuan) > 1
            or count(distinct initial_budget_yuan) > 1
            or count(distinct full_year_budget_yuan) > 1
            or count(distinct executed_yuan) > 1
        ) as has_conflicting_figures
    from forms_identified
    group by form_identity
),

winners as (
    select
        forms_ranked.*,
        sources_summarised.n_sources,
        sources_summarised.source_document_ids,
        sources_summarised.source_project_keys,
        sources_summarised.has_conflicting_figures,
        case
            when sources_summarised.n_sources = 1 then 'only source'
            when forms_ranked.is_complete and not forms_ranked.runner_up_is_complete
                then 'complete form; another copy is cut off'
            when forms_ranked.n_indicators > forms_ranked.runner_up_n_indicators
                then printf(
                        'more indicators (%d vs %d)',
                        forms_ranked.n_indicators,
                        forms_ranked.runner_up_n_indicators
                    )
            when forms_ranked.n_budget_fields > forms_ranked.runner_up_n_budget_fields
                then printf(
                        'more budget figures stated (%d vs %d)',
                        forms_ranked.n_budget_fields,
                        forms_ranked.runner_up_n_budget_fields
                    )
            else 'tie on completeness, indicators and budget figures; smallest document_id'
        end as winner_reason
    from forms_ranked
    inner join sources_summarised
        on forms_ranked.form_identity = sources_summarised.form_identity
    where forms_ranked.source_rank = 1
),

winners_keyed as (
    select
        winners.*,
        case
            when winners.canonical_unit_name_clean is not null and winners.project_name_clean is not null
                then md5(winners.canonical_unit_name_clean || '|' || winners.project_name_clean)
            else md5('project_key|' || winners.project_key)
        end as project_id,
        -- provenance of the winning copy: the file it was read from and where the form starts
        int_document_sources.source_file,
        int_document_sources.source_path
    from winners
    left join int_document_sources
        on winners.document_id = int_document_sources.document_id
),

final as (
    select
        md5(
            concat_ws(
                '|', project_id, coalesce(cast(fiscal_year as string), project_key), form_type
            )
        ) as project_year_id,
        project_id,
        unit_id,
        form_type,
        fiscal_year,
        unit_name,
        canonical_unit_name,
        canonical_unit_name_clean,
        supervisor_name,
        supervisor_name_clean,
        project_name,
        project_name_clean,
        project_category,
        amount_unit,
        budget_total_yuan,
        budget_current_yuan,
        prior_year_budget_yuan,
        prior_year_executed_yuan,
        initial_budget_yuan,
        full_year_budget_yuan,
        executed_yuan,
        execution_rate_stated_pct,
        execution_rate_stated,
        total_score,
        grade,
        is_complete,
        n_indicators,
        n_budget_fields,
        is_identified_by_name,
        project_key as winning_project_key,
        document_id as winning_document_id,
        source_file,
        source_path,
        line_start as source_line,
        line_end as source_line_end,
        winner_reason,
        n_sources,
        source_document_ids,
        source_project_keys,
        has_conflicting_figures
    from winners_keyed
)

select * from final
