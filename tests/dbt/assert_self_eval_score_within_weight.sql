-- On a self-evaluation an indicator scores at most its weight (得分 ≤ 分值): quantitative scores
-- are capped at the weight and qualitative grades give 0-100 % of it (DOMAIN.md). A failure means
-- the weight and score columns were read from the wrong cells.

select
    indicator_id,
    unit_name,
    project_name,
    fiscal_year,
    indicator_name,
    weight,
    score
from {{ ref('fct_indicators') }}
where form_type = 'self_eval'
    and score > weight
