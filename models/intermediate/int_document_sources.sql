-- One row per document (distinct file content): where it came from, for the provenance columns
-- of the marts (source_file, source_path). The same bytes seen under several names are one
-- document; its name in the marts is the path it was first seen under (ties: the smallest path),
-- so adding a copy under another name later does not change what the marts show.

with

stg_raw__documents as (
    select * from {{ ref('stg_raw__documents') }}
),

stg_raw__document_paths as (
    select * from {{ ref('stg_raw__document_paths') }}
),

first_paths as (
    select
        document_id,
        source_path,
        source_file
    from stg_raw__document_paths
    qualify
        row_number() over (
            partition by document_id
            order by seen_at asc, source_path asc
        ) = 1
),

paths_summarised as (
    select
        document_id,
        count(*) as n_source_paths,
        array_sort(array_agg(source_path)) as source_paths
    from stg_raw__document_paths
    group by document_id
),

final as (
    select
        stg_raw__documents.document_id,
        -- a document without a path row (written before paths were recorded) keeps its own path
        coalesce(first_paths.source_path, stg_raw__documents.source_path) as source_path,
        coalesce(
            first_paths.source_file,
            regexp_extract(stg_raw__documents.source_path, {{ regex('[^/\\\\]+$') }}, 0)
        ) as source_file,
        coalesce(
            paths_summarised.source_paths, {{ list_of(['stg_raw__documents.source_path']) }}
        ) as source_paths,
        cast(coalesce(paths_summarised.n_source_paths, 1) as integer) as n_source_paths,
        stg_raw__documents.document_status,
        stg_raw__documents.layout
    from stg_raw__documents
    left join first_paths
        on stg_raw__documents.document_id = first_paths.document_id
    left join paths_summarised
        on stg_raw__documents.document_id = paths_summarised.document_id
)

select * from final
