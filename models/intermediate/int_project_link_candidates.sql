{{
    config(
        materialized=rows_of_documents_materialization(),
        unique_key=['unit_id', 'fiscal_year'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="{{ drop_rows_of_changed_unit_years(this) }}"
    )
}}

{%- set unit_years_to_pair = link_unit_years_to_pair(this) -%}

-- One row per candidate link: a project of a unit in one year whose name does not appear the next
-- year, and a project of the same unit in the next year whose name did not appear the year
-- before, scored by name similarity (macro name_similarity) with the budget evidence: the later
-- form's stated 上年预算额 equal to the earlier form's own 当年预算. Each project keeps only its
-- best partner, and only when it is the partner's best too (mutual best). is_accepted applies the
-- dbt vars project_link_min_similarity and project_link_min_similarity_with_evidence; a `reject`
-- row of the project_links seed vetoes a candidate.
--
-- Incremental on DuckDB (macros/incremental_rows.sql): a pair never crosses a unit-year, so a build
-- pairs again only the unit-years whose inputs' fingerprint (link_unit_years_fingerprinted) is new
-- or changed (delete+insert by unit_id, fiscal_year), and a post-hook drops the rows of unit-years
-- whose fingerprint moved on.
-- `jixiao build --full-refresh` pairs them all; on Spark it is a table.

with

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
),

project_links as (
    select * from {{ ref('project_links') }}
),

int_project_link_unit_years as (
    select * from {{ ref('int_project_link_unit_years') }}
),

-- every unit-year with the fingerprint of its inputs
unit_year_prints as (
    {{ link_unit_years_fingerprinted('int_project_link_unit_years') }}
),

-- one row per project-year; the target form's budget figures where it has one
project_years as (
    {{ link_project_years('int_projects_deduplicated') }}
),

-- both sides of one year's comparison, on the later year: projects new under their name that
-- year, and projects of the year before that do not run on under theirs; with the amount the
-- budget evidence compares (the later form's 上年预算额, the earlier form's 当年预算)
all_sides as (
    select
        'starting' as side,
        project_years.project_id,
        project_years.unit_id,
        project_years.fiscal_year,
        project_years.project_name_clean,
        project_years.prior_year_budget_yuan as evidence_yuan
    from project_years
    left join project_years as year_before
        on project_years.project_id = year_before.project_id
            and project_years.fiscal_year - 1 = year_before.fiscal_year
    where year_before.project_id is null
    union all
    select
        'ending' as side,
        project_years.project_id,
        project_years.unit_id,
        project_years.fiscal_year + 1 as fiscal_year,
        project_years.project_name_clean,
        project_years.budget_current_yuan as evidence_yuan
    from project_years
    left join project_years as next_year
        on project_years.project_id = next_year.project_id
            and project_years.fiscal_year + 1 = next_year.fiscal_year
    where next_year.project_id is null
),

-- the sides of the unit-years this build pairs: all, or on an incremental build those whose
-- fingerprint is not in the table (listed by macro link_unit_years_to_pair)
sides as (
    select * from all_sides
    {% if unit_years_to_pair is not none %}
        where concat_ws('|', unit_id, cast(fiscal_year as string))
            in {{ sql_list(unit_years_to_pair) }}
    {% endif %}
),

-- a unit-year is compared in full (every starting project with every ending one) unless that makes
-- more pairs than project_link_max_pairs_per_unit_year: the comparison grows with the square of a
-- unit's projects, and one unit of thousands would outgrow the rest of the build
unit_years as (
    select
        unit_id,
        fiscal_year,
        count(*) filter (where side = 'starting') * count(*) filter (where side = 'ending')
        <= {{ var('project_link_max_pairs_per_unit_year') }} as is_compared_in_full
    from sides
    group by unit_id, fiscal_year
    having count(*) filter (where side = 'starting') > 0 and count(*) filter (where side = 'ending') > 0
),

sides_judged as (
    select
        sides.*,
        unit_years.is_compared_in_full
    from sides
    inner join unit_years
        on sides.unit_id = unit_years.unit_id
            and sides.fiscal_year = unit_years.fiscal_year
),

