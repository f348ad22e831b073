{{
    config(
        materialized=rows_of_documents_materialization(),
        unique_key='project_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="{{ drop_rows_of_changed_forms(this) }}"
    )
}}

{%- set form_keys_to_map = forms_to_map_again(this) -%}

-- One row per indicator of a winning form (copies in other documents are dropped), classified in
-- int_indicators_classified (its target parsed, its 一级/二级 mapped onto one framework), with the
-- form's project-year, project and unit ids, which depend on the other documents.
--
-- Incremental on DuckDB (macros/incremental_rows.sql): every row carries the fingerprint of what it
-- took from outside its classified row (the form's ids and names in int_projects_linked, its
-- document's load time, the classification rules, var core_level1). A build maps again only the
-- winning forms whose fingerprint is new or changed (delete+insert by project_key: a re-parsed form
-- loses its old rows), and a post-hook drops the rows of forms that no longer win. built_at says
-- which build wrote a row (fct_indicators rebuilds those). `jixiao build --full-refresh` rebuilds
-- it all; on Spark it is a table.

with

int_indicators_classified as (
    select * from {{ ref('int_indicators_classified') }}
    {% if form_keys_to_map is not none %}
        -- on an incremental build, the rows of the forms it maps (macro forms_to_map_again): a
        -- filter DuckDB takes down to the scan
        where project_key in {{ sql_list(form_keys_to_map) }}
    {% endif %}
),

int_projects_linked as (
    select * from {{ ref('int_projects_linked') }}
),

stg_raw__documents as (
    select * from {{ ref('stg_raw__documents') }}
),

-- the winning forms with their fingerprint (the rules version read from every classified row)
winning_forms as (
    {{ winning_forms_fingerprinted('int_projects_linked', 'stg_raw__documents', ref('int_indicators_classified')) }}
),

-- the forms this build maps: all of them, or on an incremental build those whose fingerprint is
-- not in the table yet, as listed by macro forms_to_map_again, or compared here when they are too
-- many to list (a table built before fingerprints existed gains the column and maps all)
forms_to_map as (
    select * from winning_forms
    {% if form_keys_to_map is not none %}
        where winning_project_key in {{ sql_list(form_keys_to_map) }}
    {% elif is_incremental() and has_column(this, 'form_fingerprint') %}
        where not exists (
                select 1 from {{ this }} as this_model
                where this_model.project_key = winning_forms.winning_project_key
                    and this_model.form_fingerprint = winning_forms.form_fingerprint
            )
    {% endif %}
),

winning_indicators as (
    select
        forms_to_map.project_year_id,
        forms_to_map.project_id,
        forms_to_map.unit_id,
        forms_to_map.fiscal_year,
        forms_to_map.form_type,
        forms_to_map.canonical_unit_name,
        forms_to_map.project_name,
        forms_to_map.source_file,
        forms_to_map.form_fingerprint,
        int_indicators_classified.*
    from int_indicators_classified
    inner join forms_to_map
        on int_indicators_classified.project_key = forms_to_map.winning_project_key
),

final as (
    select
        md5(project_year_id || '|' || indicator_seq) as indicator_id,
        project_year_id,
        project_id,
        unit_id,
        fiscal_year,
        form_type,
        canonical_unit_name,
        project_name,
        project_key,
        indicator_key,
        indicator_seq,
        level1,
        level2,
        level1_clean,
        level2_clean,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        coalesce(canonical_level1 in {{ sql_list(var('core_level1')) }}, false) as is_core_category,
        mapping_rule,
        category_source,
        name_rule_pattern,
        has_name_override,
        indicator_name,
        indicator_name_clean,
        target,
        target_operator,
        target_value,
        target_unit,
        target_value_upper,
        is_quantitative,
        actual,
        actual_operator,
        actual_value,
        actual_unit,
        weight,
        score,
        deviation_reason,
        note,
        source_file,
        line_no as source_line,
        form_fingerprint,
        {{ build_started_at() }} as built_at
    from winning_indicators
)

select * from final
