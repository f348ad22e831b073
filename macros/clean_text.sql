{#
    Text for matching, never for display: the printed value stays in its own column.

    NFKC-style width folding in plain SQL, so staging views stay queryable from a bare duckdb
    shell (no Python UDFs, no extensions):
      - the full-width ASCII block U+FF01-U+FF5E becomes U+0021-U+007E (（ → (, ０ → 0, ＝ → =, ％ → %);
      - U+3000 ideographic space becomes a space;
      - 【】〔〕 become ( ) ( ); ［］ are in the full-width block and become [ ].
    Then every whitespace run (ASCII — spelled out, as [[:space:]] is RE2-only —, no-break, ideographic, zero-width) is removed, not collapsed:
    the labels and names are Chinese, and PDF/OCR extraction breaks them at arbitrary places
    ("可持 续影 响指 标", "房屋物业管理监督 管理"), so a single kept space would still make two
    printings of one name differ. An empty result becomes null.
#}
{% macro clean_text(column_name) -%}
    {%- set full_width = [] -%}
    {%- set half_width = [] -%}
    {%- for code_point in range(65281, 65375) -%}
        {%- do full_width.append('%c' | format(code_point)) -%}
        {%- do half_width.append('%c' | format(code_point - 65248)) -%}
    {%- endfor -%}
    {%- set from_chars = full_width | join('') ~ '　【】〔〕' -%}
    {%- set to_chars = half_width | join('') ~ ' ()()' -%}
    nullif(
        {{ regexp_replace_all(
            'translate(' ~ column_name ~ ', ' ~ sql_string(from_chars) ~ ', ' ~ sql_string(to_chars) ~ ')',
            regex('[\\t\\n\\x{000B}\\f\\r \\x{00A0}\\x{2000}-\\x{200B}\\x{3000}\\x{FEFF}]+'),
            "''"
        ) }},
        ''
    )
{%- endmacro %}

{#
    clean_text for a printed 一级/二级 label, the key the category seeds are matched on: also the
    label vocabulary's traditional characters made simplified (macro traditional_chars) and a
    reading in lower-case pinyin in brackets dropped, as a mirror republishing a form prints them
    ("產(chǎn)出指標(biāo)" → 产出指标). Only for labels: on every name it would cost a third of the build.
#}
{% macro clean_label(column_name) -%}
    {{ regexp_replace_all(
        'translate(' ~ clean_text(column_name) ~ ', ' ~ sql_string(traditional_chars()) ~ ', '
            ~ sql_string(simplified_chars()) ~ ')',
        regex('\\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\\)'),
        "''"
    ) }}
{%- endmacro %}
