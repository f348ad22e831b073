{#
    The grade a self-evaluation's 总分 implies, by the national bands (DOMAIN.md):
    优 ≥ 90, 良 80-90, 中 60-80, 差 < 60. Null when the score is null.
#}
{% macro grade_for_score(score) -%}
    case
        when {{ score }} is null then null
        when {{ score }} >= 90 then '优'
        when {{ score }} >= 80 then '良'
        when {{ score }} >= 60 then '中'
        else '差'
    end
{%- endmacro %}
