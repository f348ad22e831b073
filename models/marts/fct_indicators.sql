-- One row per indicator (三级) of a winning form, on one framework.

with

int_indicators_mapped as (
    select * from {{ ref('int_indicators_mapped') }}
),

final as (
    select
        indicator_id,
        project_year_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        form_type,
        canonical_unit_name as unit_name,
        project_name,
        cast(indicator_seq as integer) as indicator_seq,
        level1,
        level2,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        is_core_category,
        category_source,
        indicator_name,
        target,
        target_operator,
        cast(target_value as decimal(18, 4)) as target_value,
        target_unit,
        is_quantitative,
        actual,
        cast(weight as decimal(9, 2)) as weight,
        cast(score as decimal(9, 2)) as score,
        deviation_reason,
        note,
        source_file,
        cast(source_line as integer) as source_line
    from int_indicators_mapped
)

select * from final
