"""The raw layer's rows as Arrow tables: their columns and types (``RAW_SCHEMAS``, the one source of
truth the parsers' number fitting and the Spark lake read too), and the tables built from documents.

Imported only where rows are built or loaded (a worker, a batch's load, Spark's executors): pyarrow
and the numpy it imports cost 0.2 s a process, and a re-ingest that parses nothing needs neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import attrgetter

import duckdb
import pyarrow as pa

from . import PARSER_VERSION
from .model import Document

MONEY = pa.decimal128(20, 2)
SCORE = pa.decimal128(9, 2)

RAW_SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("document_id", pa.string()),
            ("source_path", pa.string()),
            ("byte_size", pa.int64()),
            ("encoding", pa.string()),
            ("file_format", pa.string()),
            ("layout", pa.string()),
            ("status", pa.string()),
            ("n_projects", pa.int32()),
            ("n_indicators", pa.int32()),
            ("n_issues", pa.int32()),
            ("parser_version", pa.string()),
            ("ingested_at", pa.timestamp("us")),
        ]
    ),
    "projects": pa.schema(
        [
            ("project_key", pa.string()),
            ("document_id", pa.string()),
            ("seq", pa.int32()),
            ("form_type", pa.string()),
            ("fiscal_year", pa.int32()),
            ("unit_name", pa.string()),
            ("supervisor_name", pa.string()),
            ("project_name", pa.string()),
            ("project_category", pa.string()),
            ("amount_unit", pa.string()),
            ("budget_total", MONEY),
            ("budget_current", MONEY),
            ("prior_year_budget", MONEY),
            ("prior_year_executed", MONEY),
            ("initial_budget", MONEY),
            ("full_year_budget", MONEY),
            ("executed", MONEY),
            ("execution_rate_stated", SCORE),
            ("total_score", SCORE),
            ("grade", pa.string()),
            ("is_complete", pa.bool_()),
            ("line_start", pa.int32()),
            ("line_end", pa.int32()),
            ("source_ref", pa.string()),
        ]
    ),
    "indicators": pa.schema(
        [
            ("project_key", pa.string()),
            ("seq", pa.int32()),
            ("level1", pa.string()),
            ("level2", pa.string()),
            ("name", pa.string()),
            ("target", pa.string()),
            ("actual", pa.string()),
            ("weight", SCORE),
            ("score", SCORE),
            ("deviation_reason", pa.string()),
            ("note", pa.string()),
            ("line_no", pa.int32()),
            ("source_ref", pa.string()),
        ]
    ),
    "budget_items": pa.schema(
        [
            ("project_key", pa.string()),
            ("seq", pa.int32()),
            ("item_group", pa.string()),
            ("item_name", pa.string()),
            ("amount", MONEY),
            ("unit_price", MONEY),
            ("quantity", pa.decimal128(20, 4)),
            ("note", pa.string()),
            ("line_no", pa.int32()),
        ]
    ),
    "parse_issues": pa.schema(
        [
            ("document_id", pa.string()),
            ("project_key", pa.string()),
            ("seq", pa.int32()),
            ("severity", pa.string()),
            ("code", pa.string()),
            ("message", pa.string()),
            ("line_no", pa.int32()),
        ]
    ),
}


# raw.document_paths, for the Spark lake (DuckDB's loader records paths without Arrow)
PATHS_SCHEMA = pa.schema(
    [("document_id", pa.string()), ("source_path", pa.string()), ("seen_at", pa.timestamp("us"))]
)

# What loading these tables into DuckDB can raise: a value that does not fit its column, either side.
LOAD_ERRORS = (duckdb.Error, pa.ArrowException, ValueError, TypeError, OverflowError)


def project_key(document: Document, seq: int) -> str:
    return f"{document.document_id}:{seq}"


# Columns filled straight from a model object's attribute of the same name.
_FORM_COLUMNS = tuple(
    n for n in RAW_SCHEMAS["projects"].names if n not in ("project_key", "document_id", "seq", "form_type")
)
_ROW_COLUMNS = {
    table: tuple(n for n in RAW_SCHEMAS[table].names if n not in ("project_key", "seq"))
    for table in ("indicators", "budget_items")
}


def row_counts(document: Document) -> dict[str, int]:
    """How many rows ``to_tables`` writes for the document in each raw table."""
    return {
        "documents": 1,
        "projects": len(document.forms),
        "indicators": sum(len(form.indicators) for form in document.forms),
        "budget_items": sum(len(form.budget_items) for form in document.forms),
        "parse_issues": len(document.issues),
    }


def to_tables(documents: Sequence[Document], ingested_at: dt.datetime) -> dict[str, pa.Table]:
    """Columnar rows for every raw table, in document order then form/row order.

    Built column by column (one list per column, filled with ``attrgetter``), not as a dict per
    row: at 20,000 forms a batch this is four times faster than ``Table.from_pylist``.
    """
    columns = {name: {column: [] for column in schema.names} for name, schema in RAW_SCHEMAS.items()}
    documents_, projects, issues = columns["documents"], columns["projects"], columns["parse_issues"]
    form_values = attrgetter(*_FORM_COLUMNS)
    form_columns = [projects[n] for n in _FORM_COLUMNS]
    row_readers = [
        (
            form_rows,
            columns[table],
            attrgetter(*_ROW_COLUMNS[table]),
            [columns[table][n] for n in _ROW_COLUMNS[table]],
        )
        for table, form_rows in (
            ("indicators", attrgetter("indicators")),
            ("budget_items", attrgetter("budget_items")),
        )
    ]
    for document in documents:
        document_id = document.document_id
        for column, value in (
            ("document_id", document_id),
            ("source_path", document.source_path),
            ("byte_size", document.byte_size),
            ("encoding", document.encoding),
            ("file_format", document.file_format),
            ("layout", document.layout),
            ("status", document.status.value),
            ("n_projects", len(document.forms)),
            ("n_indicators", sum(len(form.indicators) for form in document.forms)),
            ("n_issues", len(document.issues)),
            ("parser_version", PARSER_VERSION),
            ("ingested_at", ingested_at),
        ):
            documents_[column].append(value)
        for seq, form in enumerate(document.forms, 1):
            key = project_key(document, seq)
            projects["project_key"].append(key)
            projects["document_id"].append(document_id)
            projects["seq"].append(seq)
            projects["form_type"].append(form.form_type.value)
            for column, value in zip(form_columns, form_values(form), strict=True):
                column.append(value)
            for form_rows, table, row_values, value_columns in row_readers:
                rows = form_rows(form)
                if not rows:
                    continue
                table["project_key"].extend([key] * len(rows))
                table["seq"].extend(range(1, len(rows) + 1))
                for column, values in zip(
                    value_columns, zip(*map(row_values, rows), strict=True), strict=True
                ):
                    column.extend(values)
        for i, issue in enumerate(document.issues, 1):
            issues["document_id"].append(document_id)
            issues["project_key"].append(project_key(document, issue.form_seq) if issue.form_seq else None)
            issues["seq"].append(i)
            issues["severity"].append(issue.severity.value)
            issues["code"].append(issue.code)
            issues["message"].append(issue.message)
            issues["line_no"].append(issue.line_no)
    return {name: pa.Table.from_pydict(columns[name], schema=schema) for name, schema in RAW_SCHEMAS.items()}


# The load time of rows built before their load (in a worker process): ``load_tables`` stamps the real one.
NOT_LOADED_YET = dt.datetime(1970, 1, 1)
