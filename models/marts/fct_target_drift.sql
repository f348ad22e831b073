{{
    config(
        materialized=rows_of_documents_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_to_rebuild(this, 'project_id', drift_projects_to_rebuild(this)) }}",
        post_hook="{{ record_consumed_up_to(this, ref('int_indicators_mapped')) }}"
    )
}}

{%- set projects_to_rebuild = drift_projects_to_rebuild(this) -%}

-- One row per indicator of a project-year that has both a target form and a self-evaluation: the
-- target the target form set beside the one the self-evaluation reports against, and whether it
-- was kept, loosened, tightened, changed, dropped or added (doc block target_drift_rules).
-- Indicators pair by name: the same cleaned name first, else the most similar name of the same
-- canonical 一级 (macro name_similarity ≥ var indicator_match_min_similarity, mutual best), so a
-- renamed indicator still pairs.
--
-- Incremental on DuckDB by project (macros/incremental_rows.sql): a build rebuilds the projects
-- whose forms int_indicators_mapped wrote again since this model last read it, or whose forms left
-- it. `jixiao build --full-refresh` rebuilds it all; on Spark it is a table.

with

int_indicators_mapped as (
    select * from {{ ref('int_indicators_mapped') }}
    {% if projects_to_rebuild is not none %}
        where project_id in {{ sql_list(projects_to_rebuild) }}
    {% endif %}
),

project_years_with_both_forms as (
    select
        project_id,
        fiscal_year
    from int_indicators_mapped
    where fiscal_year is not null
    group by project_id, fiscal_year
    having count(distinct form_type) = 2
),

indicators as (
    select
        int_indicators_mapped.*,
        {{ clean_text('int_indicators_mapped.target') }} as target_clean,
        -- the n-th indicator of a name on its form, so a name printed twice pairs one to one
        row_number() over (
            partition by
                int_indicators_mapped.project_year_id, int_indicators_mapped.indicator_name_clean
            order by int_indicators_mapped.indicator_seq
        ) as name_occurrence
    from int_indicators_mapped
    inner join project_years_with_both_forms
        on int_indicators_mapped.project_id = project_years_with_both_forms.project_id
            and int_indicators_mapped.fiscal_year = project_years_with_both_forms.fiscal_year
),

target_side as (
    select * from indicators
    where form_type = 'target'
),

self_eval_side as (
    select * from indicators
    where form_type = 'self_eval'
),

exact_pairs as (
    select
        target_side.indicator_id as target_indicator_id,
        self_eval_side.indicator_id as self_eval_indicator_id,
        'exact' as match_method,
        cast(1 as double) as name_similarity
    from target_side
    inner join self_eval_side
        on target_side.project_id = self_eval_side.project_id
            and target_side.fiscal_year = self_eval_side.fiscal_year
            and target_side.indicator_name_clean = self_eval_side.indicator_name_clean
            and target_side.name_occurrence = self_eval_side.name_occurrence
),

target_unpaired as (
    select target_side.* from target_side
    left join exact_pairs
        on target_side.indicator_id = exact_pairs.target_indicator_id
    where exact_pairs.target_indicator_id is null
),

self_eval_unpaired as (
    select self_eval_side.* from self_eval_side
    left join exact_pairs
        on self_eval_side.indicator_id = exact_pairs.self_eval_indicator_id
    where exact_pairs.self_eval_indicator_id is null
),

fuzzy_scored as (
    select
        target_unpaired.indicator_id as target_indicator_id,
        self_eval_unpaired.indicator_id as self_eval_indicator_id,
        {{ name_similarity('target_unpaired.indicator_name_clean', 'self_eval_unpaired.indicator_name_clean') }}
            as name_similarity
    from target_unpaired
    inner join self_eval_unpaired
        on target_unpaired.project_id = self_eval_unpaired.project_id
            and target_unpaired.fiscal_year = self_eval_unpaired.fiscal_year
            and target_unpaired.canonical_level1 = self_eval_unpaired.canonical_level1
),

fuzzy_ranked as (
    select
        *,
        row_number() over (
            partition by target_indicator_id order by name_similarity desc, self_eval_indicator_id asc
        ) as rank_for_target,
        row_number() over (
            partition by self_eval_indicator_id order by name_similarity desc, target_indicator_id asc
        ) as rank_for_self_eval
    from fuzzy_scored
    where name_similarity >= {{ var('indicator_match_min_similarity') }}
),

