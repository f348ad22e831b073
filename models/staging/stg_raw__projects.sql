{{
    config(
        materialized=rows_of_documents_materialization(),
        unique_key='document_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ drop_rows_of_reloaded_documents(this, source('raw', 'documents')) }}"
    )
}}

-- Not a view like the other staging models: clean_text on three names is most of the cost of
-- reading it, and four models and a dozen tests read it (a view cleaned every name each time).
-- Every column is a function of the form's own row, so on DuckDB it is incremental by document
-- (macros/incremental_rows.sql): a build reads only the forms of documents loaded since the last
-- one (delete+insert by document_id), and the post-hook drops the forms of documents gone or
-- loaded again without them. `jixiao build --full-refresh` reads them all; on Spark a table.

with

source as (
    select * from {{ source('raw', 'projects') }}
),

documents as (
    select * from {{ source('raw', 'documents') }}
),

-- the documents whose forms this build reads: all, or those loaded since the last build
documents_to_read as (
    select
        document_id,
        ingested_at
    from documents
    {% if is_incremental() %}
        where ingested_at > (
                select coalesce(max(this_model.ingested_at), cast('1900-01-01' as timestamp))
                from {{ this }} as this_model
            )
    {% endif %}
),

forms_to_read as (
    select
        source.*,
        documents_to_read.ingested_at
    from source
    inner join documents_to_read
        on source.document_id = documents_to_read.document_id
),

renamed as (
    select
        project_key,
        document_id,
        seq as form_seq,
        form_type,
        fiscal_year,
        unit_name,
        {{ clean_text('unit_name') }} as unit_name_clean,
        supervisor_name,
        {{ clean_text('supervisor_name') }} as supervisor_name_clean,
        project_name,
        {{ clean_text('project_name') }} as project_name_clean,
        project_category,
        amount_unit,

        -- money in yuan, whatever unit the form printed
        {{ to_yuan('budget_total', 'amount_unit') }} as budget_total_yuan,
        {{ to_yuan('budget_current', 'amount_unit') }} as budget_current_yuan,
        {{ to_yuan('prior_year_budget', 'amount_unit') }} as prior_year_budget_yuan,
        {{ to_yuan('prior_year_executed', 'amount_unit') }} as prior_year_executed_yuan,
        {{ to_yuan('initial_budget', 'amount_unit') }} as initial_budget_yuan,
        {{ to_yuan('full_year_budget', 'amount_unit') }} as full_year_budget_yuan,
        {{ to_yuan('executed', 'amount_unit') }} as executed_yuan,

        -- 执行率 is printed as a percent; marts use fractions
        execution_rate_stated as execution_rate_stated_pct,
        {{ safe_rate('execution_rate_stated', 100) }} as execution_rate_stated,
        total_score,
        grade,
        is_complete,

        -- how many budget figures the form states: a tie-breaker when one form appears in two documents
        cast(
            cast(budget_total is not null as integer)
            + cast(budget_current is not null as integer)
            + cast(prior_year_budget is not null as integer)
            + cast(prior_year_executed is not null as integer)
            + cast(initial_budget is not null as integer)
            + cast(full_year_budget is not null as integer)
            + cast(executed is not null as integer)
            as integer
        ) as n_budget_fields,
        line_start,
        line_end,
        source_ref,
        -- when the document was loaded: the next incremental build reads what came after
        ingested_at
    from forms_to_read
)

select * from renamed
