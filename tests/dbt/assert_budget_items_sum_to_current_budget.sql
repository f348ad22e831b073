{{ config(severity='warn') }}

-- Where a form itemises its budget (子项目 / 项目构成), the lines add up to 项目当年预算
-- (003: 1256856 + 4216543 + 841200 = 6314599; 004: 46 + 60 + 20 + 120 + 50 = 296 万元).
-- A gap usually means a line was missed or misread; the marts do not use the lines, so warn.

with

item_totals as (
    select
        project_year_id,
        sum(amount_yuan) as items_yuan,
        count(*) as n_items
    from {{ ref('int_budget_items_converted') }}
    group by project_year_id
)

select
    forms.project_year_id,
    forms.canonical_unit_name,
    forms.project_name,
    forms.fiscal_year,
    forms.budget_current_yuan,
    item_totals.items_yuan,
    item_totals.n_items
from {{ ref('int_projects_deduplicated') }} as forms
inner join item_totals
    on forms.project_year_id = item_totals.project_year_id
where forms.budget_current_yuan is not null
    and abs(item_totals.items_yuan - forms.budget_current_yuan) > 1
