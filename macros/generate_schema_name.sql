{#
    Custom schemas are used as-is, without the target-schema prefix dbt adds by default, so the
    warehouse has exactly the schemas CONTRACT.md names: raw (ingest), staging, intermediate, marts.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
