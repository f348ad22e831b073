{#
    A Jinja list of strings as a SQL tuple of quoted literals: ['a', 'b'] → ('a', 'b'). Used for
    project vars such as core_level1 and for the keys an incremental build looks up. An empty list is
    (null): `x in ()` does not parse, and `x in (null)` is true for no row.
#}
{% macro sql_list(values) -%}
    {%- if values | length == 0 -%}
        (null)
    {%- else -%}
        ({%- for value in values -%}
            {{ sql_string(value) }}{{ ", " if not loop.last }}
        {%- endfor -%})
    {%- endif -%}
{%- endmacro %}
