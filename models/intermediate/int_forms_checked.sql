{{ config(materialized='table') }}

-- A table, not a view: its data tests and fct_form_quality read it, and as a view each of them
-- aggregated every indicator, issue and budget line again.
-- One row per form found in a document (every copy, before de-duplication): what the parser
-- reported about it, which fields it leaves blank, and whether its own arithmetic holds. Each
-- check is true / false, or null when it does not apply to the form type or a figure it needs is
-- blank. Ratios are taken in the printed unit (unit-free); sums compared in yuan.
-- The fields a form of its type should state, and the names of the checks, as lists built per row.
{% set missing_field_checks = [
    "case when unit_name_clean is null then '单位名称' end",
    "case when project_name_clean is null then '项目名称' end",
    "case when fiscal_year is null then '年度' end",
    "case when amount_unit is null then '金额单位' end",
    "case when form_type = 'target' and budget_total_yuan is null then '项目总预算' end",
    "case when form_type = 'target' and budget_current_yuan is null then '项目当年预算' end",
    "case when form_type = 'self_eval' and full_year_budget_yuan is null then '全年预算数' end",
    "case when form_type = 'self_eval' and executed_yuan is null then '全年执行数' end",
    "case when form_type = 'self_eval' and execution_rate_stated is null then '执行率' end",
    "case when form_type = 'self_eval' and total_score is null then '总分' end",
    "case when form_type = 'self_eval' and grade is null then '评分等级' end",
    "case when n_indicators = 0 then '绩效指标' end",
] %}
{% set failed_check_names = [
    "case when not execution_rate_holds then '执行率 = 全年执行数 / 全年预算数' end",
    "case when not weights_sum_to_100 then 'Σ 分值 + 预算执行率分值 = 100' end",
    "case when not total_score_adds_up then 'Σ 得分 + 预算执行率得分 = 总分' end",
    "case when not current_within_total then '项目当年预算 ≤ 项目总预算' end",
    "case when not budget_items_add_up then '明细合计 = 项目预算' end",
] %}

with

stg_raw__projects as (
    select * from {{ ref('stg_raw__projects') }}
),

stg_raw__parse_issues as (
    select * from {{ ref('stg_raw__parse_issues') }}
),

stg_raw__indicators as (
    select * from {{ ref('stg_raw__indicators') }}
),

stg_raw__budget_items as (
    select * from {{ ref('stg_raw__budget_items') }}
),

int_document_sources as (
    select * from {{ ref('int_document_sources') }}
),

form_issues as (
    select
        project_key,
        count(*) filter (where severity = 'error') as n_issue_errors,
        count(*) filter (where severity = 'warning') as n_issue_warnings,
        count(*) filter (where severity = 'info') as n_issue_infos,
        array_sort(array_distinct(array_agg(issue_code) filter (where severity in ('error', 'warning'))))
            as issue_codes
    from stg_raw__parse_issues
    where project_key is not null
    group by project_key
),

document_issues as (
    select
        document_id,
        count(*) as n_document_issues
    from stg_raw__parse_issues
    where project_key is null
        and severity in ('error', 'warning')
    group by document_id
),

form_indicators as (
    select
        project_key,
        count(*) as n_indicators,
        count(weight) as n_weights,
        sum(weight) as weight_sum,
        count(score) as n_scores,
        sum(score) as score_sum
    from stg_raw__indicators
    group by project_key
),

form_budget_items as (
    select
        project_key,
        count(*) as n_budget_items,
        sum(amount_printed) as budget_items_printed_sum
    from stg_raw__budget_items
    group by project_key
),

forms_joined as (
    select
        stg_raw__projects.*,
        int_document_sources.source_file,
        int_document_sources.document_status,
        coalesce(form_issues.n_issue_errors, 0) as n_issue_errors,
        coalesce(form_issues.n_issue_warnings, 0) as n_issue_warnings,
        coalesce(form_issues.n_issue_infos, 0) as n_issue_infos,
        coalesce(form_issues.issue_codes, {{ list_of([]) }}) as issue_codes,
        coalesce(document_issues.n_document_issues, 0) as n_document_issues,
        coalesce(form_indicators.n_indicators, 0) as n_indicators,
        coalesce(form_indicators.n_weights, 0) as n_weights,
        form_indicators.weight_sum,
        coalesce(form_indicators.n_scores, 0) as n_scores,
        form_indicators.score_sum,
        coalesce(form_budget_items.n_budget_items, 0) as n_budget_items,
        {{ to_yuan('form_budget_items.budget_items_printed_sum', 'stg_raw__projects.amount_unit') }}
            as budget_items_yuan
    from stg_raw__projects
    left join int_document_sources
        on stg_raw__projects.document_id = int_document_sources.document_id
    left join form_issues
        on stg_raw__projects.project_key = form_issues.project_key
    left join document_issues
        on stg_raw__projects.document_id = document_issues.document_id
    left join form_indicators
        on stg_raw__projects.project_key = form_indicators.project_key
    left join form_budget_items
        on stg_raw__projects.project_key = form_budget_items.project_key
),

