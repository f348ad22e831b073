{#
    An array of the given SQL expressions without their nulls: the names of the checks a row fails,
    say, one `case when … then '…' end` per check. Dispatched: DuckDB writes list literals in
    brackets, Spark with array(); both filter with a lambda.
#}
{% macro non_null_array(items) -%}
    {{ return(adapter.dispatch('non_null_array')(items)) }}
{%- endmacro %}

{% macro duckdb__non_null_array(items) -%}
    list_filter([{{ items | join(', ') }}], item -> item is not null)
{%- endmacro %}

{% macro default__non_null_array(items) -%}
    filter(array({{ items | join(', ') }}), item -> item is not null)
{%- endmacro %}
