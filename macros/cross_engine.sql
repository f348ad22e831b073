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
