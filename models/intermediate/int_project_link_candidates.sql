{{ config(materialized='table') }}

-- One row per candidate link: a project of a unit in one year whose name does not appear the next
-- year, and a project of the same unit in the next year whose name did not appear the year
-- before, scored by name similarity (macro name_similarity) with the budget evidence: the later
-- form's stated 上年预算额 equal to the earlier form's own 当年预算. Each project keeps only its
-- best partner, and only when it is the partner's best too (mutual best). is_accepted applies the
-- dbt vars project_link_min_similarity and project_link_min_similarity_with_evidence; a `reject`
-- row of the project_links seed vetoes a candidate.

with

int_projects_deduplicated as (
    select * from {{ ref('int_projects_deduplicated') }}
),

project_links as (
    select * from {{ ref('project_links') }}
),

-- one row per project-year; the target form's budget figures where it has one
project_years as (
    select
        project_id,
        unit_id,
        fiscal_year,
        max(canonical_unit_name) as unit_name,
        max(project_name) as project_name,
        max(project_name_clean) as project_name_clean,
        max(budget_current_yuan) filter (where form_type = 'target') as budget_current_yuan,
        max(prior_year_budget_yuan) filter (where form_type = 'target') as prior_year_budget_yuan
    from int_projects_deduplicated
    where is_identified_by_name
    group by project_id, unit_id, fiscal_year
),

-- projects that did not run on in the next year under the same name, and projects new that year
pairs as (
    select
        later.project_id,
        earlier.project_id as linked_project_id,
        later.unit_id,
        later.unit_name,
        later.fiscal_year,
        earlier.fiscal_year as linked_fiscal_year,
        later.project_name,
        earlier.project_name as linked_project_name,
        {{ name_similarity('later.project_name_clean', 'earlier.project_name_clean') }} as name_similarity,
        later.prior_year_budget_yuan as stated_prior_year_budget_yuan,
        earlier.budget_current_yuan as linked_budget_current_yuan,
        coalesce(later.prior_year_budget_yuan = earlier.budget_current_yuan, false) as has_budget_evidence
    from project_years as later
    inner join project_years as earlier
        on later.unit_id = earlier.unit_id
            and later.fiscal_year = earlier.fiscal_year + 1
            and later.project_id != earlier.project_id
    left join project_years as earlier_continued
        on earlier.project_id = earlier_continued.project_id
            and later.fiscal_year = earlier_continued.fiscal_year
    left join project_years as later_before
        on later.project_id = later_before.project_id
            and earlier.fiscal_year = later_before.fiscal_year
    where earlier_continued.project_id is null
        and later_before.project_id is null
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

-- a rejected pair never blocks another; above the threshold first, then evidence, then likeness
pairs_ranked as (
    select
        *,
        row_number() over (
            partition by project_id, fiscal_year
            order by
                is_rejected asc, is_above_threshold desc, has_budget_evidence desc, name_similarity desc,
                linked_project_id asc
        ) as rank_for_project,
        row_number() over (
            partition by linked_project_id, linked_fiscal_year
            order by
                is_rejected asc, is_above_threshold desc, has_budget_evidence desc, name_similarity desc,
                project_id asc
        ) as rank_for_linked_project
    from pairs_judged
),

final as (
    select
        md5(project_id || '|' || linked_project_id) as candidate_id,
        project_id,
        linked_project_id,
        unit_id,
        unit_name,
        fiscal_year,
        linked_fiscal_year,
        project_name,
        linked_project_name,
        round(name_similarity, 4) as name_similarity,
        stated_prior_year_budget_yuan,
        linked_budget_current_yuan,
        has_budget_evidence,
        is_rejected,
        is_above_threshold and not is_rejected as is_accepted
    from pairs_ranked
    where rank_for_project = 1
        and rank_for_linked_project = 1
)

select * from final
