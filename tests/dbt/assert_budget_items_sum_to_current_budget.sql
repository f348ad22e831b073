{{ config(severity='warn') }}

-- Where a form itemises its budget (子项目 / 项目构成), the lines add up to 项目当年预算
-- (003: 1256856 + 4216543 + 841200 = 6314599; 004: 46 + 60 + 20 + 120 + 50 = 296 万元).
-- A gap usually means a line was missed or misread; fct_budget_items and fct_form_quality flag it
-- (items_add_up, budget_items_add_up), so this warns and lists the forms.

select distinct
    project_year_id,
    unit_name,
    project_name,
    fiscal_year,
    form_budget_basis,
    form_budget_yuan,
    items_total_yuan,
    items_gap_yuan,
    n_form_items,
    source_file
from {{ ref('fct_budget_items') }}
where not items_add_up
