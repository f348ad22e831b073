-- Every form found by ingest is counted exactly once in the marts: each raw target form sits in
-- exactly one fct_budget_yoy row, each raw form (target or self-evaluation) in exactly one
-- fct_execution row, and fct_indicators holds exactly the winning copy's indicator rows.

with

raw_forms as (
    select
        project_key,
        form_type
    from {{ ref('stg_raw__projects') }}
),

budget_rows as (
    select {{ list_elements('source_project_keys') }} as project_key
    from {{ ref('fct_budget_yoy') }}
),

execution_rows as (
    select {{ list_elements('source_project_keys') }} as project_key
    from {{ ref('fct_execution') }}
),

budget_counts as (
    select
        raw_forms.project_key,
        count(budget_rows.project_key) as n_rows
    from raw_forms
    left join budget_rows
        on raw_forms.project_key = budget_rows.project_key
    where raw_forms.form_type = 'target'
    group by raw_forms.project_key
),

execution_counts as (
    select
        raw_forms.project_key,
        count(execution_rows.project_key) as n_rows
    from raw_forms
    left join execution_rows
        on raw_forms.project_key = execution_rows.project_key
    group by raw_forms.project_key
),

indicator_counts as (
    select
        forms.project_year_id,
        forms.n_indicators as n_expected,
        count(indicators.indicator_id) as n_rows
    from {{ ref('int_projects_linked') }} as forms
    left join {{ ref('fct_indicators') }} as indicators
        on forms.project_year_id = indicators.project_year_id
    group by forms.project_year_id, forms.n_indicators
),

failures as (
    select
        'fct_budget_yoy' as mart,
        project_key as item,
        n_rows
    from budget_counts
    where n_rows != 1

    union all

    select
        'fct_execution' as mart,
        project_key as item,
        n_rows
    from execution_counts
    where n_rows != 1

    union all

    select
        'fct_indicators' as mart,
        project_year_id as item,
        n_rows
    from indicator_counts
    where n_rows != n_expected
)

select * from failures
