{#
    Amount in the unit the form states (raw.*.amount_unit) to yuan, as decimal(18,2).
    An amount whose unit is missing or unknown becomes null rather than a guess; the source test on
    amount_unit and the staging test on amounts-without-unit surface those rows.
#}
{% macro to_yuan(column_name, unit_column) -%}
    cast(
        case {{ unit_column }}
            when '万元' then {{ column_name }} * 10000
            when '元' then {{ column_name }}
        end as decimal(18, 2)
    )
{%- endmacro %}