pairs as (
    select * from exact_pairs
    union all
    select
        target_indicator_id,
        self_eval_indicator_id,
        'fuzzy' as match_method,
        name_similarity
    from fuzzy_ranked
    where rank_for_target = 1
        and rank_for_self_eval = 1
),

-- every target-form indicator (paired or dropped), then the self-evaluation's added ones
rows_joined as (
    select
        target_side.project_id,
        target_side.fiscal_year,
        target_side.indicator_id as target_indicator_id,
        pairs.self_eval_indicator_id,
        pairs.match_method,
        pairs.name_similarity
    from target_side
    left join pairs
        on target_side.indicator_id = pairs.target_indicator_id
    union all
    select
        self_eval_side.project_id,
        self_eval_side.fiscal_year,
        null as target_indicator_id,
        self_eval_side.indicator_id as self_eval_indicator_id,
        null as match_method,
        null as name_similarity
    from self_eval_side
    left join pairs
        on self_eval_side.indicator_id = pairs.self_eval_indicator_id
    where pairs.self_eval_indicator_id is null
),

sides_joined as (
    select
        rows_joined.*,
        coalesce(set_target.unit_id, set_self.unit_id) as unit_id,
        coalesce(set_target.canonical_unit_name, set_self.canonical_unit_name) as unit_name,
        coalesce(set_target.project_name, set_self.project_name) as project_name,
        coalesce(set_target.canonical_level1, set_self.canonical_level1) as canonical_level1,
        set_target.indicator_name as target_indicator_name,
        set_self.indicator_name as self_eval_indicator_name,
        set_target.target as target_form_target,
        set_target.target_clean as target_form_target_clean,
        set_target.target_operator as target_form_operator,
        set_target.target_value as target_form_value,
        set_target.target_value_upper as target_form_value_upper,
        set_target.target_unit as target_form_unit,
        set_self.target as self_eval_target,
        set_self.target_clean as self_eval_target_clean,
        set_self.target_operator as self_eval_operator,
        set_self.target_value as self_eval_value,
        set_self.target_value_upper as self_eval_value_upper,
        set_self.target_unit as self_eval_unit,
        set_target.project_year_id as target_project_year_id,
        set_self.project_year_id as self_eval_project_year_id,
        set_target.source_file as target_source_file,
        set_target.source_line as target_source_line,
        set_self.source_file as self_eval_source_file,
        set_self.source_line as self_eval_source_line
    from rows_joined
    left join target_side as set_target
        on rows_joined.target_indicator_id = set_target.indicator_id
    left join self_eval_side as set_self
        on rows_joined.self_eval_indicator_id = set_self.indicator_id
),

-- comparable: both quantitative with one operator and one unit (or a unit on one side only)
classified as (
    select
        *,
        case
            when target_indicator_id is null then 'added'
            when self_eval_indicator_id is null then 'dropped'
            when coalesce(target_form_target_clean, '') = coalesce(self_eval_target_clean, '') then 'kept'
            when
                target_form_value is null
                or self_eval_value is null
                or target_form_operator != self_eval_operator
                or coalesce(target_form_unit != self_eval_unit, false)
                or target_form_value_upper is not null
                or self_eval_value_upper is not null
                then 'changed'
            when target_form_value = self_eval_value then 'kept'
            when target_form_operator in ('≥', '>')
                then case when self_eval_value < target_form_value then 'loosened' else 'tightened' end
            when target_form_operator in ('≤', '<')
                then case when self_eval_value > target_form_value then 'loosened' else 'tightened' end
            else 'changed'
        end as drift_status
    from sides_joined
),

final as (
    select
        md5(
            concat_ws(
                '|', project_id, cast(fiscal_year as string),
                coalesce(target_indicator_id, ''), coalesce(self_eval_indicator_id, '')
            )
        ) as drift_id,
        project_id,
        unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        unit_name,
        project_name,
        canonical_level1,
        target_indicator_name,
        self_eval_indicator_name,
        match_method,
        cast(round(name_similarity, 4) as double) as name_similarity,
        drift_status,
        target_form_target,
        target_form_operator,
        cast(target_form_value as decimal(18, 4)) as target_form_value,
        target_form_unit,
        self_eval_target,
        self_eval_operator,
        cast(self_eval_value as decimal(18, 4)) as self_eval_value,
        self_eval_unit,
        target_indicator_id,
        self_eval_indicator_id,
        target_project_year_id,
        self_eval_project_year_id,
        target_source_file,
        cast(target_source_line as integer) as target_source_line,
        self_eval_source_file,
        cast(self_eval_source_line as integer) as self_eval_source_line
    from classified
)

select * from final
