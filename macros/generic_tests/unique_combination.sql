{#
    The combination of columns is unique: the grain test for models keyed by several columns.
    Nulls are compared as values (a null key part counts as one value), so two rows that differ
    only by null keys still fail.
#}
{% test unique_combination(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(',\n    ') }},
    count(*) as n_rows
from {{ model }}
group by all
having count(*) > 1

{% endtest %}
