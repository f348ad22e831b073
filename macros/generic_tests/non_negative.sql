{#
    Money and counts are never negative. Nulls pass: a blank figure means "not stated".
    Deltas (yoy_delta_yuan, *_diff_*) are signed and do not take this test.
#}
{% test non_negative(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
