{%- set number = target_number_pattern() -%}
{%- set unit = target_unit_pattern() -%}
{%- set operator_pattern = regex('(≥|≤|=|>|<)(' ~ number ~ ')\\(?(' ~ unit ~ ')?\\)?') -%}
{%- set bare_pattern = regex('(' ~ number ~ ')\\(?(' ~ unit ~ ')?\\)?') -%}
{%- set range_pattern = regex('^(' ~ number ~ ')\\(?(?:' ~ unit ~ ')?\\)?(?:-|~|—|至|到)(' ~ number ~ ')') -%}
{%- set actual_pattern = regex('(≥|≤|=|>|<)?(' ~ number ~ ')\\(?(' ~ unit ~ ')?\\)?') -%}

with

source as (
    select * from {{ source('raw', 'indicators') }}
),

renamed as (
    select
        project_key,
        seq as indicator_seq,
        project_key || ':' || seq as indicator_key,
        level1,
        {{ clean_label('level1') }} as level1_clean,
        level2,
        {{ clean_label('level2') }} as level2_clean,
        name as indicator_name,
        {{ clean_text('name') }} as indicator_name_clean,
        target,
        {{ normalise_target_operators(clean_text('target')) }} as target_normalised,
        actual,
        {{ normalise_target_operators(clean_text('actual')) }} as actual_normalised,
        weight,
        score,
        deviation_reason,
        note,
        line_no,
        source_ref
    from source
),

-- a number right after an operator wins over the first bare number ("每月用户有效投诉≤5")
targets_matched as (
    select
        *,
        nullif(regexp_extract(target_normalised, {{ operator_pattern }}, 1), '') as matched_operator,
        nullif(regexp_extract(target_normalised, {{ operator_pattern }}, 2), '') as operator_number,
        nullif(regexp_extract(target_normalised, {{ operator_pattern }}, 3), '') as operator_unit,
        nullif(regexp_extract(target_normalised, {{ bare_pattern }}, 1), '') as bare_number,
        nullif(regexp_extract(target_normalised, {{ bare_pattern }}, 2), '') as bare_unit,
        -- a range "90%-100%", "80~90分": its upper bound (the lower one is the first number)
        nullif(regexp_extract(target_normalised, {{ range_pattern }}, 2), '') as range_upper_number,
        -- 实际完成值 is read like the target ("100.00(%)", "≥95%"); a result phrase has no number
        nullif(regexp_extract(actual_normalised, {{ actual_pattern }}, 1), '') as actual_operator,
        nullif(regexp_extract(actual_normalised, {{ actual_pattern }}, 2), '') as actual_number,
        nullif(regexp_extract(actual_normalised, {{ actual_pattern }}, 3), '') as actual_unit_printed
    from renamed
),

targets_parsed as (
    select
        *,
        operator_number is not null as has_operator,
        cast(replace(coalesce(operator_number, bare_number), ',', '') as decimal(18, 4)) as target_value,
        case
            when operator_number is not null then operator_unit
            else bare_unit
        end as target_unit_printed,
        cast(replace(actual_number, ',', '') as decimal(18, 4)) as actual_value
    from targets_matched
),

final as (
    select
        project_key,
        indicator_seq,
        indicator_key,
        level1,
        level1_clean,
        level2,
        level2_clean,
        indicator_name,
        indicator_name_clean,
        target,
        case
            when target_value is null then null
            when has_operator then matched_operator
            when target_normalised like '%以上%' then '≥'
            when {{ regexp_contains('target_normalised', "'以下|以内|之内'") }} then '≤'
            else '='
        end as target_operator,
        target_value,
        case
            when target_unit_printed = '百分之' then '%'
            else target_unit_printed
        end as target_unit,
        target_value is not null as is_quantitative,
        case
            when not has_operator then cast(replace(range_upper_number, ',', '') as decimal(18, 4))
        end as target_value_upper,
        actual,
        case when actual_value is not null then coalesce(actual_operator, '=') end as actual_operator,
        actual_value,
        case
            when actual_unit_printed = '百分之' then '%'
            else actual_unit_printed
        end as actual_unit,
        weight,
        score,
        deviation_reason,
        note,
        line_no,
        source_ref
    from targets_parsed
)

select * from final
