{#
    Parsing of indicator targets (指标目标值 / 年度指标值) into operator, value and unit.
    The input is already width-folded and whitespace-free (clean_text), so ＝１００％ arrives as =100%.

    Decisions (documented in models/staging/_staging__docs.md, doc block target_parsing):
      - operators are normalised to one of = ≥ ≤ > <; >= => ≧ ⩾ 不低于 不少于 … become ≥, and so on;
      - the value is the first number that follows an operator, else the first number in the text;
      - a number without an operator gets '=' (or ≥ / ≤ when the text says 以上 / 以下 / 以内);
      - the unit is the known unit right after the number, optionally in brackets as self-evaluations
        print it ("=1.00(份)"), optionally compound ("元/月/平米"); 百分之 becomes %; 万 stays 万;
      - no number → not quantitative, and operator, value and unit are null.
#}

{#
    Spellings of each operator, applied in this order so that 不大于 becomes ≤ before 大于 becomes >,
    and 大于等于 becomes ≥ before 大于 is seen. Full-width ＝＞＜ are already folded by clean_text.
#}
{% macro normalise_target_operators(column_name) -%}
    {%- set spellings = [
        ('大于或等于|大于等于|不低于|不少于|不小于|>=|=>|≥=|≧|⩾', '≥'),
        ('小于或等于|小于等于|不高于|不超过|不多于|不大于|<=|=<|≤=|≦|⩽', '≤'),
        ('═', '='),
        ('大于|高于|超过', '>'),
        ('小于|低于', '<'),
    ] -%}
    {%- set ns = namespace(expression=column_name) -%}
    {%- for pattern, operator in spellings -%}
        {%- set ns.expression = regexp_replace_all(ns.expression, regex(pattern), sql_string(operator)) -%}
    {%- endfor -%}
    {{ ns.expression }}
{%- endmacro %}

{# Units as printed on the forms; longer spellings first because the regex alternation is leftmost-first. #}
{% macro target_unit_pattern() -%}
    {%- set units = [
        '百分之', '万人次', '平方公里', '万平方米', '平方米', '工作日',
        '人次', '户次', '万人', '万元', '亿元', '千元', '平米', '公里', '千米', '小时', '分钟', '个月',
        '%', '‰', '元', '天', '日', '周', '月', '年', '次', '个', '人', '份', '件', '家', '篇', '台',
        '幢', '栋', '项', '名', '盏', '基', '场', '套', '户', '条', '座', '处', '本', '期', '批', '所',
        '辆', '吨', '册', '部', '张', '组', '类', '株', '棵', '亩', '间', '米', '万', '分',
    ] -%}
    {{- '(?:' ~ units | join('|') ~ ')(?:/\\p{Han}{1,3})*' -}}
{%- endmacro %}

{% macro target_number_pattern() -%}
    {{- '[0-9]+(?:,[0-9]{3})*(?:\\.[0-9]+)?' -}}
{%- endmacro %}
