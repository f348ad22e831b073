{{ config(materialized='table') }}

-- A table, not a view: six data tests, int_projects_deduplicated and two marts read it (as a view
-- each of them grouped every form again: 1.2 s a test at N = 2,000).
-- One row per cleaned unit name seen on a form, resolved to its canonical unit through the
-- unit_aliases seed and given a government level through the unit_level_rules seed.

with

stg_raw__projects as (
    select * from {{ ref('stg_raw__projects') }}
),

unit_aliases as (
    select * from {{ ref('unit_aliases') }}
),

unit_level_rules as (
    select * from {{ ref('unit_level_rules') }}
),

aliases_cleaned as (
    select
        {{ clean_text('alias') }} as alias_clean,
        canonical_unit_name,
        {{ clean_text('canonical_unit_name') }} as canonical_unit_name_clean
    from unit_aliases
),

printed_names_counted as (
    select
        unit_name_clean,
        unit_name,
        count(*) as n_source_forms
    from stg_raw__projects
    where unit_name_clean is not null
    group by unit_name_clean, unit_name
),

unit_names_seen as (
    select
        unit_name_clean,
        sum(n_source_forms) as n_source_forms,
        array_sort(array_agg(unit_name)) as printed_unit_names
    from printed_names_counted
    group by unit_name_clean
),

units_resolved as (
    select
        unit_names_seen.unit_name_clean,
        coalesce(aliases_cleaned.canonical_unit_name_clean, unit_names_seen.unit_name_clean)
            as canonical_unit_name_clean,
        aliases_cleaned.canonical_unit_name as alias_canonical_unit_name,
        aliases_cleaned.alias_clean is not null as is_alias,
        unit_names_seen.printed_unit_names,
        unit_names_seen.n_source_forms
    from unit_names_seen
    left join aliases_cleaned
        on unit_names_seen.unit_name_clean = aliases_cleaned.alias_clean
),

-- the display name of a canonical unit: the seed's canonical name when an alias points at it,
-- else the printing seen on most forms (ties: the smallest string, so the choice is stable)
display_names as (
    select
        units_resolved.canonical_unit_name_clean,
        coalesce(
            max(units_resolved.alias_canonical_unit_name) over canonical_unit,
            printed_names_counted.unit_name
        ) as canonical_unit_name
    from units_resolved
    inner join printed_names_counted
        on units_resolved.unit_name_clean = printed_names_counted.unit_name_clean
    window canonical_unit as (partition by units_resolved.canonical_unit_name_clean)
    qualify
        row_number() over (
            partition by units_resolved.canonical_unit_name_clean
            order by printed_names_counted.n_source_forms desc, printed_names_counted.unit_name asc
        ) = 1
),

-- several rules can match one name; the lowest priority number wins
unit_levels as (
    select
        display_names.canonical_unit_name_clean,
        unit_level_rules.unit_level
    from display_names
    inner join unit_level_rules
        on {{ regexp_contains('display_names.canonical_unit_name_clean', 'unit_level_rules.pattern') }}
    qualify
        row_number() over (
            partition by display_names.canonical_unit_name_clean
            order by unit_level_rules.priority
        ) = 1
),

final as (
    select
        units_resolved.unit_name_clean,
        md5(units_resolved.canonical_unit_name_clean) as unit_id,
        display_names.canonical_unit_name,
        units_resolved.canonical_unit_name_clean,
        units_resolved.is_alias,
        unit_levels.unit_level,
        units_resolved.printed_unit_names,
        units_resolved.n_source_forms
    from units_resolved
    inner join display_names
        on units_resolved.canonical_unit_name_clean = display_names.canonical_unit_name_clean
    left join unit_levels
        on units_resolved.canonical_unit_name_clean = unit_levels.canonical_unit_name_clean
)

select * from final
