with

source as (
    select * from {{ source('raw', 'parse_issues') }}
),

renamed as (
    select
        document_id || ':' || seq as parse_issue_key,
        document_id,
        project_key,
        seq as issue_seq,
        severity,
        code as issue_code,
        message,
        line_no
    from source
)

select * from renamed
