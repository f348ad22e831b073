"""Write parsed documents into the raw layer. The loader never parses; parsers never touch the database.

Rows go in as Arrow batches (no row-at-a-time INSERTs), all documents of one load in one
transaction: a failed or interrupted load leaves the warehouse as it was. Loading a document
replaces every row of that document (same content hash) and nothing else.

``raw.document_paths`` records every path each document's content was seen under. A path belongs
to one document at a time: when a file's content changes, the path moves to the new document, and
the old document is deleted once no path refers to it any more (if another file still holds the
old content, the old document stays).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from operator import attrgetter
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


PATHS_SCHEMA = pa.schema(
    [("document_id", pa.string()), ("source_path", pa.string()), ("seen_at", pa.timestamp("us"))]
)


class WarehouseBusy(Exception):
    """Another process holds the warehouse file."""


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        if not read_only and not os.path.lexists(db_path):
            _create(Path(db_path))
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as exc:
        busy = busy_error(db_path, exc)
        if busy:
            raise busy from exc
        raise


def _create(db_path: Path) -> None:
    """Create a new warehouse under a temporary name, then link it into place.

    DuckDB writes a new file's header and first blocks in several steps; a run killed in between
    would leave a file no later run can open. Made aside and linked in whole, the warehouse either
    does not exist yet or is complete. If another process created it meanwhile, theirs is kept.
    """
    for stale in db_path.parent.glob(f".{db_path.name}.*.creating*"):  # left by a killed run
        pid = stale.name.removeprefix(f".{db_path.name}.").split(".")[0]
        if pid.isdigit() and not _running(int(pid)):
            stale.unlink(missing_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.creating")
    try:
        con = duckdb.connect(str(tmp))
        try:
            ensure_raw_schema(con)
        finally:
            con.close()
        try:
            os.link(tmp, db_path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not os.path.lexists(db_path):
                os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def busy_error(db_path: Path, exc: Exception) -> WarehouseBusy | None:
    """The clean message for DuckDB's lock conflict ("Could not set lock on file … (PID 123)"), else None."""
    text = str(exc)
    if "lock" not in text.lower():
        return None
    match = re.search(r"held in (.+?) \(PID (\d+)\)", text)
    holder = f"PID {match.group(2)} ({Path(match.group(1)).name})" if match else "another process"
    return WarehouseBusy(
        f"the warehouse {db_path} is in use by {holder}; "
        "retry when it has finished, or use --db to work on another file"
    )


def check_not_busy(db_path: Path) -> None:
    """Raise WarehouseBusy if another process holds the warehouse (checked by opening it for writing)."""
    connect(db_path).close()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables that do not exist yet, all or none (a run killed here leaves no half schema)."""
    con.begin()
    try:
        had_paths = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'document_paths'"
        ).fetchone()[0]
        con.execute(resources.files("ingest").joinpath("raw_schema.sql").read_text(encoding="utf-8"))
        if not had_paths:  # a warehouse from before raw.document_paths: each document's one known path
            con.execute(
                "insert into raw.document_paths select document_id, source_path, ingested_at from raw.documents"
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise


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


def load_documents(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[Document],
    ingested_at: dt.datetime | None = None,
    paths: Iterable[tuple[str, str]] = (),
) -> None:
    """Replace these documents' rows in raw.*, in one transaction.

    ``paths`` are further (document_id, source_path) pairs to record in raw.document_paths: the
    same content seen under another name in this run, or content already in the warehouse found
    under a (possibly new) path. Each document's own source_path is recorded too.
    """
    documents = _distinct(documents)
    ingested_at = ingested_at or dt.datetime.now()
    load_tables(con, to_tables(documents, ingested_at), paths, ingested_at)


def load_tables(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, pa.Table],
    paths: Iterable[tuple[str, str]] = (),
    ingested_at: dt.datetime | None = None,
) -> None:
    """``load_documents`` for rows already in Arrow tables (``to_tables``' shape, each document
    once), built in the worker process that parsed them; the load time is stamped here."""
    ingested_at = ingested_at or dt.datetime.now()
    documents = tables["documents"]
    at = documents.schema.get_field_index("ingested_at")
    stamp = pa.repeat(pa.scalar(ingested_at, documents.schema.field(at).type), documents.num_rows)
    tables = {**tables, "documents": documents.set_column(at, "ingested_at", stamp)}
    own = zip(documents["document_id"].to_pylist(), documents["source_path"].to_pylist(), strict=True)
    path_rows = dict.fromkeys(own) | dict.fromkeys(paths)
    if not documents.num_rows and not path_rows:
        return
    incoming_paths = pa.Table.from_pylist(
        [{"document_id": d, "source_path": p, "seen_at": ingested_at} for d, p in path_rows],
        schema=PATHS_SCHEMA,
    )
    ensure_raw_schema(con)
    con.begin()
    try:
        _move_paths(con, incoming_paths)
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


def _move_paths(con: duckdb.DuckDBPyConnection, incoming_paths: pa.Table) -> None:
    """Point each incoming path at its document; collect documents no path refers to any more."""
    con.register("incoming_paths", incoming_paths)
    con.execute(
        """
        create or replace temp table moved as
        select p.document_id, p.source_path from raw.document_paths as p
        inner join incoming_paths as i on p.source_path = i.source_path and p.document_id != i.document_id
        """
    )
    con.execute(
        """
        delete from raw.document_paths
        where (document_id, source_path) in (select (document_id, source_path) from moved)
        """
    )
    con.execute(
        """
        insert into raw.document_paths
        select distinct i.document_id, i.source_path, i.seen_at from incoming_paths as i
        where not exists (
            select 1 from raw.document_paths as p
            where p.document_id = i.document_id and p.source_path = i.source_path
        )
        """
    )
    con.unregister("incoming_paths")
    # Documents that lost a path but are still held by another file keep a path that exists.
    con.execute(
        """
        update raw.documents as d set source_path = (
            select min(p.source_path) from raw.document_paths as p where p.document_id = d.document_id
        )
        where d.source_path in (select source_path from moved where moved.document_id = d.document_id)
            and exists (select 1 from raw.document_paths as p where p.document_id = d.document_id)
        """
    )
    con.execute(
        """
        create or replace temp table orphaned as
        select distinct document_id from moved
        where document_id not in (select document_id from raw.document_paths)
        """
    )
    con.execute("drop table moved")


def _delete_replaced(con: duckdb.DuckDBPyConnection, incoming_documents: pa.Table) -> None:
    """Delete every row of the incoming documents (a re-parse) and of documents left without a path."""
    con.register("incoming_documents", incoming_documents.select(["document_id"]))
    con.execute(
        """
        create or replace temp table replaced as
        select document_id from raw.documents
        where document_id in (select document_id from incoming_documents)
        union
        select document_id from orphaned
        """
    )
    con.unregister("incoming_documents")
    # New documents (the whole of a first ingest) replace nothing: skip the deletes, which scan
    # every raw table and would make a large ingest quadratic in its number of batches.
    if con.execute("select count(*) from replaced").fetchone()[0]:
        for table in ("indicators", "budget_items"):
            con.execute(
                f"delete from raw.{table} where project_key in "
                "(select project_key from raw.projects where document_id in (select document_id from replaced))"
            )
        for table in ("projects", "parse_issues", "documents"):
            con.execute(f"delete from raw.{table} where document_id in (select document_id from replaced)")
    con.execute("drop table replaced")
    con.execute("drop table orphaned")
