{{ config(severity='warn') }}

-- An indicator whose name says 满意度 measures satisfaction: it belongs in 满意度指标. One that lands
-- elsewhere fails here unless the seeds record the decision: an indicator_name_overrides row (the
-- printed labels stand for this name) or a name rule that sends it elsewhere on purpose. Fix by
-- adding a category or name rule (the name decides) or an override (the labels stand), never by
-- dropping the row. Names are matched cleaned (clean_text), so "满 意度" counts too. A warning, not
-- an error: real forms do file a 满意度 indicator under 质量指标 (宁晋县) or 可持续影响 (武汉青山), and
-- one such form must not stop an analyst's build; the rows stay in the test_failures schema.

select
    indicator_id,
    canonical_unit_name,
    project_name,
    fiscal_year,
    level1,
    level2,
    indicator_name,
    canonical_level1,
    canonical_level2,
    category_source
from {{ ref('int_indicators_mapped') }}
where indicator_name_clean like '%满意度%'
    and canonical_level1 is distinct from '满意度指标'
    and not has_name_override
    and category_source is distinct from 'name'
