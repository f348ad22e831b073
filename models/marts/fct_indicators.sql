{{
    config(
        materialized=rows_of_documents_materialization(),
        unique_key='project_year_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ drop_keys_gone_upstream(this, ref('int_indicators_mapped'), 'project_year_id') }}",
            "{{ record_consumed_up_to(this, ref('int_indicators_mapped')) }}",
        ]
    )
}}

{%- set since = consumed_up_to(this, ref('int_indicators_mapped')) -%}

-- One row per indicator (三级) of a winning form, on one framework. Self-evaluation rows also say
-- whether the target was achieved (doc block achievement_rules) and whether a missed target
-- still got full marks or a 偏差原因.
--
-- Incremental on DuckDB (macros/incremental_rows.sql): every column is a function of one
-- int_indicators_mapped row, so a build rebuilds the project-years of the rows that model wrote
-- since this one last read it (delete+insert by project_year_id) and a post-hook drops the
-- project-years gone from it. `jixiao build --full-refresh` rebuilds it all; on Spark it is a table.

with

int_indicators_mapped as (
    select * from {{ ref('int_indicators_mapped') }}
    {% if since %}
        where project_year_id in (
                select mapped_rows.project_year_id from {{ ref('int_indicators_mapped') }} as mapped_rows
                where mapped_rows.built_at > {{ since }}
            )
    {% endif %}
),

-- the actual is comparable with the target when both are figures in the same unit (or one of
-- them prints no unit: "=0" against "0.00")
values_compared as (
    select
        *,
        (
            form_type = 'self_eval'
            and target_value is not null
            and actual_value is not null
            and (target_unit is null or actual_unit is null or target_unit = actual_unit)
        ) as is_value_comparable,
        -- the three result grades of DOMAIN.md, printed 达成预期指标 / 达成指标 / 部分达成指标并具有一定效果 …
        case
            when form_type != 'self_eval' or actual is null then null
            when actual like '%未达成%' then false
            when actual like '%部分达成%' then false
            when actual like '%达成%' then true
        end as is_achieved_by_phrase
    from int_indicators_mapped
),

achievement as (
    select
        *,
        case
            when is_value_comparable and target_value_upper is not null
                then actual_value between target_value and target_value_upper
            when is_value_comparable and target_operator = '≥' then actual_value >= target_value
            when is_value_comparable and target_operator = '>' then actual_value > target_value
            when is_value_comparable and target_operator = '≤' then actual_value <= target_value
            when is_value_comparable and target_operator = '<' then actual_value < target_value
            when is_value_comparable and target_operator = '=' then actual_value = target_value
            else is_achieved_by_phrase
        end as is_achieved,
        case
            when is_value_comparable then 'value'
            when is_achieved_by_phrase is not null then 'result_phrase'
        end as achievement_source
    from values_compared
),

final as (
    select
        indicator_id,
        project_year_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        form_type,
        canonical_unit_name as unit_name,
        project_name,
        cast(indicator_seq as integer) as indicator_seq,
        level1,
        level2,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        is_core_category,
        category_source,
        indicator_name,
        target,
        target_operator,
        cast(target_value as decimal(18, 4)) as target_value,
        cast(target_value_upper as decimal(18, 4)) as target_value_upper,
        target_unit,
        is_quantitative,
        actual,
        actual_operator,
        cast(actual_value as decimal(18, 4)) as actual_value,
        actual_unit,
        is_achieved,
        achievement_source,
        -- full marks on a missed target, and the reverse: marks taken off a target that was met
        coalesce(not is_achieved and score >= weight, false) as is_score_without_achievement,
        coalesce(is_achieved and score < weight, false) as is_marked_down_when_achieved,
        case
            when form_type = 'self_eval' then deviation_reason is not null and trim(deviation_reason) != ''
        end as has_deviation_reason,
        -- a missed target should explain itself in 偏差原因分析及改进措施
        case
            when is_achieved = false
                then deviation_reason is null or trim(deviation_reason) = ''
        end as is_missed_without_reason,
        cast(weight as decimal(9, 2)) as weight,
        cast(score as decimal(9, 2)) as score,
        deviation_reason,
        note,
        source_file,
        cast(source_line as integer) as source_line
    from achievement
)

select * from final
