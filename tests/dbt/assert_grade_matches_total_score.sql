{{ config(severity='warn') }}

-- A self-evaluation's 评分等级 follows its 总分: 优 ≥ 90, 良 80-90, 中 60-80, 差 < 60 (DOMAIN.md).
-- A mismatch is either a misprint or a misread score; worth a look, not a wrong mart.

select
    project_fiscal_year_id,
    unit_name,
    project_name,
    fiscal_year,
    total_score,
    grade
from {{ ref('fct_execution') }}
where total_score is not null
    and grade is not null
    and grade != case
        when total_score >= 90 then '优'
        when total_score >= 80 then '良'
        when total_score >= 60 then '中'
        else '差'
    end
