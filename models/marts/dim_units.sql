-- One row per canonical unit (申报/填报/实施单位), after alias resolution.

with

int_units_resolved as (
    select * from {{ ref('int_units_resolved') }}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

units as (
    select
        unit_id,
        any_value(canonical_unit_name) as unit_name,
        any_value(canonical_unit_name_clean) as unit_name_clean,
        any_value(unit_level) as unit_level,
        array_sort(array_distinct(flatten(array_agg(printed_unit_names)))) as aliases
    from int_units_resolved
    group by unit_id
),

supervisor_names_counted as (
    select
        unit_id,
        supervisor_name,
        count(*) as n_forms
    from int_projects_linked
    where unit_id is not null
        and supervisor_name is not null
    group by unit_id, supervisor_name
),

-- the 主管部门 printed on most of the unit's forms (ties: the smallest string)
supervisors as (
    select
        unit_id,
        supervisor_name
    from supervisor_names_counted
    qualify
        row_number() over (
            partition by unit_id
            order by n_forms desc, supervisor_name asc
        ) = 1
),

unit_forms_summarised as (
    select
        unit_id,
        count(distinct project_id) as n_projects,
        count(*) as n_forms,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year
    from int_projects_linked
    where unit_id is not null
    group by unit_id
),

final as (
    select
        units.unit_id,
        units.unit_name,
        units.unit_name_clean,
        cast(units.aliases as {{ type_string_list() }}) as aliases,
        supervisors.supervisor_name,
        units.unit_level,
        cast(coalesce(unit_forms_summarised.n_projects, 0) as integer) as n_projects,
        cast(coalesce(unit_forms_summarised.n_forms, 0) as integer) as n_forms,
        cast(unit_forms_summarised.first_fiscal_year as integer) as first_fiscal_year,
        cast(unit_forms_summarised.last_fiscal_year as integer) as last_fiscal_year
    from units
    left join supervisors
        on units.unit_id = supervisors.unit_id
    left join unit_forms_summarised
        on units.unit_id = unit_forms_summarised.unit_id
)

select * from final
