{#
    ref() and source() render as schema.table, without the database (catalog) part.

    DuckDB names a database file's catalog after the file (warehouse.duckdb → "warehouse"), and a
    view stores its query text as written. With dbt's default "warehouse"."raw"."projects", every
    staging and intermediate view would break as soon as the file is copied, renamed or attached
    under another name (build/test.duckdb, JIXIAO_DB=...). Unqualified, a view resolves in its own
    catalog wherever the file is opened. Kept out of sqlfluff's macro path (.sqlfluff), which has its
    own ref/source.
#}
{% macro ref() %}
    {%- set version = kwargs.get('version') or kwargs.get('v') -%}
    {%- if (varargs | length) == 1 -%}
        {%- set relation = builtins.ref(varargs[0], version=version) -%}
    {%- else -%}
        {%- set relation = builtins.ref(varargs[0], varargs[1], version=version) -%}
    {%- endif -%}
    {{ return(_without_database(relation)) }}
{% endmacro %}

{% macro source(source_name, table_name) %}
    {{ return(_without_database(builtins.source(source_name, table_name))) }}
{% endmacro %}

{% macro _without_database(relation) %}
    {#- unit-test fixtures and parse-time placeholders are not relations: leave them alone -#}
    {%- if relation is not none and relation.include is defined -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
