-- The raw layer, exactly as CONTRACT.md promises it (extra columns are additions, never renames).
-- Written only by ingest. No PRIMARY KEY constraints: DuckDB checks them eagerly, which breaks
-- delete-then-insert of the same key inside one transaction; uniqueness is a dbt source test.
create schema if not exists raw;

create table if not exists raw.documents (
    document_id varchar not null,        -- sha256 (hex) of the file's bytes
    source_path varchar not null,        -- path as given to ingest
    byte_size bigint not null,
    encoding varchar,                    -- detected encoding, null when undecodable
    file_format varchar,                 -- text, xlsx, xls, docx, html, pdf, image … (ingest/formats)
    layout varchar not null,             -- detected layout family, or 'unknown'
    status varchar not null,             -- parsed / partial / failed
    n_projects integer not null,         -- forms found
    n_indicators integer not null,
    n_issues integer not null,
    parser_version varchar not null,
    ingested_at timestamp not null
);

create table if not exists raw.projects (
    project_key varchar not null,        -- {document_id}:{seq}
    document_id varchar not null,
    seq integer not null,
    form_type varchar not null,          -- target / self_eval
    fiscal_year integer,
    unit_name varchar,
    supervisor_name varchar,
    project_name varchar,
    project_category varchar,
    amount_unit varchar,                 -- 元 / 万元
    budget_total decimal(20, 2),
    budget_current decimal(20, 2),
    prior_year_budget decimal(20, 2),
    prior_year_executed decimal(20, 2),
    initial_budget decimal(20, 2),
    full_year_budget decimal(20, 2),
    executed decimal(20, 2),
    execution_rate_stated decimal(9, 2),
    total_score decimal(9, 2),
    grade varchar,
    is_complete boolean not null,
    line_start integer,
    line_end integer,
    source_ref varchar                   -- where the form starts in a binary file ("Sheet1!A1"); null for text
);

create table if not exists raw.indicators (
    project_key varchar not null,
    seq integer not null,
    level1 varchar,
    level2 varchar,
    name varchar not null,
    target varchar,
    actual varchar,
    weight decimal(9, 2),
    score decimal(9, 2),
    deviation_reason varchar,
    note varchar,                        -- 备注 column, where the form has one
    line_no integer,
    source_ref varchar                   -- the indicator's cell in a binary file ("Sheet1!C14"); null for text
);

create table if not exists raw.budget_items (
    project_key varchar not null,
    seq integer not null,
    item_group varchar,
    item_name varchar not null,
    amount decimal(20, 2),
    unit_price decimal(20, 2),
    quantity decimal(20, 4),
    note varchar,
    line_no integer
);

create table if not exists raw.parse_issues (
    document_id varchar not null,
    project_key varchar,
    seq integer not null,                -- order within the document
    severity varchar not null,           -- error / warning / info
    code varchar not null,
    message varchar not null,
    line_no integer
);

-- Columns added after the first warehouses were made: a warehouse from before gets them (null).
alter table raw.documents add column if not exists file_format varchar;
alter table raw.projects add column if not exists source_ref varchar;
alter table raw.indicators add column if not exists source_ref varchar;

-- Every path a document's content was seen under: the same bytes under two names are one
-- document with two rows here. A path belongs to one document at a time (its content as last
-- ingested); seen_at is when that content was first seen under that path.
create table if not exists raw.document_paths (
    document_id varchar not null,
    source_path varchar not null,
    seen_at timestamp not null
);
