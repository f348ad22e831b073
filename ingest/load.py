"""Write parsed documents into the raw layer. The loader never parses; parsers never touch the database.

Rows go in as Arrow batches (no row-at-a-time INSERTs), all documents of one load in one
transaction: a failed or interrupted load leaves the warehouse as it was. Loading a document
replaces every row of that document (same content hash, or the older content of the same path)
and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

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


class WarehouseBusy(Exception):
    """Another process holds the warehouse file."""


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            holder = (
                str(exc).split("(PID", 1)[-1].split(")")[0].strip()
                if "PID" in str(exc)
                else "another process"
            )
            raise WarehouseBusy(
                f"the warehouse {db_path} is in use by {('PID ' + holder) if holder[:1].isdigit() else holder}; "
                "retry when it has finished, or use --db to write another file"
            ) from exc
        raise


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(resources.files("ingest").joinpath("raw_schema.sql").read_text(encoding="utf-8"))


def project_key(document: Document, seq: int) -> str:
    return f"{document.document_id}:{seq}"


def to_tables(documents: Sequence[Document], ingested_at: dt.datetime) -> dict[str, pa.Table]:
    """Columnar rows for every raw table, in document order then form/row order."""
    rows: dict[str, list[dict]] = {name: [] for name in RAW_SCHEMAS}
    for document in documents:
        rows["documents"].append(
            {
                "document_id": document.document_id,
                "source_path": document.source_path,
                "byte_size": document.byte_size,
                "encoding": document.encoding,
                "layout": document.layout,
                "status": document.status.value,
                "n_projects": len(document.forms),
                "n_indicators": sum(len(form.indicators) for form in document.forms),
                "n_issues": len(document.issues),
                "parser_version": PARSER_VERSION,
                "ingested_at": ingested_at,
            }
        )
        for seq, form in enumerate(document.forms, 1):
            key = project_key(document, seq)
            row = {name: getattr(form, name, None) for name in RAW_SCHEMAS["projects"].names}
            row.update(
                project_key=key, document_id=document.document_id, seq=seq, form_type=form.form_type.value
            )
            rows["projects"].append(row)
            for i, indicator in enumerate(form.indicators, 1):
                row = {name: getattr(indicator, name, None) for name in RAW_SCHEMAS["indicators"].names}
                row.update(project_key=key, seq=i)
                rows["indicators"].append(row)
            for i, item in enumerate(form.budget_items, 1):
                row = {name: getattr(item, name, None) for name in RAW_SCHEMAS["budget_items"].names}
                row.update(project_key=key, seq=i)
                rows["budget_items"].append(row)
        for i, issue in enumerate(document.issues, 1):
            rows["parse_issues"].append(
                {
                    "document_id": document.document_id,
                    "project_key": project_key(document, issue.form_seq) if issue.form_seq else None,
                    "seq": i,
                    "severity": issue.severity.value,
                    "code": issue.code,
                    "message": issue.message,
                    "line_no": issue.line_no,
                }
            )
    return {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in RAW_SCHEMAS.items()}


def load_documents(
    con: duckdb.DuckDBPyConnection, documents: Iterable[Document], ingested_at: dt.datetime | None = None
) -> None:
    """Replace these documents' rows in raw.*, in one transaction."""
    documents = _distinct(documents)
    if not documents:
        return
    tables = to_tables(documents, ingested_at or dt.datetime.now())
    ensure_raw_schema(con)
    con.begin()
    try:
        _delete_replaced(con, tables["documents"])
        for name, table in tables.items():
            if table.num_rows:
                con.register("incoming", table)
                con.execute(f"insert into raw.{name} by name select * from incoming")
                con.unregister("incoming")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _distinct(documents: Iterable[Document]) -> list[Document]:
    """One document per content hash: the same bytes under two names are one document."""
    seen: dict[str, Document] = {}
    for document in documents:
        seen.setdefault(document.document_id, document)
    return list(seen.values())


def _delete_replaced(con: duckdb.DuckDBPyConnection, incoming_documents: pa.Table) -> None:
    con.register("incoming_documents", incoming_documents.select(["document_id", "source_path"]))
    con.execute(
        """
        create or replace temp table replaced as
        select document_id from raw.documents
        where document_id in (select document_id from incoming_documents)
           or source_path in (select source_path from incoming_documents)
        """
    )
    con.unregister("incoming_documents")
    for table in ("indicators", "budget_items"):
        con.execute(
            f"delete from raw.{table} where project_key in "
            "(select project_key from raw.projects where document_id in (select document_id from replaced))"
        )
    for table in ("projects", "parse_issues", "documents"):
        con.execute(f"delete from raw.{table} where document_id in (select document_id from replaced)")
    con.execute("drop table replaced")
