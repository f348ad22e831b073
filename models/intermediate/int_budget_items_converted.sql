-- One row per 子项目 / 项目构成 budget line of a winning form, converted to yuan with the unit its
-- form prints (the unit lives on the form, so the conversion needs this join).

with

stg_raw__budget_items as (
    select * from {{ ref('stg_raw__budget_items') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

final as (
    select
        md5(int_projects_linked.project_year_id || '|' || stg_raw__budget_items.item_seq)
            as budget_item_id,
        int_projects_linked.project_year_id,
        int_projects_linked.project_id,
        int_projects_linked.fiscal_year,
        stg_raw__budget_items.project_key,
        stg_raw__budget_items.item_seq,
        stg_raw__budget_items.item_group,
        stg_raw__budget_items.item_name,
        stg_raw__budget_items.item_name_clean,
        int_projects_linked.amount_unit,
        {{ to_yuan('stg_raw__budget_items.amount_printed', 'int_projects_linked.amount_unit') }}
            as amount_yuan,
        {{ to_yuan('stg_raw__budget_items.unit_price_printed', 'int_projects_linked.amount_unit') }}
            as unit_price_yuan,
        stg_raw__budget_items.quantity,
        stg_raw__budget_items.note,
        int_projects_linked.source_file,
        stg_raw__budget_items.line_no as source_line
    from stg_raw__budget_items
    inner join int_projects_linked
        on stg_raw__budget_items.project_key = int_projects_linked.winning_project_key
)

select * from final
