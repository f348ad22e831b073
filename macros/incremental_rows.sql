{#
    A model whose every row is a function of its own document (int_indicators_classified) is
    incremental where the engine can delete and insert by key: DuckDB. Spark's parquet tables
    cannot (merge needs Delta or Iceberg), so there it stays a table, rebuilt on every build.
#}

{% macro rows_of_documents_materialization() -%}
    {{- return(adapter.dispatch('rows_of_documents_materialization', 'jixiao')()) -}}
{%- endmacro %}

{% macro default__rows_of_documents_materialization() -%}
    {{- return('incremental') -}}
{%- endmacro %}

{% macro spark__rows_of_documents_materialization() -%}
    {{- return('table') -}}
{%- endmacro %}

{# The post-hook of every incremental model: drop the rows that no longer match a row of `current`
   (a query) on the columns of `matching` (a list of names both share, or a mapping of the
   model's column to current's): a key gone, or its version (a load time, a fingerprint) moved on.
   On Spark the table was just rebuilt whole: a statement that does nothing. #}
{% macro drop_rows_not_current(relation, current, matching) -%}
    {{- return(adapter.dispatch('drop_rows_not_current', 'jixiao')(relation, current, matching)) -}}
{%- endmacro %}

{% macro default__drop_rows_not_current(relation, current, matching) -%}
    delete from {{ relation }}
    where not exists (
        select 1 from ({{ current }}) as current_rows
        where {{ rows_match(matching, relation) }}
    )
{%- endmacro %}

{% macro spark__drop_rows_not_current(relation, current, matching) -%}
    select 1
{%- endmacro %}

{# The join condition of a row of the model (`model_rows`: the relation or its alias) with a row of
   current_rows on the columns of `matching`, as above. #}
{% macro rows_match(matching, model_rows) -%}
    {%- set conditions = [] -%}
    {%- for column in matching -%}
        {%- do conditions.append(
            "current_rows." ~ (matching[column] if matching is mapping else column)
            ~ " = " ~ model_rows ~ "." ~ column
        ) -%}
    {%- endfor -%}
    {{- conditions | join(' and ') -}}
{%- endmacro %}

{# The other side of the post-hook, looked up before an incremental model runs: the keys (`key`, an
   expression over current_rows) of the rows of `current` that the model's table does not hold
   with the same columns of `matching` yet, as a list: a filter DuckDB takes down to the scan,
   where a join to the set leaves its planner blind. None when the model is not built
   incrementally, or its table has no `print_column` yet (built before fingerprints existed). #}
{% macro keys_not_current_in(relation, current, key, matching, print_column) -%}
    {%- if not (execute and is_incremental() and has_column(relation, print_column)) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set keys = run_query(
        "select " ~ key ~ " from (" ~ current ~ ") as current_rows where not exists (select 1 from "
        ~ relation ~ " as this_model where " ~ rows_match(matching, 'this_model') ~ ")"
    ) -%}
    {{- return(keys.columns[0].values() | list) -}}
{%- endmacro %}

{# A model whose every row is a function of its own document: drop the rows whose document is gone
   from raw, or was loaded again since the rows were written (a re-parse that now finds fewer rows,
   or none). The documents are stg_raw__documents, or the relation given (a staging model reads the
   raw table instead). #}
{% macro drop_rows_of_reloaded_documents(relation, documents=none) -%}
    {{- return(drop_rows_not_current(
        relation,
        "select document_id, ingested_at from "
        ~ (documents if documents is not none else ref('stg_raw__documents')),
        ['document_id', 'ingested_at']
    )) -}}
{%- endmacro %}

{# The three classification seeds' rows, one line each (int_indicators_classified's rules_version):
   a change to any of them classifies every indicator row again. #}
{% macro classification_rule_rows() -%}
    select
        concat_ws(
            '|', 'map', level1_label, level2_label, canonical_level1, canonical_level2,
            cast(is_cost as string), cast(is_management as string), cast(name_decides as string)
        ) as rule_text
    from {{ ref('indicator_category_map') }}
    union all
    select
        concat_ws(
            '|', 'name', cast(priority as string), level1_label, name_pattern, canonical_level1,
            canonical_level2, cast(is_cost as string), cast(is_management as string)
        ) as rule_text
    from {{ ref('indicator_name_rules') }}
    union all
    select concat_ws('|', 'override', level1_label, level2_label, name_pattern) as rule_text
    from {{ ref('indicator_name_overrides') }}
{%- endmacro %}

{# The project_keys of the forms an incremental build of int_indicators_classified will classify
   (those of documents loaded since its last build), looked up before it runs: joined to their
   documents, the forms are known only after staging has parsed every row's target (the join does
   not reach the scan); listed, they are a filter on the scan. None when every row is classified
   (a full build, or the rules changed). #}
{% macro forms_loaded_since_last_build(relation) -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rules_now = run_query(
        "select " ~ fingerprint("rule_text") ~ " from (" ~ classification_rule_rows() ~ ") as rule_rows"
    ).columns[0].values()[0] -%}
    {%- set last = run_query(
        "select max(rules_version), coalesce(max(ingested_at), cast('1900-01-01' as timestamp)) from "
        ~ relation
    ).rows[0] -%}
    {%- if last[0] != rules_now -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set forms = run_query(
        "select projects.project_key from " ~ ref('stg_raw__projects') ~ " as projects inner join "
        ~ ref('stg_raw__documents') ~ " as documents on projects.document_id = documents.document_id"
        ~ " where documents.ingested_at > cast('" ~ last[1] ~ "' as timestamp)"
    ) -%}
    {{- return(forms.columns[0].values() | list) -}}
{%- endmacro %}

{#
    Incremental models whose rows depend on other documents too (int_indicators_mapped: which copy
    of a form wins, the cross-year project ids, the unit's display name). Each row carries a
    fingerprint of everything outside its own classified row that went into it; a build maps again
    the forms whose fingerprint is new or changed (delete+insert by project_key) and a post-hook
    drops the rows of forms that no longer win. On Spark such a model is a table.
#}

{# One row per winning form with what int_indicators_mapped takes from int_projects_linked, the
   load time of the form's document, the classification rules and the core categories (project
   var core_level1), fingerprinted. Nulls are spelled out, so a moved null changes the print. The
   arguments are the three relations (refs, or a model's import CTEs of the same names). #}
{% macro winning_forms_fingerprinted(projects_linked, documents, indicators_classified) -%}
    select
        linked.winning_project_key,
        linked.project_year_id,
        linked.project_id,
        linked.unit_id,
        linked.fiscal_year,
        linked.form_type,
        linked.canonical_unit_name,
        linked.project_name,
        linked.source_file,
        md5(
            concat_ws(
                '|',
                coalesce(cast(linked.project_year_id as string), '∅'),
                coalesce(cast(linked.project_id as string), '∅'),
                coalesce(cast(linked.unit_id as string), '∅'),
                coalesce(cast(linked.fiscal_year as string), '∅'),
                coalesce(cast(linked.form_type as string), '∅'),
                coalesce(cast(linked.canonical_unit_name as string), '∅'),
                coalesce(cast(linked.project_name as string), '∅'),
                coalesce(cast(linked.source_file as string), '∅'),
                coalesce(cast(documents.ingested_at as string), '∅'),
                coalesce(cast(rules.rules_version as string), '∅'),
                {{ sql_string(var('core_level1') | join(',')) }}
            )
        ) as form_fingerprint
    from {{ projects_linked }} as linked
    inner join {{ documents }} as documents
        on linked.winning_document_id = documents.document_id
    cross join (
        select max(rules_version) as rules_version from {{ indicators_classified }}
    ) as rules
{%- endmacro %}

{# The winning forms an incremental build of int_indicators_mapped maps again (their fingerprint is
   not in the table yet), as project_keys looked up before it runs: joined to the classified rows,
   DuckDB read every one of them, all columns, before the join (9.9 s of the model's 10.5 s at
   N = 20,000 after a 1 % change); listed, they are a filter on the scan. None when every form is
   mapped (a full build, a table built before fingerprints existed, or so many forms that the whole
   scan is cheaper). #}
{% macro forms_to_map_again(relation) -%}
    {%- set forms = keys_not_current_in(
        relation,
        winning_forms_fingerprinted(
            ref('int_projects_linked'), ref('stg_raw__documents'), ref('int_indicators_classified')
        ),
        'current_rows.winning_project_key',
        {'project_key': 'winning_project_key', 'form_fingerprint': 'form_fingerprint'},
        'form_fingerprint'
    ) -%}
    {{- return(short_key_list(forms)) -}}
{%- endmacro %}

{# Keys looked up to build again, or none (build every key) when there are none to look up or more
   than 20,000 (the rules changed: every form): such a list costs more SQL text than the scan. #}
{% macro short_key_list(keys) -%}
    {{- return(none if keys is none or keys | length > 20000 else keys) -}}
{%- endmacro %}

{# The post-hook: drop the rows of forms that lost (another copy won, the document went) or whose
   fingerprint moved on. #}
{% macro drop_rows_of_changed_forms(relation) -%}
    {{- return(drop_rows_not_current(
        relation,
        winning_forms_fingerprinted(
            ref('int_projects_linked'), ref('stg_raw__documents'), ref('int_indicators_classified')
        ),
        {'project_key': 'winning_project_key', 'form_fingerprint': 'form_fingerprint'}
    )) -}}
{%- endmacro %}

{# The time this dbt invocation started, as a SQL timestamp: the built_at of the rows it writes. #}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#
    A mart built from an incremental model's rows (fct_indicators from int_indicators_mapped) is
    incremental by the upstream's built_at: a build rebuilds the keys (project_year_id) of the rows
    written since the mart last consumed them, a post-hook drops the keys gone upstream and records
    the newest built_at consumed in the table incremental_watermarks (beside the upstream model,
    outside the marts schema). No watermark yet (a first build, a warehouse built before it): every
    key is rebuilt. On Spark the mart is a table and the hooks do nothing.
#}

{% macro watermarks_relation(upstream) -%}
    {{- return(api.Relation.create(
        database=upstream.database, schema=upstream.schema, identifier='incremental_watermarks'
    )) -}}
{%- endmacro %}

{# The newest upstream built_at the mart has consumed, as a SQL literal; none when every key must
   be rebuilt (not an incremental build, or no watermark recorded). #}
{% macro consumed_up_to(relation, upstream) -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set watermarks = watermarks_relation(upstream) -%}
    {%- if adapter.get_relation(watermarks.database, watermarks.schema, watermarks.identifier) is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set last = run_query(
        "select cast(max(built_at) as string) from " ~ watermarks
        ~ " where model_name = '" ~ relation.identifier ~ "'"
    ).columns[0].values()[0] -%}
    {{- return(none if last is none else "cast('" ~ last ~ "' as timestamp)") -}}
{%- endmacro %}

{% macro drop_keys_gone_upstream(relation, upstream, key) -%}
    {{- return(drop_rows_not_current(relation, "select " ~ key ~ " from " ~ upstream, [key])) -}}
{%- endmacro %}

{% macro record_consumed_up_to(relation, upstream) -%}
    {{- return(adapter.dispatch('record_consumed_up_to', 'jixiao')(relation, upstream)) -}}
{%- endmacro %}

{% macro default__record_consumed_up_to(relation, upstream) -%}
    {%- set watermarks = watermarks_relation(upstream) -%}
    delete from {{ watermarks }} where model_name = '{{ relation.identifier }}';
    insert into {{ watermarks }}
    select '{{ relation.identifier }}' as model_name, max(built_at) as built_at from {{ upstream }}
{%- endmacro %}

{% macro spark__record_consumed_up_to(relation, upstream) -%}
    select 1
{%- endmacro %}

{# The watermarks table, created before any model runs (on-run-start): created by the marts' own
   post-hooks, two marts finishing at once on dbt's two threads conflicted on the create. It sits
   beside int_indicators_mapped, the upstream every watermark is of. On Spark nothing. #}
{% macro create_incremental_watermarks() -%}
    {{- return(adapter.dispatch('create_incremental_watermarks', 'jixiao')()) -}}
{%- endmacro %}

{% macro default__create_incremental_watermarks() -%}
    {%- set schema = generate_schema_name('intermediate', none) -%}
    create schema if not exists {{ schema }};
    create table if not exists {{ schema }}.incremental_watermarks (model_name varchar, built_at timestamp)
{%- endmacro %}

{% macro spark__create_incremental_watermarks() -%}
{%- endmacro %}

{# Whether a relation that exists has this column (an incremental model built by an older version
   of the project may not). #}
{% macro has_column(relation, column_name) -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {{- return(column_name | lower in names) -}}
{%- endmacro %}

{#
    int_project_link_candidates, incremental by unit-year: a pair never crosses one (both projects
    are of the same unit, the later one in the year, the earlier one in the year before), and a
    unit-year's candidates are a function of that unit's project-years in the two years, the
    `reject` rows of the project_links seed and the four project_link_* vars. Each unit-year's
    inputs are fingerprinted; a build pairs again the unit-years whose fingerprint is new or changed
    (delete+insert by unit_id, fiscal_year) and a post-hook drops the rows of unit-years whose
    fingerprint moved on (a unit-year left with no candidates, or none at all). On Spark a table.
#}

{# One row per project-year of a project identified by name: what the link comparison reads. #}
{% macro link_project_years(projects_deduplicated) -%}
    select
        project_id,
        unit_id,
        fiscal_year,
        max(canonical_unit_name) as unit_name,
        max(project_name) as project_name,
        max(project_name_clean) as project_name_clean,
        max(budget_current_yuan) filter (where form_type = 'target') as budget_current_yuan,
        max(prior_year_budget_yuan) filter (where form_type = 'target') as prior_year_budget_yuan
    from {{ projects_deduplicated }}
    where is_identified_by_name
    group by project_id, unit_id, fiscal_year
{%- endmacro %}

{# One row per unit-year of int_project_link_unit_years (or the relation given: a model's import
   CTE of that name) with its fingerprint: its project-years' print, the `reject` rows of the
   project_links seed and the four project_link_* vars. #}
{% macro link_unit_years_fingerprinted(unit_years=none) -%}
    select
        unit_years.unit_id,
        unit_years.fiscal_year,
        md5(concat_ws('|', unit_years.project_years_print, settings.settings_print)) as unit_year_fingerprint
    from {{ unit_years if unit_years is not none else ref('int_project_link_unit_years') }} as unit_years
    cross join (
        select
            concat_ws(
                '|',
                coalesce({{ fingerprint("concat_ws('|', project_id, canonical_project_id)") }}, '∅'),
                {{ sql_string(
                    [var('project_link_min_similarity'), var('project_link_min_similarity_with_evidence'),
                     var('project_link_max_pairs_per_unit_year'), var('project_link_max_pairs_per_key')]
                    | join('|')
                ) }}
            ) as settings_print
        from {{ ref('project_links') }}
        where decision = 'reject'
    ) as settings
{%- endmacro %}

{# The unit-years an incremental build pairs again (their fingerprint is not in the table yet), as
   'unit_id|fiscal_year' keys looked up before the model runs: joined to the sides, the set's
   cardinality is unknown to DuckDB's planner, whose join order then ran out of memory on a full
   pairing; listed, they are a filter on the sides. None when every unit-year is paired (a full
   build, or a table built before fingerprints existed). #}
{% macro link_unit_years_to_pair(relation) -%}
    {{- return(keys_not_current_in(
        relation,
        link_unit_years_fingerprinted(),
        "concat_ws('|', current_rows.unit_id, cast(current_rows.fiscal_year as string))",
        ['unit_id', 'fiscal_year', 'unit_year_fingerprint'],
        'unit_year_fingerprint'
    )) -}}
{%- endmacro %}

{# The post-hook: drop the rows of unit-years whose fingerprint moved on. #}
{% macro drop_rows_of_changed_unit_years(relation) -%}
    {{- return(drop_rows_not_current(
        relation,
        link_unit_years_fingerprinted(),
        ['unit_id', 'fiscal_year', 'unit_year_fingerprint']
    )) -}}
{%- endmacro %}

{#
    fct_target_drift, incremental by project: its rows pair the indicators of a project-year's two
    forms, so a form that changes touches its project's rows only. A build rebuilds the projects of
    the int_indicators_mapped rows written since the mart last read it (their ids now) and the
    projects of the mart's rows whose target or self-evaluation form is no longer as it was then
    (re-mapped, gone: their ids before); a pre-hook deletes those projects' rows and the model
    appends their new ones (a project left with one form gets none, which delete+insert could not
    say). No watermark yet: every project. On Spark a table, and the hook does nothing.
#}

{# The project_ids an incremental build of fct_target_drift rebuilds, as a list; none when it
   rebuilds every one (not an incremental build, no watermark yet, or too many to list). #}
{% macro drift_projects_to_rebuild(relation) -%}
    {%- set mapped = ref('int_indicators_mapped') -%}
    {%- set since = consumed_up_to(relation, mapped) -%}
    {%- if since is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set form_sides = [] -%}
    {%- for side in ['target_project_year_id', 'self_eval_project_year_id'] -%}
        {%- do form_sides.append(
            "select this_model.project_id from " ~ relation ~ " as this_model where this_model." ~ side
            ~ " is not null and not exists (select 1 from " ~ mapped ~ " as unchanged where unchanged.built_at <= "
            ~ since ~ " and unchanged.project_year_id = this_model." ~ side ~ ")"
        ) -%}
    {%- endfor -%}
    {%- set projects = run_query(
        "select project_id from " ~ mapped ~ " where built_at > " ~ since ~ " and project_id is not null"
        ~ " union " ~ form_sides | join(" union ")
    ).columns[0].values() | list -%}
    {{- return(short_key_list(projects)) -}}
{%- endmacro %}

{# The pre-hook: delete the rows of the `key` values the build rebuilds (`keys`; none: every row).
   Nothing when the model is not built incrementally (its table is created whole). #}
{% macro delete_rows_to_rebuild(relation, key, keys) -%}
    {{- return(adapter.dispatch('delete_rows_to_rebuild', 'jixiao')(relation, key, keys)) -}}
{%- endmacro %}

{% macro default__delete_rows_to_rebuild(relation, key, keys) -%}
    {%- if not is_incremental() -%}
        select 1
    {%- elif keys is none -%}
        delete from {{ relation }}
    {%- else -%}
        delete from {{ relation }} where {{ key }} in {{ sql_list(keys) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_rows_to_rebuild(relation, key, keys) -%}
    select 1
{%- endmacro %}
