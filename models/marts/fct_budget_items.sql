-- One row per 子项目 / 项目构成 budget line of a form the marts use (copies in other documents
-- dropped), in yuan, with the form's total and whether the form's lines add up to it.

with

int_budget_items_converted as (
    select * from {{ ref('int_budget_items_converted') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

form_item_totals as (
    select
        project_year_id,
        count(*) as n_form_items,
        sum(amount_yuan) as items_total_yuan
    from int_budget_items_converted
    group by project_year_id
),

-- the lines itemise 项目当年预算; a form that states only 项目总预算 is compared with that
forms as (
    select
        int_projects_linked.project_year_id,
        int_projects_linked.unit_id,
        int_projects_linked.canonical_unit_name,
        int_projects_linked.project_name,
        int_projects_linked.form_type,
        coalesce(
            int_projects_linked.budget_current_yuan, int_projects_linked.budget_total_yuan
        ) as form_budget_yuan,
        case
            when int_projects_linked.budget_current_yuan is not null then '项目当年预算'
            when int_projects_linked.budget_total_yuan is not null then '项目总预算'
        end as form_budget_basis,
        form_item_totals.n_form_items,
        form_item_totals.items_total_yuan
    from int_projects_linked
    inner join form_item_totals
        on int_projects_linked.project_year_id = form_item_totals.project_year_id
),

final as (
    select
        forms.canonical_unit_name as unit_name,
        cast(items.fiscal_year as integer) as fiscal_year,
        forms.project_name,
        forms.form_type,
        cast(items.item_seq as integer) as item_seq,
        items.item_group,
        items.item_name,
        cast(items.amount_yuan as decimal(18, 2)) as amount_yuan,
        cast(items.unit_price_yuan as decimal(18, 2)) as unit_price_yuan,
        cast(items.quantity as decimal(18, 4)) as quantity,
        items.note,
        cast(forms.n_form_items as integer) as n_form_items,
        cast(forms.items_total_yuan as decimal(18, 2)) as items_total_yuan,
        cast(forms.form_budget_yuan as decimal(18, 2)) as form_budget_yuan,
        forms.form_budget_basis,
        cast(forms.items_total_yuan - forms.form_budget_yuan as decimal(18, 2)) as items_gap_yuan,
        abs(forms.items_total_yuan - forms.form_budget_yuan) <= {{ var('amount_tolerance_yuan') }}
            as items_add_up,
        items.source_file,
        cast(items.source_line as integer) as source_line,
        items.budget_item_id,
        items.project_year_id,
        items.project_id,
        forms.unit_id,
        items.project_key
    from int_budget_items_converted as items
    inner join forms
        on items.project_year_id = forms.project_year_id
)

select * from final