-- the fields a form of its type should state; prior-year figures are left out (a new project
-- leaves them blank by rights)
fields_checked as (
    select
        *,
        filter(
            {{ list_of(missing_field_checks) }},
            field -> field is not null
        ) as missing_fields,
        case when form_type = 'self_eval' then 10 else 7 end as n_expected_fields
    from forms_joined
),

-- the figures the checks compare, each null when a figure it needs is blank
figures_computed as (
    select
        *,
        cast(executed_yuan as double) / nullif(cast(full_year_budget_yuan as double), 0) as execution_rate_computed,
        -- the execution line scores 执行率 × its weight, capped at the weight
        least(
            coalesce(
                execution_rate_stated,
                cast(executed_yuan as double) / nullif(cast(full_year_budget_yuan as double), 0)
            ),
            1
        ) * {{ var('execution_weight') }} as execution_score,
        budget_items_yuan - coalesce(budget_current_yuan, budget_total_yuan) as budget_items_gap_yuan
    from fields_checked
),

arithmetic_checked as (
    select
        *,
        -- 执行率 = 全年执行数 / 全年预算数, to the printed precision
        case
            when form_type = 'self_eval'
                then abs(execution_rate_computed - execution_rate_stated) <= {{ var('rate_tolerance') }}
        end as execution_rate_holds,
        -- Σ 分值 + the execution line's weight = 100
        case
            when form_type = 'self_eval' and n_weights > 0
                then weight_sum + {{ var('execution_weight') }} = 100
        end as weights_sum_to_100,
        -- Σ 得分 + execution score = 总分, within 0.05 (forms round the execution score to 0.01)
        case
            when form_type = 'self_eval' and n_scores > 0
                then abs(score_sum + execution_score - total_score) <= 0.05
        end as total_score_adds_up,
        -- 项目当年预算 ≤ 项目总预算
        case
            when form_type = 'target' then budget_current_yuan <= budget_total_yuan
        end as current_within_total,
        -- the 子项目 / 项目构成 lines add up to 项目当年预算 (项目总预算 where the form states no 当年)
        case
            when n_budget_items > 0 then abs(budget_items_gap_yuan) <= {{ var('amount_tolerance_yuan') }}
        end as budget_items_add_up
    from figures_computed
),

checks_summarised as (
    select
        *,
        filter(
            {{ list_of(failed_check_names) }},
            check_name -> check_name is not null
        ) as failed_checks,
        (
            execution_rate_holds is null
            and weights_sum_to_100 is null
            and total_score_adds_up is null
            and current_within_total is null
            and budget_items_add_up is null
        ) as has_no_applicable_check
    from arithmetic_checked
),

final as (
    select
        project_key,
        document_id,
        form_seq,
        form_type,
        fiscal_year,
        unit_name,
        unit_name_clean,
        project_name,
        is_complete,
        document_status,
        cast({{ list_length('missing_fields') }} as integer) as n_missing_fields,
        missing_fields,
        {{ safe_rate('n_expected_fields - ' ~ list_length('missing_fields'), 'n_expected_fields') }}
            as field_completeness_rate,
        cast(n_issue_errors as integer) as n_issue_errors,
        cast(n_issue_warnings as integer) as n_issue_warnings,
        cast(n_issue_infos as integer) as n_issue_infos,
        issue_codes,
        cast(n_document_issues as integer) as n_document_issues,
        cast(n_indicators as integer) as n_indicators,
        cast(n_budget_items as integer) as n_budget_items,
        execution_rate_holds,
        weights_sum_to_100,
        total_score_adds_up,
        current_within_total,
        budget_items_add_up,
        -- every applicable check holds; null when none applies (no figures to check)
        case
            when {{ list_length('failed_checks') }} > 0 then false
            when has_no_applicable_check then null
            else true
        end as arithmetic_holds,
        failed_checks,
        source_file,
        line_start as source_line,
        line_end as source_line_end
    from checks_summarised
)

select * from final
