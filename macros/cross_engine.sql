{#
    The few places where DuckDB and Spark SQL spell the same thing differently, each one macro
    dispatched on the adapter (duckdb__ / spark__). Models call these and dbt's cross-database macros
    (dbt.array_construct) and otherwise use SQL both engines read alike: array_agg, array_sort,
    array_distinct, flatten, filter(list, x -> …), concat of lists, printf, qualify, group by all,
    count(*) filter (where …). A model never tests target.type itself.
#}

{# A string literal of any text: DuckDB doubles a quote; Spark reads backslash escapes, so both are escaped. #}
{% macro sql_string(text) -%}
    {{- return(adapter.dispatch('sql_string', 'jixiao')(text)) -}}
{%- endmacro %}

{% macro default__sql_string(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#
    A regular expression literal, written once in the RE2 syntax DuckDB uses. Spark (java.util.regex)
    names the Han script \p{IsHan}, and reads the literal raw (r'…') so backslashes reach the regex.
#}
{% macro regex(pattern) -%}
    {{- return(adapter.dispatch('regex', 'jixiao')(pattern)) -}}
{%- endmacro %}

{% macro default__regex(pattern) -%}
    '{{ pattern }}'
{%- endmacro %}

{% macro spark__regex(pattern) -%}
    r'{{ pattern | replace("\\p{Han}", "\\p{IsHan}") }}'
{%- endmacro %}

{# True when the text contains a match of the pattern (an expression: a seed column of patterns). #}
{% macro regexp_contains(text, pattern) -%}
    {{- return(adapter.dispatch('regexp_contains', 'jixiao')(text, pattern)) -}}
{%- endmacro %}

{% macro default__regexp_contains(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_contains(text, pattern) -%}
    {#- seed patterns are RE2: only the Han script class is spelled differently in Java -#}
    ({{ text }} rlike replace({{ pattern }}, r'\p{Han}', r'\p{IsHan}'))
{%- endmacro %}

{# Every match replaced (DuckDB replaces the first unless told 'g'; Spark always replaces all). #}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{- return(adapter.dispatch('regexp_replace_all', 'jixiao')(text, pattern, replacement)) -}}
{%- endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{# The two-character pieces of a text, as a list (the text itself when it is shorter than two). #}
{% macro character_bigrams(text) -%}
    {{- return(adapter.dispatch('character_bigrams', 'jixiao')(text)) -}}
{%- endmacro %}

{% macro default__character_bigrams(text) -%}
    case
        when length({{ text }}) < 2 then [{{ text }}]
        else list_transform(range(1, length({{ text }})), i -> substr({{ text }}, i, 2))
    end
{%- endmacro %}

{% macro spark__character_bigrams(text) -%}
    case
        when length({{ text }}) < 2 then array({{ text }})
        else transform(sequence(1, length({{ text }}) - 1), i -> substr({{ text }}, i, 2))
    end
{%- endmacro %}

{# Several SQL expressions as one value that compares field by field, the first field first: an
   ordering for min_by (the value of the row with the least key). DuckDB's row() and Spark's
   struct() are both unnamed structs compared that way. #}
{% macro ordering_key(items) -%}
    {{- return(adapter.dispatch('ordering_key', 'jixiao')(items)) -}}
{%- endmacro %}

{% macro default__ordering_key(items) -%}
    row({{ items | join(', ') }})
{%- endmacro %}

{% macro spark__ordering_key(items) -%}
    struct({{ items | join(', ') }})
{%- endmacro %}

{# A list of SQL expressions (strings) as a list value; an empty one is an empty list of strings. #}
{% macro list_of(items) -%}
    {{- return(adapter.dispatch('list_of', 'jixiao')(items)) -}}
{%- endmacro %}

{% macro default__list_of(items) -%}
    {%- if items -%}
        [{{ items | join(', ') }}]
    {%- else -%}
        cast([] as varchar[])
    {%- endif -%}
{%- endmacro %}

{% macro spark__list_of(items) -%}
    {%- if items -%}
        array({{ items | join(', ') }})
    {%- else -%}
        cast(array() as array<string>)
    {%- endif -%}
{%- endmacro %}

{# The number of elements of a list. #}
{% macro list_length(list) -%}
    {{- return(adapter.dispatch('list_length', 'jixiao')(list)) -}}
{%- endmacro %}

{% macro default__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_length(list) -%}
    size({{ list }})
{%- endmacro %}

{# The type of a list of strings, for casts. #}
{% macro type_string_list() -%}
    {{- return(adapter.dispatch('type_string_list', 'jixiao')()) -}}
{%- endmacro %}

{% macro default__type_string_list() -%}
    varchar[]
{%- endmacro %}

{% macro spark__type_string_list() -%}
    array<string>
{%- endmacro %}

{# One row per element of a list column, in a select list (the other columns repeat). #}
{% macro list_elements(list) -%}
    {{- return(adapter.dispatch('list_elements', 'jixiao')(list)) -}}
{%- endmacro %}

{% macro default__list_elements(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__list_elements(list) -%}
    explode({{ list }})
{%- endmacro %}

{# A list of the given SQL expressions without their nulls (the names of the checks a row fails, say). #}
{% macro non_null_array(items) -%}
    {{- return(adapter.dispatch('non_null_array', 'jixiao')(items)) -}}
{%- endmacro %}

{% macro default__non_null_array(items) -%}
    list_filter([{{ items | join(', ') }}], item -> item is not null)
{%- endmacro %}

{% macro spark__non_null_array(items) -%}
    filter(array({{ items | join(', ') }}), item -> item is not null)
{%- endmacro %}

{#
    The values of a group as one list, ordered by the given expressions (each ascending, nulls last).
    Spark has no ordered array_agg: it sorts structs of (key is null, key, …, value) and keeps the values.
#}
{% macro list_agg_ordered(value, order_by) -%}
    {{- return(adapter.dispatch('list_agg_ordered', 'jixiao')(value, order_by)) -}}
{%- endmacro %}

{% macro default__list_agg_ordered(value, order_by) -%}
    list({{ value }} order by {% for key in order_by %}{{ key }} nulls last{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__list_agg_ordered(value, order_by) -%}
    {%- set keys = [] -%}
    {%- for key in order_by -%}
        {%- do keys.append(key ~ ' is null as k' ~ loop.index ~ '_is_null, ' ~ key ~ ' as k' ~ loop.index) -%}
    {%- endfor -%}
    transform(array_sort(array_agg(struct({{ keys | join(', ') }}, {{ value }} as v))), ordered -> ordered.v)
{%- endmacro %}

{#
    Jaro similarity of two texts, 0 to 1 (1 = the same text), as DuckDB's jaro_similarity computes it:
    over the UTF-8 bytes (a Chinese character is three), window max(len)/2 - 1, greedy matches,
    transpositions halved and floored; 0 when either text is empty. Spark has no Jaro function: the
    same algorithm in higher-order functions over the texts' bytes (as hex pairs), so both engines
    score, threshold and link the same project pairs.
    Jaro, not Jaro-Winkler: Chinese names of one unit share their first characters (政策宣传及时率 /
    政策宣传覆盖率 score 0.886 with Winkler's prefix bonus, 0.810 without), and their meaning sits at the end.
#}
{% macro name_similarity(left, right) -%}
    {{- return(adapter.dispatch('name_similarity', 'jixiao')(left, right)) -}}
{%- endmacro %}

{% macro default__name_similarity(left, right) -%}
    jaro_similarity({{ left }}, {{ right }})
{%- endmacro %}

{% macro spark__name_similarity(left, right) -%}
    {%- set bytes_of = "transform(sequence(0, octet_length({0}) - 1), i -> "
        ~ "substr(hex(encode({0}, 'UTF-8')), 2 * i + 1, 2))" -%}
    case
        when {{ left }} is null or {{ right }} is null then null
        when octet_length({{ left }}) = 0 or octet_length({{ right }}) = 0 then cast(0 as double)
        else transform(
            array(named_struct('a', {{ bytes_of.format(left) }}, 'b', {{ bytes_of.format(right) }})),
            texts -> transform(
                array(aggregate(
                    sequence(0, size(texts.a) - 1),
                    named_struct(
                        'flags', transform(texts.b, byte -> false),
                        'matched', cast(array() as array<string>)
                    ),
                    (state, i) -> transform(
                        array(get(filter(
                            sequence(0, size(texts.b) - 1),
                            j -> abs(j - i) <= greatest(greatest(size(texts.a), size(texts.b)) div 2 - 1, 0)
                                and not state.flags[j]
                                and texts.b[j] = texts.a[i]
                        ), 0)),
                        hit -> case
                            when hit is null then state
                            else named_struct(
                                'flags', transform(state.flags, (flag, k) -> flag or k = hit),
                                'matched', concat(state.matched, array(texts.a[i]))
                            )
                        end
                    )[0]
                )),
                matches -> case
                    when size(matches.matched) = 0 then cast(0 as double)
                    else (
                        size(matches.matched) / size(texts.a)
                        + size(matches.matched) / size(texts.b)
                        + (
                            size(matches.matched)
                            - size(filter(
                                zip_with(
                                    matches.matched,
                                    filter(texts.b, (byte, k) -> matches.flags[k]),
                                    (x, y) -> x != y
                                ),
                                differs -> differs
                            )) div 2
                        ) / size(matches.matched)
                    ) / 3
                end
            )[0]
        )[0]
    end
{%- endmacro %}

{# One md5 over every value of a text expression across a relation's rows, in sorted order: the
   content of a small table, to notice that it changed (int_indicators_classified's rules_version). #}
{% macro fingerprint(text) -%}
    {{- return(adapter.dispatch('fingerprint', 'jixiao')(text)) -}}
{%- endmacro %}

{% macro default__fingerprint(text) -%}
    md5(string_agg({{ text }}, chr(10) order by {{ text }}))
{%- endmacro %}

{% macro spark__fingerprint(text) -%}
    md5(concat_ws(chr(10), array_sort(collect_list({{ text }}))))
{%- endmacro %}
