{#
    A model whose every row is a function of its own document (int_indicators_classified) is
    incremental where the engine can delete and insert by key: DuckDB. Spark's parquet tables
    cannot (merge needs Delta or Iceberg), so there it stays a table, rebuilt on every build.
#}

{% macro rows_of_documents_materialization() -%}
    {{- return(adapter.dispatch('rows_of_documents_materialization', 'jixiao')()) -}}
{%- endmacro %}

{% macro default__rows_of_documents_materialization() -%}
    {{- return('incremental') -}}
{%- endmacro %}

{% macro spark__rows_of_documents_materialization() -%}
    {{- return('table') -}}
{%- endmacro %}

{# The post-hook of such a model: drop the rows whose document is gone from raw, or was loaded
   again since the rows were written (a re-parse that now finds fewer rows, or none). On Spark the
   table was just rebuilt whole: a statement that does nothing. #}
{% macro drop_rows_of_reloaded_documents(relation) -%}
    {{- return(adapter.dispatch('drop_rows_of_reloaded_documents', 'jixiao')(relation)) -}}
{%- endmacro %}

{% macro default__drop_rows_of_reloaded_documents(relation) -%}
    delete from {{ relation }}
    where not exists (
        select 1 from {{ ref('stg_raw__documents') }} as documents
        where documents.document_id = {{ relation }}.document_id
            and documents.ingested_at = {{ relation }}.ingested_at
    )
{%- endmacro %}

{% macro spark__drop_rows_of_reloaded_documents(relation) -%}
    select 1
{%- endmacro %}

{# The three classification seeds' rows, one line each (int_indicators_classified's rules_version):
   a change to any of them classifies every indicator row again. #}
{% macro classification_rule_rows() -%}
    select
        concat_ws(
            '|', 'map', level1_label, level2_label, canonical_level1, canonical_level2,
            cast(is_cost as string), cast(is_management as string), cast(name_decides as string)
        ) as rule_text
    from {{ ref('indicator_category_map') }}
    union all
    select
        concat_ws(
            '|', 'name', cast(priority as string), level1_label, name_pattern, canonical_level1,
            canonical_level2, cast(is_cost as string), cast(is_management as string)
        ) as rule_text
    from {{ ref('indicator_name_rules') }}
    union all
    select concat_ws('|', 'override', level1_label, level2_label, name_pattern) as rule_text
    from {{ ref('indicator_name_overrides') }}
{%- endmacro %}

{# The project_keys of the forms an incremental build of int_indicators_classified will classify
   (those of documents loaded since its last build), looked up before it runs: joined to their
   documents, the forms are known only after staging has parsed every row's target (the join does
   not reach the scan); listed, they are a filter on the scan. None when every row is classified
   (a full build, or the rules changed). #}
{% macro forms_loaded_since_last_build(relation) -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rules_now = run_query(
        "select " ~ fingerprint("rule_text") ~ " from (" ~ classification_rule_rows() ~ ") as rule_rows"
    ).columns[0].values()[0] -%}
    {%- set last = run_query(
        "select max(rules_version), coalesce(max(ingested_at), cast('1900-01-01' as timestamp)) from "
        ~ relation
    ).rows[0] -%}
    {%- if last[0] != rules_now -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set forms = run_query(
        "select projects.project_key from " ~ ref('stg_raw__projects') ~ " as projects inner join "
        ~ ref('stg_raw__documents') ~ " as documents on projects.document_id = documents.document_id"
        ~ " where documents.ingested_at > cast('" ~ last[1] ~ "' as timestamp)"
    ) -%}
    {{- return(forms.columns[0].values() | list) -}}
{%- endmacro %}
