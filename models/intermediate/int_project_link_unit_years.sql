{{ config(materialized='table') }}

-- One row per unit and later year the cross-year comparison could see (the unit has projects in it
-- or in the year before), with a print of the unit's project-years in the two years: what
-- int_project_link_candidates compares there. The model pairs again the unit-years whose
-- fingerprint (this print with the seed's rejections and the vars, macro
-- link_unit_years_fingerprinted) it does not hold yet. A table: the lookup, the model and its
-- post-hook read it, and the grouping over every project-year runs once. The seed and the vars
-- stay out of it, so a run of the model alone with other vars pairs again. Nulls are spelled out,
-- so a moved null changes the print.

with

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
),

project_years as (
    {{ link_project_years('int_projects_deduplicated') }}
),

year_prints as (
    select
        unit_id,
        fiscal_year,
        {{ fingerprint(
            "concat_ws('|', project_id, coalesce(unit_name, '∅'), coalesce(project_name, '∅'),"
            ~ " coalesce(project_name_clean, '∅'), coalesce(cast(budget_current_yuan as string), '∅'),"
            ~ " coalesce(cast(prior_year_budget_yuan as string), '∅'))"
        ) }} as year_print
    from project_years
    group by unit_id, fiscal_year
),

final as (
    select
        coalesce(this_year.unit_id, year_before.unit_id) as unit_id,
        coalesce(this_year.fiscal_year, year_before.fiscal_year + 1) as fiscal_year,
        md5(
            concat_ws('|', coalesce(year_before.year_print, '∅'), coalesce(this_year.year_print, '∅'))
        ) as project_years_print
    from year_prints as this_year
    full outer join year_prints as year_before
        on this_year.unit_id = year_before.unit_id
            and this_year.fiscal_year = year_before.fiscal_year + 1
)

select * from final