-- scored where they are paired: joining 4 million pairs back to their sides for the names took
-- as long as the scoring (N = 8,000); ids and scores only, the names are joined back for the winners
pairs_in_full as (
    select
        later.project_id,
        earlier.project_id as linked_project_id,
        later.fiscal_year,
        later.fiscal_year - 1 as linked_fiscal_year,
        {{ name_similarity('later.project_name_clean', 'earlier.project_name_clean') }} as name_similarity,
        coalesce(later.evidence_yuan = earlier.evidence_yuan, false) as has_budget_evidence
    from sides_judged as later
    inner join sides_judged as earlier
        on later.unit_id = earlier.unit_id
            and later.fiscal_year = earlier.fiscal_year
    where later.is_compared_in_full
        and later.side = 'starting'
        and earlier.side = 'ending'
),

-- in a larger unit-year a pair must share a blocking key: a two-character piece of the cleaned
-- names, or the budget evidence's amount
side_keys as (
    select distinct
        side,
        project_id,
        unit_id,
        fiscal_year,
        block_key
    from (
        select
            side,
            project_id,
            unit_id,
            fiscal_year,
            {{ list_elements(character_bigrams('project_name_clean')) }} as block_key
        from sides_judged
        where not is_compared_in_full
        union all
        select
            side,
            project_id,
            unit_id,
            fiscal_year,
            'yuan ' || cast(evidence_yuan as string) as block_key
        from sides_judged
        where not is_compared_in_full
            and evidence_yuan is not null
    ) as block_keys
),

starting_keys as (
    select * from side_keys
    where side = 'starting'
),

ending_keys as (
    select * from side_keys
    where side = 'ending'
),

-- a key most of the unit's names share (经费, 项目) says nothing: only keys that make at most
-- project_link_max_pairs_per_key pairs block. A key's pairs are counted as starting × ending
-- names, not by joining them: that join is the square of a common key's names (at N = 20,000 in
-- the benchmark it took 93 of this model's 104 s; counted, the model takes 28 s).
key_counts as (
    select
        side,
        unit_id,
        fiscal_year,
        block_key,
        count(*) as n_projects
    from side_keys
    group by side, unit_id, fiscal_year, block_key
),

selective_keys as (
    select
        starting_counts.unit_id,
        starting_counts.fiscal_year,
        starting_counts.block_key
    from key_counts as starting_counts
    inner join key_counts as ending_counts
        on starting_counts.unit_id = ending_counts.unit_id
            and starting_counts.fiscal_year = ending_counts.fiscal_year
            and starting_counts.block_key = ending_counts.block_key
    where starting_counts.side = 'starting'
        and ending_counts.side = 'ending'
        and starting_counts.n_projects * ending_counts.n_projects <= {{ var('project_link_max_pairs_per_key') }}
),

pairs_by_key as (
    select distinct
        starting_keys.project_id,
        ending_keys.project_id as linked_project_id,
        starting_keys.fiscal_year
    from selective_keys
    inner join starting_keys
        on selective_keys.unit_id = starting_keys.unit_id
            and selective_keys.fiscal_year = starting_keys.fiscal_year
            and selective_keys.block_key = starting_keys.block_key
    inner join ending_keys
        on selective_keys.unit_id = ending_keys.unit_id
            and selective_keys.fiscal_year = ending_keys.fiscal_year
            and selective_keys.block_key = ending_keys.block_key
),

pairs_by_key_scored as (
    select
        pairs_by_key.project_id,
        pairs_by_key.linked_project_id,
        pairs_by_key.fiscal_year,
        pairs_by_key.fiscal_year - 1 as linked_fiscal_year,
        {{ name_similarity('later.project_name_clean', 'earlier.project_name_clean') }} as name_similarity,
        coalesce(later.evidence_yuan = earlier.evidence_yuan, false) as has_budget_evidence
    from pairs_by_key
    inner join sides as later
        on pairs_by_key.project_id = later.project_id
            and pairs_by_key.fiscal_year = later.fiscal_year
            and later.side = 'starting'
    inner join sides as earlier
        on pairs_by_key.linked_project_id = earlier.project_id
            and pairs_by_key.fiscal_year = earlier.fiscal_year
            and earlier.side = 'ending'
),

