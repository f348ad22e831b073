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
