with

source as (
    select * from {{ source('raw', 'documents') }}
),

renamed as (
    select
        document_id,
        source_path,
        byte_size,
        encoding,
        file_format,
        layout,
        status as document_status,
        n_projects,
        n_indicators,
        n_issues,
        parser_version,
        ingested_at
    from source
)

select * from renamed
