-- One row per project across years and documents: the same unit + project name (cleaned) is one
-- project_id whichever year or document it was printed in, and a renamed project linked across
-- years (project_links seed, int_project_link_candidates) keeps the id of its earliest name.

with

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

-- names as printed on the most recent form (target before self-evaluation), and where it was read
latest_forms as (
    select
        project_id,
        unit_id,
        canonical_unit_name,
        project_name,
        project_name_clean,
        source_file,
        source_line
    from int_projects_linked
    qualify
        row_number() over (
            partition by project_id
            order by fiscal_year desc nulls last, form_type = 'target' desc, project_year_id asc
        ) = 1
),

latest_categories as (
    select
        project_id,
        project_category
    from int_projects_linked
    where project_category is not null
    qualify
        row_number() over (
            partition by project_id
            order by fiscal_year desc nulls last, form_type = 'target' desc, project_year_id asc
        ) = 1
),

-- every name the project was printed under, with the years it carried it
names_by_year as (
    select
        project_id,
        project_name,
        name_project_id,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year
    from int_projects_linked
    where project_name is not null
    group by project_id, project_name, name_project_id
),

project_names_summarised as (
    select
        project_id,
        {{ list_agg_ordered(
            "coalesce(cast(first_fiscal_year as string), '?')"
            ~ " || case when last_fiscal_year > first_fiscal_year then '-' || cast(last_fiscal_year as string)"
            ~ " else '' end || ': ' || project_name",
            ['first_fiscal_year', 'project_name']
        ) }} as project_names,
        array_sort(array_distinct(array_agg(name_project_id))) as name_project_ids,
        count(distinct name_project_id) as n_names
    from names_by_year
    group by project_id
),

project_forms_summarised as (
    select
        project_id,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(distinct fiscal_year) as n_fiscal_years,
        count(*) as n_forms,
        count(*) filter (where form_type = 'target') as n_target_forms,
        count(*) filter (where form_type = 'self_eval') as n_self_eval_forms,
        array_sort(array_distinct(flatten(array_agg(source_document_ids)))) as source_document_ids
    from int_projects_linked
    group by project_id
),

final as (
    select
        latest_forms.project_id,
        latest_forms.unit_id,
        latest_forms.canonical_unit_name as unit_name,
        latest_forms.project_name,
        latest_forms.project_name_clean,
        latest_categories.project_category,
        coalesce(project_names_summarised.project_names, {{ list_of([]) }}) as project_names,
        coalesce(project_names_summarised.name_project_ids, {{ list_of([]) }}) as name_project_ids,
        cast(coalesce(project_names_summarised.n_names, 0) as integer) as n_names,
        cast(project_forms_summarised.first_fiscal_year as integer) as first_fiscal_year,
        cast(project_forms_summarised.last_fiscal_year as integer) as last_fiscal_year,
        cast(project_forms_summarised.n_fiscal_years as integer) as n_fiscal_years,
        cast(project_forms_summarised.n_forms as integer) as n_forms,
        cast(project_forms_summarised.n_target_forms as integer) as n_target_forms,
        cast(project_forms_summarised.n_self_eval_forms as integer) as n_self_eval_forms,
        cast(project_forms_summarised.source_document_ids as {{ type_string_list() }}) as source_document_ids,
        latest_forms.source_file,
        cast(latest_forms.source_line as integer) as source_line
    from latest_forms
    inner join project_forms_summarised
        on latest_forms.project_id = project_forms_summarised.project_id
    left join latest_categories
        on latest_forms.project_id = latest_categories.project_id
    left join project_names_summarised
        on latest_forms.project_id = project_names_summarised.project_id
)

select * from final
