"""Write parsed documents into the raw layer. The loader never parses; parsers never touch the database.

Rows go in as Arrow batches (no row-at-a-time INSERTs; ``raw_tables.py`` builds them), all
documents of one load in one transaction: a failed or interrupted load leaves the warehouse as it
was. Loading a document replaces every row of that document (same content hash) and nothing else.

``raw.document_paths`` records every path each document's content was seen under. A path belongs
to one document at a time: when a file's content changes, the path moves to the new document, and
the old document is deleted once no path refers to it any more (if another file still holds the
old content, the old document stays).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .model import Document

if TYPE_CHECKING:  # this module only passes Arrow tables on: recording paths alone needs no pyarrow
    import pyarrow as pa


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
    from .raw_tables import to_tables  # Arrow: see raw_tables.py

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
    once), built in the worker process that parsed them; the load time is stamped here. With no
    tables (``{}``) only ``paths`` are recorded."""
    ingested_at = ingested_at or dt.datetime.now()
    ids = tables["documents"]["document_id"].to_pylist() if tables else []
    own = zip(ids, tables["documents"]["source_path"].to_pylist(), strict=True) if tables else ()
    path_rows = dict.fromkeys(own) | dict.fromkeys(paths)
    if not path_rows:  # no document (each has its own path) and no path: nothing to load
        return
    ensure_raw_schema(con)
    con.begin()
    try:
        _move_paths(con, list(path_rows), ingested_at)
        _delete_replaced(con, ids)
        for name, table in tables.items():
            if table.num_rows:
                # the documents' load time is this one, not the worker's placeholder
                stamped = " replace (?::timestamp as ingested_at)" if name == "documents" else ""
                con.register("incoming", table)
                con.execute(
                    f"insert into raw.{name} by name select *{stamped} from incoming",
                    [ingested_at] if stamped else None,
                )
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


# A list of strings passed as one JSON parameter: DuckDB converts a Python list item by item, and
# tries to import pandas for each item (0.3 s for 2,000 paths).
_STRINGS = "from_json(?, '[\"varchar\"]')"


def _move_paths(con: duckdb.DuckDBPyConnection, paths: list[tuple[str, str]], seen_at: dt.datetime) -> None:
    """Point each incoming (document_id, source_path) at its document; collect documents no path
    refers to any more."""
    ids, source_paths = zip(*paths, strict=True) if paths else ((), ())
    con.execute(
        f"create or replace temp table incoming_paths as select unnest({_STRINGS}) as document_id, "
        f"unnest({_STRINGS}) as source_path, ?::timestamp as seen_at",
        [json.dumps(ids), json.dumps(source_paths), seen_at],
    )
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
    con.execute("drop table incoming_paths")
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


def _delete_replaced(con: duckdb.DuckDBPyConnection, incoming_ids: list[str]) -> None:
    """Delete every row of the incoming documents (a re-parse) and of documents left without a path."""
    con.execute(
        f"""
        create or replace temp table replaced as
        select document_id from raw.documents
        where document_id in (select unnest({_STRINGS}))
        union
        select document_id from orphaned
        """,
        [json.dumps(incoming_ids)],
    )
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
