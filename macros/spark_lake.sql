{#
    On Spark the raw layer is the Parquet lake that `jixiao ingest --engine spark` writes
    (README "Scaling out"): one folder per raw table under JIXIAO_LAKE, the form-grain tables
    (projects, indicators, budget_items) partitioned by fiscal_year. Before a run, the schema raw
    gets one view per table over its folder, with exactly the columns of raw.* (the partition
    column of indicators and budget_items is the form's year, not a raw column). DuckDB's raw
    schema is written by the ingest itself: nothing to do there.
#}
{% macro attach_raw_lake() -%}
    {{- return(adapter.dispatch('attach_raw_lake', 'jixiao')()) -}}
{%- endmacro %}

{% macro default__attach_raw_lake() -%}
{%- endmacro %}

{% macro spark__attach_raw_lake() -%}
    {%- set lake = env_var('JIXIAO_LAKE', 'lake') -%}
    {%- set year_partitioned = ['indicators', 'budget_items'] -%}
    {%- set statements = ['create schema if not exists raw'] -%}
    {%- for table in ['documents', 'projects', 'indicators', 'budget_items', 'parse_issues', 'document_paths'] -%}
        {%- set columns = '* except (fiscal_year)' if table in year_partitioned else '*' -%}
        {%- do statements.append(
            'create or replace view raw.' ~ table ~ ' as select ' ~ columns
            ~ ' from parquet.`' ~ lake ~ '/' ~ table ~ '`'
        ) -%}
    {%- endfor -%}
    {%- for statement in statements -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
{%- endmacro %}
