-- Figures a person read off sample 003 (the four 2018 target forms of 上海市公积金管理中心 (two),
-- 上海市城乡建设和交通发展研究院 … and 上海市房地产学校): every form prints at least one satisfaction
-- indicator (用户满意度, 各区县使用满意度, 餐饮质量满意度 …) under 效果目标 with no 二级, seven in
-- all. Their names decide the category, so 2018 满意度指标 coverage is 4 of 4 forms, not 0. Checked
-- only when 003's four are the warehouse's only 2018 target forms (other collections may hold none
-- of them, or more 2018 forms beside them, as the samples plus a generated collection do).

with

sample_forms as (
    select count(*) as n_forms
    from {{ ref('int_projects_linked') }}
    where fiscal_year = 2018
        and form_type = 'target'
        and source_file = '003_897400f29f10574e.txt'
),

all_forms as (
    select count(*) as n_forms
    from {{ ref('int_projects_deduplicated') }}
    where fiscal_year = 2018
        and form_type = 'target'
),

coverage as (
    select
        n_projects_total,
        n_projects_covered_level1,
        n_indicators
    from {{ ref('agg_indicator_coverage') }}
    where fiscal_year = 2018
        and form_type = 'target'
        and canonical_level1 = '满意度指标'
        and canonical_level2 = '服务对象满意度指标'
)

select
    sample_forms.n_forms,
    coverage.n_projects_total,
    coverage.n_projects_covered_level1,
    coverage.n_indicators
from sample_forms
cross join all_forms
cross join coverage
where sample_forms.n_forms = 4
    and all_forms.n_forms = 4
    and not (
        coverage.n_projects_total = 4
        and coverage.n_projects_covered_level1 = 4
        and coverage.n_indicators = 7
    )
