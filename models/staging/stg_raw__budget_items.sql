with

source as (
    select * from {{ source('raw', 'budget_items') }}
),

renamed as (
    select
        project_key,
        seq as item_seq,
        project_key || ':' || seq as budget_item_key,
        item_group,
        item_name,
        {{ clean_text('item_name') }} as item_name_clean,
        -- in the unit of the form the line belongs to; int_budget_items_converted turns it into yuan
        amount as amount_printed,
        unit_price as unit_price_printed,
        quantity,
        note,
        line_no
    from source
)

select * from renamed
