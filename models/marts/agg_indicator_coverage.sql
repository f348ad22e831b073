-- One row per fiscal year × form type × canonical 一级 × canonical 二级: how many of that year's
-- forms carry at least one indicator in the category. Every category of the mapping seeds appears
-- for every year and form type, with zeros where no form uses it. Forms without a fiscal year
-- cannot be placed in a year and are left out here (they stay in fct_indicators).

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

int_indicators_mapped as (
    select * from {{ ref('int_indicators_mapped') }}
),

indicator_category_map as (
    select * from {{ ref('indicator_category_map') }}
),

indicator_name_rules as (
    select * from {{ ref('indicator_name_rules') }}
),

year_form_types as (
    select
        fiscal_year,
        form_type,
        count(*) as n_projects_total
    from int_projects_linked
    where fiscal_year is not null
    group by fiscal_year, form_type
),

-- every category a label or a name rule can give (tests/dbt/assert_indicator_map_flags_consistent.sql
-- keeps one is_cost / is_management value per category)
seed_categories as (
    select
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from indicator_category_map

    union all

    select
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from indicator_name_rules
),

categories as (
    select
        canonical_level1,
        canonical_level2,
        bool_or(is_cost) as is_cost,
        bool_or(is_management) as is_management
    from seed_categories
    group by canonical_level1, canonical_level2
),

category_use as (
    select
        fiscal_year,
        form_type,
        canonical_level1,
        canonical_level2,
        count(distinct project_year_id) as n_projects_covered,
        count(*) as n_indicators,
        count(*) filter (where is_quantitative) as n_quantitative
    from int_indicators_mapped
    where fiscal_year is not null
    group by fiscal_year, form_type, canonical_level1, canonical_level2
),

level1_use as (
    select
        fiscal_year,
        form_type,
        canonical_level1,
        count(distinct project_year_id) as n_projects_covered_level1
    from int_indicators_mapped
    where fiscal_year is not null
    group by fiscal_year, form_type, canonical_level1
),

final as (
    select
        md5(
            concat_ws(
                '|',
                year_form_types.fiscal_year,
                year_form_types.form_type,
                categories.canonical_level1,
                categories.canonical_level2
            )
        ) as indicator_coverage_id,
        cast(year_form_types.fiscal_year as integer) as fiscal_year,
        year_form_types.form_type,
        categories.canonical_level1,
        categories.canonical_level2,
        coalesce(categories.canonical_level1 in {{ sql_list(var('core_level1')) }}, false) as is_core_category,
        categories.is_cost,
        categories.is_management,
        cast(year_form_types.n_projects_total as integer) as n_projects_total,
        cast(coalesce(category_use.n_projects_covered, 0) as integer) as n_projects_covered,
        {{ safe_rate('coalesce(category_use.n_projects_covered, 0)', 'year_form_types.n_projects_total') }}
            as coverage_rate,
        cast(coalesce(level1_use.n_projects_covered_level1, 0) as integer) as n_projects_covered_level1,
        {{ safe_rate('coalesce(level1_use.n_projects_covered_level1, 0)', 'year_form_types.n_projects_total') }}
            as level1_coverage_rate,
        cast(coalesce(category_use.n_indicators, 0) as integer) as n_indicators,
        cast(coalesce(category_use.n_quantitative, 0) as integer) as n_quantitative,
        {{ safe_rate('category_use.n_quantitative', 'category_use.n_indicators') }} as quantitative_rate
    from year_form_types
    cross join categories
    left join category_use
        on year_form_types.fiscal_year = category_use.fiscal_year
            and year_form_types.form_type = category_use.form_type
            and categories.canonical_level1 = category_use.canonical_level1
            and categories.canonical_level2 = category_use.canonical_level2
    left join level1_use
        on year_form_types.fiscal_year = level1_use.fiscal_year
            and year_form_types.form_type = level1_use.form_type
            and categories.canonical_level1 = level1_use.canonical_level1
)

select * from final
