-- Which units set the fewest measurable targets?
-- One row per unit: the share of its indicators whose target parses to a number (quantitative),
-- over all years and form types, lowest first. 投入与管理 indicators (older Shanghai forms) are
-- reported apart because they are mostly qualitative by design (健全 / 规范 / 有效) and would
-- otherwise drag down units that still file the old form.

with

fct_indicators as (
    select * from {{ ref('fct_indicators') }}
),

unit_shares as (
    select
        unit_name,
        count(*) as n_indicators,
        count(*) filter (where is_quantitative) as n_quantitative,
        count(*) filter (where is_core_category) as n_core_indicators,
        count(*) filter (where is_core_category and is_quantitative) as n_core_quantitative,
        count(*) filter (where is_management) as n_management_indicators
    from fct_indicators
    group by unit_name
),

final as (
    select
        unit_name,
        n_indicators,
        n_quantitative,
        {{ safe_rate('n_quantitative', 'n_indicators') }} as quantitative_rate,
        n_core_indicators,
        {{ safe_rate('n_core_quantitative', 'n_core_indicators') }} as core_quantitative_rate,
        n_management_indicators
    from unit_shares
    order by core_quantitative_rate asc nulls last, quantitative_rate asc
)

select * from final
