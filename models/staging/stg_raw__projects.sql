with

source as (
    select * from {{ source('raw', 'projects') }}
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
        source_ref
    from source
)

select * from renamed
