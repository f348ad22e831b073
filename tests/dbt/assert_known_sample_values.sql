-- Figures a person read off the sample documents (data/samples/000 and 001, the same form twice):
-- 上海市房屋管理局 / 房屋物业管理监督管理 / 2020 target form states 项目当年预算 26,470,288 元 and
-- 同名项目上年预算额 28,926,746 元, so the change is −2,456,458 元, −8.49 %. The row is checked only
-- when the warehouse holds it (other collections may not).

select
    project_year_id,
    budget_current_yuan,
    prior_year_budget_yuan,
    yoy_delta_yuan,
    yoy_delta_rate
from {{ ref('fct_budget_yoy') }}
where unit_name = '上海市房屋管理局'
    and project_name = '房屋物业管理监督管理'
    and fiscal_year = 2020
    and not (
        budget_current_yuan = 26470288
        and prior_year_budget_yuan = 28926746
        and yoy_delta_yuan = -2456458
        and abs(yoy_delta_rate - (-0.0849)) < 0.00005
    )
