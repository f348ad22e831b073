{{ config(materialized='table') }}

{%- set max_hops = 10 -%}
-- One row per name-based project_id that is the same project as another one: the canonical
-- project_id it follows, and whether a curated row (project_links seed, decision link) or an
-- accepted candidate (int_project_link_candidates) said so. A curated link wins over a candidate
-- for the same project. Chains (2021 name → 2022 name → 2023 name) are followed up to
-- {{ max_hops }} links, without a recursive CTE so every engine runs it; the canonical project is
-- the chain's end, the earliest name for candidates.

with

project_links as (
    select * from {{ ref('project_links') }}
),

int_project_link_candidates as (
    select * from {{ ref('int_project_link_candidates') }}
),

curated as (
    select
        project_id,
        canonical_project_id as next_project_id,
        'curated' as link_source
    from project_links
    where decision = 'link'
),

candidates as (
    select
        int_project_link_candidates.project_id,
        int_project_link_candidates.linked_project_id as next_project_id,
        'candidate' as link_source
    from int_project_link_candidates
    left join curated
        on int_project_link_candidates.project_id = curated.project_id
    where int_project_link_candidates.is_accepted
        and curated.project_id is null
),

links as (
    select * from curated
    union all
    select * from candidates
),

hop_0 as (
    select
        project_id,
        next_project_id as canonical_project_id,
        link_source
    from links
),

{% for hop in range(1, max_hops + 1) %}
    hop_{{ hop }} as (
        select
            hop_{{ hop - 1 }}.project_id,
            coalesce(links.next_project_id, hop_{{ hop - 1 }}.canonical_project_id) as canonical_project_id,
            hop_{{ hop - 1 }}.link_source
        from hop_{{ hop - 1 }}
        left join links
            on hop_{{ hop - 1 }}.canonical_project_id = links.project_id
    ),

{% endfor %}
final as (
    select
        project_id,
        canonical_project_id,
        link_source
    from hop_{{ max_hops }}
)

select * from final
