with

source as (
    select * from {{ source('raw', 'document_paths') }}
),

renamed as (
    select
        document_id || ':' || source_path as document_path_key,
        document_id,
        source_path,
        -- the file name, whichever separator the path was given with
        regexp_extract(source_path, {{ regex('[^/\\\\]+$') }}, 0) as source_file,
        seen_at
    from source
)

select * from renamed
