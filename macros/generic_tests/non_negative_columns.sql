{#
    Money and counts are never negative: every listed column, in one test and one scan per model.
    Nulls pass: a blank figure means "not stated". Deltas (yoy_delta_yuan, *_diff_*) are signed and
    are not listed.
#}
{% test non_negative_columns(model, columns) %}

select *
from {{ model }}
where {{ columns | join(' < 0 or ') }} < 0

{% endtest %}
