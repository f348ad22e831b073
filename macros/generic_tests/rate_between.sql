{#
    A rate (a fraction, 0.9802 not 98.02) lies within [min_value, max_value]. Nulls pass: a rate
    with a null or zero denominator is null by design. Catches percent-vs-fraction mix-ups.
#}
{% test rate_between(model, column_name, min_value=0, max_value=1) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}
