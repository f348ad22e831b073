{#
    A Jinja list of strings as a SQL tuple of quoted literals: ['a', 'b'] → ('a', 'b').
    Used for project vars such as core_level1.
#}
{% macro sql_list(values) -%}
    ({%- for value in values -%}
        {{ sql_string(value) }}{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}
