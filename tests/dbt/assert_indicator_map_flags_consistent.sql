-- Each canonical (一级, 二级) category has one is_cost and one is_management value across the
-- indicator_category_map and indicator_name_rules rows that map to it; otherwise
-- agg_indicator_coverage, which reports one flag per category, would depend on which label a form
-- happened to print or which rule decided.

with

categories as (
    select
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from {{ ref('indicator_category_map') }}

    union all

    select
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from {{ ref('indicator_name_rules') }}
)

select
    canonical_level1,
    canonical_level2,
    count(distinct is_cost) as n_is_cost_values,
    count(distinct is_management) as n_is_management_values
from categories
group by canonical_level1, canonical_level2
having count(distinct is_cost) > 1
    or count(distinct is_management) > 1
