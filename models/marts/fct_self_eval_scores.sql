-- One row per self-evaluation (项目支出绩效自评表): does it add up? 总分 as printed beside the one
-- recomputed from Σ 得分 + the execution score (执行率 × its 分值, capped at the 分值), the grade the
-- score implies beside the printed one, Σ 分值 + the execution 分值 = 100, and a flag per mismatch.
-- A 总分 the form leaves blank stays null here (total_score_stated) as in raw; total_score then
-- takes the recomputed figure, and is_total_score_stated says so.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

fct_indicators as (
    select * from {{ ref('fct_indicators') }}
),

-- n_indicators is the form's own count (int_projects_linked), the same as fct_indicators' rows
self_evaluations as (
    select * from int_projects_linked
    where form_type = 'self_eval'
),

indicator_totals as (
    select
        project_year_id,
        sum(weight) as indicator_weight_sum,
        sum(score) as indicator_score_sum,
        count(*) filter (where is_achieved = false) as n_missed,
        count(*) filter (where is_score_without_achievement) as n_score_without_achievement,
        count(*) filter (where is_marked_down_when_achieved) as n_marked_down_when_achieved,
        count(*) filter (where is_missed_without_reason) as n_missed_without_reason
    from fct_indicators
    where form_type = 'self_eval'
    group by project_year_id
),

-- the execution line scores the printed 执行率 (else 执行数 / 全年预算数) × its 分值, capped at the
-- 分值; forms print it to 0.01
execution_scored as (
    select
        self_evaluations.*,
        indicator_totals.indicator_weight_sum,
        indicator_totals.indicator_score_sum,
        indicator_totals.n_missed,
        indicator_totals.n_score_without_achievement,
        indicator_totals.n_marked_down_when_achieved,
        indicator_totals.n_missed_without_reason,
        cast({{ var('execution_weight') }} as decimal(9, 2)) as execution_weight,
        round(
            least(
                coalesce(
                    cast(self_evaluations.execution_rate_stated_pct as decimal(18, 6)),
                    cast(self_evaluations.executed_yuan as decimal(18, 6)) * 100
                    / nullif(cast(self_evaluations.full_year_budget_yuan as decimal(18, 6)), 0)
                ),
                100
            ) * {{ var('execution_weight') }} / 100,
            2
        ) as execution_score_computed
    from self_evaluations
    left join indicator_totals
        on self_evaluations.project_year_id = indicator_totals.project_year_id
),

totals_computed as (
    select
        *,
        indicator_score_sum + execution_score_computed as total_score_computed,
        indicator_weight_sum + execution_weight as weight_sum
    from execution_scored
),

checked as (
    select
        *,
        coalesce(total_score, total_score_computed) as total_score_used,
        {{ grade_for_score('coalesce(total_score, total_score_computed)') }} as grade_implied,
        -- forms round the execution score to 0.01: a gap up to 0.05 is rounding, not a mismatch
        case
            when total_score is not null and total_score_computed is not null
                then abs(total_score - total_score_computed) > {{ var('score_tolerance') }}
        end as is_total_score_mismatch,
        case when weight_sum is not null then weight_sum != 100 end as is_weight_sum_mismatch
    from totals_computed
),

flagged as (
    select
        *,
        case
            when grade is not null and grade_implied is not null then grade != grade_implied
        end as is_grade_mismatch
    from checked
),

final as (
    select
        project_year_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        canonical_unit_name as unit_name,
        project_name,
        cast(total_score as decimal(9, 2)) as total_score_stated,
        cast(total_score_computed as decimal(9, 2)) as total_score_computed,
        cast(total_score_used as decimal(9, 2)) as total_score,
        total_score is not null as is_total_score_stated,
        cast(total_score - total_score_computed as decimal(9, 2)) as total_score_gap,
        cast(indicator_score_sum as decimal(9, 2)) as indicator_score_sum,
        execution_rate_stated,
        cast(execution_weight as decimal(9, 2)) as execution_weight,
        cast(execution_score_computed as decimal(9, 2)) as execution_score_computed,
        cast(indicator_weight_sum as decimal(9, 2)) as indicator_weight_sum,
        cast(weight_sum as decimal(9, 2)) as weight_sum,
        grade as grade_stated,
        grade_implied,
        cast(coalesce(n_indicators, 0) as integer) as n_indicators,
        cast(coalesce(n_missed, 0) as integer) as n_missed,
        cast(coalesce(n_score_without_achievement, 0) as integer) as n_score_without_achievement,
        cast(coalesce(n_missed_without_reason, 0) as integer) as n_missed_without_reason,
        cast(coalesce(n_marked_down_when_achieved, 0) as integer) as n_marked_down_when_achieved,
        is_total_score_mismatch,
        is_grade_mismatch,
        is_weight_sum_mismatch,
        coalesce(n_score_without_achievement, 0) > 0 as has_score_without_achievement,
        coalesce(n_marked_down_when_achieved, 0) > 0 as has_marked_down_when_achieved,
        coalesce(
            is_total_score_mismatch or is_grade_mismatch or is_weight_sum_mismatch
            or coalesce(n_score_without_achievement, 0) > 0
            or coalesce(n_marked_down_when_achieved, 0) > 0,
            false
        ) as has_mismatch,
        {{ non_null_array([
            "case when is_total_score_mismatch then '总分 ≠ Σ得分 + 预算执行率得分' end",
            "case when is_grade_mismatch then '评分等级与总分不符' end",
            "case when is_weight_sum_mismatch then 'Σ分值 ≠ 100' end",
            "case when n_score_without_achievement > 0 then '未达成仍满分' end",
            "case when n_marked_down_when_achieved > 0 then '达成仍扣分' end",
        ]) }} as mismatches,
        is_complete,
        source_file,
        cast(source_line as integer) as source_line
    from flagged
)

select * from final
