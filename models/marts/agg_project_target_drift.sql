-- One row per project-year with both a target form and a self-evaluation: how many of the target
-- form's indicators were kept, loosened, tightened, changed or dropped by the self-evaluation, and
-- how many it added (fct_target_drift).

with

fct_target_drift as (
    select * from {{ ref('fct_target_drift') }}
),

final as (
    select
        md5(project_id || '|' || cast(fiscal_year as string)) as project_fiscal_year_id,
        project_id,
        max(unit_id) as unit_id,
        fiscal_year,
        max(unit_name) as unit_name,
        max(project_name) as project_name,
        cast(count(target_indicator_id) as integer) as n_target_indicators,
        cast(count(self_eval_indicator_id) as integer) as n_self_eval_indicators,
        cast(count(*) filter (where drift_status = 'kept') as integer) as n_kept,
        cast(count(*) filter (where drift_status = 'loosened') as integer) as n_loosened,
        cast(count(*) filter (where drift_status = 'tightened') as integer) as n_tightened,
        cast(count(*) filter (where drift_status = 'changed') as integer) as n_changed,
        cast(count(*) filter (where drift_status = 'dropped') as integer) as n_dropped,
        cast(count(*) filter (where drift_status = 'added') as integer) as n_added,
        cast(count(*) filter (where match_method = 'fuzzy') as integer) as n_renamed,
        {{ safe_rate("count(*) filter (where drift_status = 'kept')", 'count(target_indicator_id)') }}
            as kept_rate
    from fct_target_drift
    group by project_id, fiscal_year
)

select * from final
