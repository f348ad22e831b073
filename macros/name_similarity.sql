{#
    Similarity of two cleaned names, 0 to 1 (1 = the same text). Jaro similarity, not Jaro-Winkler:
    Chinese names of one unit share their first characters (政策宣传及时率 / 政策宣传覆盖率 score 0.886
    with Winkler's prefix bonus, 0.810 without), and their meaning sits at the end. Dispatched, so
    an engine without a Jaro function supplies its own (a UDF, or a package's implementation).
#}
{% macro name_similarity(left, right) -%}
    {{ return(adapter.dispatch('name_similarity')(left, right)) }}
{%- endmacro %}

{% macro duckdb__name_similarity(left, right) -%}
    jaro_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro default__name_similarity(left, right) -%}
    {{ exceptions.raise_compiler_error(
        "name_similarity: no Jaro similarity for adapter " ~ adapter.type() ~ "; add a " ~ adapter.type()
        ~ "__name_similarity macro"
    ) }}
{%- endmacro %}