pairs as (
    select * from pairs_in_full
    union all
    select * from pairs_by_key_scored
),

rejections as (
    select
        project_id,
        canonical_project_id
    from project_links
    where decision = 'reject'
),

pairs_judged as (
    select
        pairs.*,
        rejections.project_id is not null as is_rejected,
        (
            pairs.name_similarity >= {{ var('project_link_min_similarity') }}
            or (
                pairs.has_budget_evidence
                and pairs.name_similarity >= {{ var('project_link_min_similarity_with_evidence') }}
            )
        ) as is_above_threshold
    from pairs
    left join rejections
        on (
            pairs.project_id = rejections.project_id
            and pairs.linked_project_id = rejections.canonical_project_id
        )
        or (
            pairs.linked_project_id = rejections.project_id
            and pairs.project_id = rejections.canonical_project_id
        )
),

-- each project's best partner, and each earlier project's: a rejected pair never blocks another;
-- above the threshold first, then evidence, then likeness, then the smaller id. An aggregate per
-- project, not a row_number() window: the two windows sorted every pair (5.6 of the model's 16.7 s
-- on the N = 8,000 re-build; min_by 1.0 s).
best_for_project as (
    select
        project_id,
        fiscal_year,
        min_by(
            linked_project_id,
            {{ ordering_key([
                'is_rejected', 'not is_above_threshold', 'not has_budget_evidence', '-name_similarity',
                'linked_project_id'
            ]) }}
        ) as best_linked_project_id
    from pairs_judged
    group by project_id, fiscal_year
),

best_for_linked_project as (
    select
        linked_project_id,
        linked_fiscal_year,
        min_by(
            project_id,
            {{ ordering_key([
                'is_rejected', 'not is_above_threshold', 'not has_budget_evidence', '-name_similarity',
                'project_id'
            ]) }}
        ) as best_project_id
    from pairs_judged
    group by linked_project_id, linked_fiscal_year
),

-- mutual best
winners as (
    select pairs_judged.*
    from pairs_judged
    inner join best_for_project
        on pairs_judged.project_id = best_for_project.project_id
            and pairs_judged.fiscal_year = best_for_project.fiscal_year
            and pairs_judged.linked_project_id = best_for_project.best_linked_project_id
    inner join best_for_linked_project
        on pairs_judged.linked_project_id = best_for_linked_project.linked_project_id
            and pairs_judged.linked_fiscal_year = best_for_linked_project.linked_fiscal_year
            and pairs_judged.project_id = best_for_linked_project.best_project_id
),

final as (
    select
        md5(winners.project_id || '|' || winners.linked_project_id) as candidate_id,
        winners.project_id,
        winners.linked_project_id,
        later.unit_id,
        later.unit_name,
        winners.fiscal_year,
        winners.linked_fiscal_year,
        later.project_name,
        earlier.project_name as linked_project_name,
        round(winners.name_similarity, 4) as name_similarity,
        later.prior_year_budget_yuan as stated_prior_year_budget_yuan,
        earlier.budget_current_yuan as linked_budget_current_yuan,
        winners.has_budget_evidence,
        winners.is_rejected,
        winners.is_above_threshold and not winners.is_rejected as is_accepted,
        unit_year_prints.unit_year_fingerprint
    from winners
    inner join project_years as later
        on winners.project_id = later.project_id
            and winners.fiscal_year = later.fiscal_year
    inner join project_years as earlier
        on winners.linked_project_id = earlier.project_id
            and winners.linked_fiscal_year = earlier.fiscal_year
    inner join unit_year_prints
        on later.unit_id = unit_year_prints.unit_id
            and winners.fiscal_year = unit_year_prints.fiscal_year
)

select * from final
