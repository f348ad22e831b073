{{
    config(
        materialized=rows_of_documents_materialization(),
        unique_key='document_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ drop_rows_of_reloaded_documents(this) }}"
    )
}}

{%- set new_forms = forms_loaded_since_last_build(this) -%}

-- One row per indicator row of every document (copies included): the target parsed (staging) and
-- the printed 一级/二级 mapped onto one framework by the indicator_category_map seed.
-- Precedence: exact (一级, 二级) > (一级, *) > (*, 二级). A label pair no row covers keeps a null
-- canonical_level1 and fails the not_null test: unmapped labels surface, they never vanish.
-- Where the matched row leaves the category open (name_decides: 效果目标 with no 二级 holds both
-- 效益 and 满意度), the indicator's name decides through the indicator_name_rules seed, unless an
-- indicator_name_overrides row says the labels stand. category_source records which decided.
--
-- Incremental on DuckDB: every column is a function of the row, its document and the three seeds,
-- so a build classifies only the rows of documents ingested since the last build (delete+insert by
-- document_id: a re-parsed document's old rows go). The post-hook drops rows whose document is gone
-- or was re-ingested without them; a change to any of the seeds (rules_version) reclassifies
-- everything. Which form wins among copies, and the cross-year project ids, depend on other
-- documents: int_indicators_mapped joins those on at every build. `jixiao build --full-refresh`
-- rebuilds it all; on Spark it is a table (macros/incremental_rows.sql).

with

stg_raw__indicators as (
    select * from {{ ref('stg_raw__indicators') }}
),

stg_raw__projects as (
    select * from {{ ref('stg_raw__projects') }}
),

stg_raw__documents as (
    select * from {{ ref('stg_raw__documents') }}
),

indicator_category_map as (
    select * from {{ ref('indicator_category_map') }}
),

indicator_name_rules as (
    select * from {{ ref('indicator_name_rules') }}
),

indicator_name_overrides as (
    select * from {{ ref('indicator_name_overrides') }}
),

-- the seeds' content, one line per row: rows classified under other rules are classified again
rule_rows as (
    {{ classification_rule_rows() }}
),

rules_version as (
    select {{ fingerprint('rule_text') }} as rules_version
    from rule_rows
),

-- the documents whose rows this build classifies: those loaded since the last build, or every
-- one when the rules changed
documents_to_classify as (
    select
        stg_raw__documents.document_id,
        stg_raw__documents.ingested_at
    from stg_raw__documents
    {% if is_incremental() %}
        where stg_raw__documents.ingested_at > (
                select coalesce(max(this_model.ingested_at), cast('1900-01-01' as timestamp))
                from {{ this }} as this_model
            )
            or (select coalesce(max(this_model.rules_version), '') from {{ this }} as this_model)
            != (select rules_version.rules_version from rules_version)
    {% endif %}
),

-- their forms
forms_to_classify as (
    select
        stg_raw__projects.project_key,
        documents_to_classify.document_id,
        documents_to_classify.ingested_at
    from stg_raw__projects
    inner join documents_to_classify
        on stg_raw__projects.document_id = documents_to_classify.document_id
),

-- their rows
indicators_to_classify as (
    select
        forms_to_classify.document_id,
        forms_to_classify.ingested_at,
        stg_raw__indicators.*
    from stg_raw__indicators
    inner join forms_to_classify
        on stg_raw__indicators.project_key = forms_to_classify.project_key
    {% if new_forms is not none %}
        -- the same forms as a list (macros/incremental_rows.sql): a filter DuckDB takes down to the
        -- scan, under staging's target parsing
        where stg_raw__indicators.project_key in {{ sql_list(new_forms) }}
    {% endif %}
),

category_map_cleaned as (
    select
        {{ clean_text('level1_label') }} as level1_label_clean,
        {{ clean_text('level2_label') }} as level2_label_clean,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management,
        coalesce(name_decides, false) as name_decides
    from indicator_category_map
),

exact_rules as (
    select * from category_map_cleaned
    where level1_label_clean != '*' and level2_label_clean != '*'
),

any_level2_rules as (
    select * from category_map_cleaned
    where level1_label_clean != '*' and level2_label_clean = '*'
),

any_level1_rules as (
    select * from category_map_cleaned
    where level1_label_clean = '*' and level2_label_clean != '*'
),

-- the category of a row printed with neither 一级 nor 二级, unless its name decides
unlabelled as (
    select
        '未分类' as canonical_level1,
        '未细分' as canonical_level2,
        false as is_cost,
        false as is_management,
        true as name_decides
),

name_rules_cleaned as (
    select
        priority,
        {{ clean_text('level1_label') }} as level1_label_clean,
        name_pattern,
        canonical_level1,
        canonical_level2,
        is_cost,
        is_management
    from indicator_name_rules
),

name_overrides_cleaned as (
    select
        {{ clean_text('level1_label') }} as level1_label_clean,
        {{ clean_text('level2_label') }} as level2_label_clean,
        name_pattern
    from indicator_name_overrides
),

-- the category the printed labels give
label_mapped as (
    select
        indicators_to_classify.*,
        coalesce(
            exact_rules.canonical_level1, any_level2_rules.canonical_level1, any_level1_rules.canonical_level1,
            unlabelled.canonical_level1
        ) as label_level1,
        coalesce(
            exact_rules.canonical_level2, any_level2_rules.canonical_level2, any_level1_rules.canonical_level2,
            unlabelled.canonical_level2
        ) as label_level2,
        coalesce(exact_rules.is_cost, any_level2_rules.is_cost, any_level1_rules.is_cost, unlabelled.is_cost)
            as label_is_cost,
        coalesce(
            exact_rules.is_management, any_level2_rules.is_management, any_level1_rules.is_management,
            unlabelled.is_management
        ) as label_is_management,
        coalesce(
            exact_rules.name_decides, any_level2_rules.name_decides, any_level1_rules.name_decides,
            unlabelled.name_decides, false
        ) as is_label_open,
        case
            when exact_rules.canonical_level1 is not null then 'exact'
            when any_level2_rules.canonical_level1 is not null then 'any_level2'
            when any_level1_rules.canonical_level1 is not null then 'any_level1'
            when unlabelled.canonical_level1 is not null then 'unlabelled'
        end as mapping_rule
    from indicators_to_classify
    left join exact_rules
        on indicators_to_classify.level1_clean = exact_rules.level1_label_clean
            and indicators_to_classify.level2_clean = exact_rules.level2_label_clean
    left join any_level2_rules
        on indicators_to_classify.level1_clean = any_level2_rules.level1_label_clean
    left join any_level1_rules
        on indicators_to_classify.level2_clean = any_level1_rules.level2_label_clean
    -- a row printed with no category at all (the merged cells lost): the name may still decide
    left join unlabelled
        on indicators_to_classify.level1_clean is null and indicators_to_classify.level2_clean is null
),

overridden as (
    select distinct label_mapped.indicator_key
    from label_mapped
    inner join name_overrides_cleaned
        on (
            name_overrides_cleaned.level1_label_clean = '*'
            or label_mapped.level1_clean = name_overrides_cleaned.level1_label_clean
        )
        and (
            name_overrides_cleaned.level2_label_clean = '*'
            or label_mapped.level2_clean = name_overrides_cleaned.level2_label_clean
        )
        and {{ regexp_contains('label_mapped.indicator_name_clean', 'name_overrides_cleaned.name_pattern') }}
),

labels_checked as (
    select
        label_mapped.*,
        overridden.indicator_key is not null as has_name_override
    from label_mapped
    left join overridden
        on label_mapped.indicator_key = overridden.indicator_key
),

-- the name rule that decides an open label: the matching rule with the lowest priority
name_decided as (
    select
        labels_checked.indicator_key,
        name_rules_cleaned.name_pattern,
        name_rules_cleaned.canonical_level1,
        name_rules_cleaned.canonical_level2,
        name_rules_cleaned.is_cost,
        name_rules_cleaned.is_management
    from labels_checked
    inner join name_rules_cleaned
        on (
            name_rules_cleaned.level1_label_clean = '*'
            or labels_checked.level1_clean = name_rules_cleaned.level1_label_clean
        )
        and {{ regexp_contains('labels_checked.indicator_name_clean', 'name_rules_cleaned.name_pattern') }}
    where labels_checked.is_label_open
        and not labels_checked.has_name_override
    qualify
        row_number() over (
            partition by labels_checked.indicator_key
            order by name_rules_cleaned.priority asc
        ) = 1
),

mapped as (
    select
        labels_checked.*,
        coalesce(name_decided.canonical_level1, labels_checked.label_level1) as canonical_level1,
        coalesce(name_decided.canonical_level2, labels_checked.label_level2) as canonical_level2,
        coalesce(name_decided.is_cost, labels_checked.label_is_cost) as is_cost,
        coalesce(name_decided.is_management, labels_checked.label_is_management) as is_management,
        name_decided.name_pattern as name_rule_pattern,
        case
            when labels_checked.label_level1 is null then null
            when name_decided.canonical_level1 is not null then 'name'
            when labels_checked.is_label_open then 'default'
            else 'label'
        end as category_source
    from labels_checked
    left join name_decided
        on labels_checked.indicator_key = name_decided.indicator_key
),

final as (
    select
        mapped.document_id,
        mapped.ingested_at,
        rules_version.rules_version,
        mapped.project_key,
        mapped.indicator_key,
        mapped.indicator_seq,
        mapped.level1,
        mapped.level2,
        mapped.level1_clean,
        mapped.level2_clean,
        mapped.canonical_level1,
        mapped.canonical_level2,
        mapped.is_cost,
        mapped.is_management,
        mapped.mapping_rule,
        mapped.category_source,
        mapped.name_rule_pattern,
        mapped.has_name_override,
        mapped.indicator_name,
        mapped.indicator_name_clean,
        mapped.target,
        mapped.target_operator,
        mapped.target_value,
        mapped.target_unit,
        mapped.target_value_upper,
        mapped.is_quantitative,
        mapped.actual,
        mapped.actual_operator,
        mapped.actual_value,
        mapped.actual_unit,
        mapped.weight,
        mapped.score,
        mapped.deviation_reason,
        mapped.note,
        mapped.line_no
    from mapped
    cross join rules_version
)

select * from final
