{#
    A rate as a fraction (0.9802, not 98.02): double, rounded to 6 decimals, null when the
    denominator is null or 0. Every *_rate column in the warehouse is built with this macro, so all
    rates share one type and one rounding.
#}
{% macro safe_rate(numerator, denominator) -%}
    round(cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0), 6)
{%- endmacro %}
