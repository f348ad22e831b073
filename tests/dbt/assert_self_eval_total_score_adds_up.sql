{{ config(severity='warn') }}

-- A self-evaluation's 总分 is the indicator scores plus the execution score, which is
-- 执行率 × its weight, capped at the weight (DOMAIN.md). Forms round the execution score to 0.01,
-- so a gap up to 0.05 is tolerated. A larger gap suggests a missed or misread indicator row.

with

scores as (
    select
        project_year_id,
        sum(score) as indicator_score
    from {{ ref('fct_indicators') }}
    where form_type = 'self_eval'
    group by project_year_id
)

select
    execution.project_fiscal_year_id,
    execution.unit_name,
    execution.project_name,
    execution.fiscal_year,
    execution.total_score,
    scores.indicator_score,
    execution.execution_rate_stated
from {{ ref('fct_execution') }} as execution
inner join scores
    on execution.self_eval_project_year_id = scores.project_year_id
where execution.total_score is not null
    and execution.execution_rate_stated is not null
    and abs(
        scores.indicator_score
        + least(execution.execution_rate_stated, 1) * {{ var('execution_weight') }}
        - execution.total_score
    ) > 0.05
