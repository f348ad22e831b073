-- One row per project per fiscal year that has a target form or a self-evaluation (or both):
-- the prior-year execution a target form states, and the same-year execution a self-evaluation
-- reports, computed from its figures and compared with the rate it prints.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

target_forms as (
    select * from int_projects_linked
    where form_type = 'target'
),

self_eval_forms as (
    select * from int_projects_linked
    where form_type = 'self_eval'
),

-- a null fiscal year never joins, so such forms stay rows of their own
forms_paired as (
    select
        coalesce(target_forms.project_id, self_eval_forms.project_id) as project_id,
        coalesce(target_forms.unit_id, self_eval_forms.unit_id) as unit_id,
        coalesce(target_forms.fiscal_year, self_eval_forms.fiscal_year) as fiscal_year,
        coalesce(target_forms.canonical_unit_name, self_eval_forms.canonical_unit_name) as unit_name,
        coalesce(target_forms.project_name, self_eval_forms.project_name) as project_name,
        target_forms.project_year_id as target_project_year_id,
        self_eval_forms.project_year_id as self_eval_project_year_id,
        target_forms.prior_year_budget_yuan,
        target_forms.prior_year_executed_yuan,
        self_eval_forms.initial_budget_yuan,
        self_eval_forms.full_year_budget_yuan,
        self_eval_forms.executed_yuan,
        self_eval_forms.execution_rate_stated,
        self_eval_forms.total_score,
        self_eval_forms.grade,
        -- where the row was read: the self-evaluation (this year's execution) where there is one
        case
            when self_eval_forms.project_year_id is not null then self_eval_forms.source_file
            else target_forms.source_file
        end as source_file,
        case
            when self_eval_forms.project_year_id is not null then self_eval_forms.source_line
            else target_forms.source_line
        end as source_line,
        target_forms.source_file as target_source_file,
        target_forms.source_line as target_source_line,
        array_sort(
            array_distinct(
                concat(
                    coalesce(target_forms.source_document_ids, {{ list_of([]) }}),
                    coalesce(self_eval_forms.source_document_ids, {{ list_of([]) }})
                )
            )
        ) as source_document_ids,
        array_sort(
            concat(
                coalesce(target_forms.source_project_keys, {{ list_of([]) }}),
                coalesce(self_eval_forms.source_project_keys, {{ list_of([]) }})
            )
        ) as source_project_keys
    from target_forms
    full outer join self_eval_forms
        on target_forms.project_id = self_eval_forms.project_id
            and target_forms.fiscal_year = self_eval_forms.fiscal_year
),

rates_computed as (
    select
        *,
        {{ safe_rate('prior_year_executed_yuan', 'prior_year_budget_yuan') }} as prior_year_execution_rate,
        {{ safe_rate('executed_yuan', 'full_year_budget_yuan') }} as execution_rate
    from forms_paired
),

final as (
    select
        md5(
            project_id || '|' || coalesce(
                cast(fiscal_year as string), target_project_year_id, self_eval_project_year_id
            )
        ) as project_fiscal_year_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        unit_name,
        project_name,
        target_project_year_id is not null as has_target_form,
        self_eval_project_year_id is not null as has_self_eval_form,
        target_project_year_id,
        self_eval_project_year_id,
        cast(prior_year_budget_yuan as decimal(18, 2)) as prior_year_budget_yuan,
        cast(prior_year_executed_yuan as decimal(18, 2)) as prior_year_executed_yuan,
        cast(prior_year_execution_rate as double) as prior_year_execution_rate,
        cast(initial_budget_yuan as decimal(18, 2)) as initial_budget_yuan,
        cast(full_year_budget_yuan as decimal(18, 2)) as full_year_budget_yuan,
        cast(executed_yuan as decimal(18, 2)) as executed_yuan,
        cast(execution_rate as double) as execution_rate,
        cast(execution_rate_stated as double) as execution_rate_stated,
        round(execution_rate - execution_rate_stated, 6) as execution_rate_diff,
        -- the form prints the rate to 0.01 %, so agreement within 0.01 percentage points is exact
        abs(execution_rate - execution_rate_stated) <= {{ var('rate_tolerance') }} as is_rate_consistent,
        cast(total_score as decimal(9, 2)) as total_score,
        grade,
        cast(source_document_ids as {{ type_string_list() }}) as source_document_ids,
        cast(source_project_keys as {{ type_string_list() }}) as source_project_keys,
        source_file,
        cast(source_line as integer) as source_line,
        target_source_file,
        cast(target_source_line as integer) as target_source_line
    from rates_computed
)

select * from final
