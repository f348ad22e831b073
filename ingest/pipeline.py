"""An ingest run: discover files, parse them in worker processes, load them in batches of whole documents.

- Parsing is a pure function of a file's bytes, so it runs in a process pool; results come back
  in discovery order, so two runs build identical warehouses.
- A worker builds its chunk's raw rows itself (``raw_tables.to_tables``, one set of Arrow tables per
  chunk of files) and sends those, with a few counts per document: the loader concatenates tables
  and inserts them, and never holds a form or an indicator as a Python object.
- A file whose content hash is already loaded by this parser version is not parsed again.
- Documents are loaded in batches (each batch one transaction), so memory stays flat however many
  files there are, and an interrupted run leaves only whole documents behind.
- Every file found is accounted for: a document (parsed, partial or failed), unchanged, a
  duplicate of content seen in this run, or skipped with a reason. Every path a content was seen
  under goes to raw.document_paths.
- A file over ``max_file_bytes`` is not read into memory: it is hashed in chunks and recorded as a
  failed document with a ``file_too_large`` issue.
- A ZIP archive is unpacked in memory (ingest/formats/archive.py): each file in it is a document of
  its own, its source path the archive's path, ``!/`` and its path inside the archive. An archive
  refused whole (damaged, a zip bomb) is a failed document.
- A run that parses nothing (every file unchanged) imports neither the formats and readers nor
  Arrow (pyarrow and numpy: 0.2 s of such a run's 0.5 s at N = 2,000): the functions that read
  files and build or load rows import them on first use.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from . import PARSER_VERSION
from .discover import discover
from .load import connect, ensure_raw_schema, load_tables
from .model import UNKNOWN, Document, Issue, Severity

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_SIZE = 200  # documents per load transaction: bounds the parent's memory (≈350 MB at 200, 510 MB at 500)
SERIAL_BELOW = 16  # fewer files than this are parsed in-process: a pool costs more than it saves
CHUNK = 8  # files per task sent to a worker
CHECKPOINT_MB = 64  # WAL size at which DuckDB writes it into the warehouse file
MEMORY_LIMIT_MB = 128  # DuckDB's memory on the ingest connection; past it, it evicts cached blocks or spills
IN_FLIGHT = 4  # chunks per worker queued or finished but not yet collected
MAX_FILE_BYTES = 16 * 1024 * 1024  # larger files are hashed and recorded, not parsed (--max-file-mb)
HASH_CHUNK = 1024 * 1024
MAX_NOTES = 50  # per-document lines in the summary; the rest are in raw.parse_issues


@dataclass
class IngestSummary:
    files_seen: int = 0
    archives: int = 0  # ZIP files unpacked: their members are counted instead of them
    members: int = 0
    documents: int = 0
    unchanged: int = 0
    duplicates: int = 0
    forms: int = 0
    indicators: int = 0
    status: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)  # documents of this run by file format
    issues: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line per document that needs a look (the first ones)
    n_notes: int = 0
    # What the warehouse holds once the run is over (this run's documents and every earlier one's):
    # documents by status, forms, indicators. None until the run has loaded.
    warehouse: tuple[Counter, int, int] | None = None

    @property
    def failed(self) -> int:
        """Documents of this run that failed (the exit code's concern; partial ones are warnings)."""
        return self.status["failed"]

    @property
    def partial(self) -> int:
        return self.status["partial"]

    def lines(self) -> list[str]:
        by_status = ", ".join(f"{n} {s}" for s, n in sorted(self.status.items())) or "none"
        by_severity = ", ".join(f"{self.issues[s.value]} {s.value}" for s in Severity)
        unpacked = (
            f" ({self.archives} ZIP archive{'s' * (self.archives != 1)} holding {self.members} "
            f"file{'s' * (self.members != 1)})"
            if self.archives
            else ""
        )
        seen = (
            f"{self.files_seen} seen - {self.archives} archive{'s' * (self.archives != 1)} "
            f"+ {self.members} archive member{'s' * (self.members != 1)}"
            if self.archives
            else f"{self.files_seen} seen"
        )
        out = [
            f"files: {self.files_seen} seen{unpacked}, {self.documents} documents parsed ({by_status}), "
            f"{self.unchanged} unchanged, {self.duplicates} duplicate content, {len(self.skipped)} skipped",
        ]
        if set(self.formats) - {"text"}:  # a line for runs that read more than text
            out.append("formats: " + ", ".join(f"{n} {f}" for f, n in sorted(self.formats.items())))
        out += [
            f"forms: {self.forms}, indicators: {self.indicators}",
            f"issues: {by_severity}",
            f"reconciliation: {seen} = {self.status['parsed']} parsed + {self.status['partial']} "
            f"partial + {self.status['failed']} failed + {self.unchanged} unchanged + {self.duplicates} duplicates "
            f"+ {len(self.skipped)} skipped",
        ]
        if self.warehouse is not None:
            by_status, forms, indicators = self.warehouse
            n_documents = sum(by_status.values())
            statuses = ", ".join(
                f"{by_status[s]} {s}" for s in ("parsed", "partial", "failed") if by_status[s]
            )
            out.append(
                f"in the warehouse now: {n_documents} documents"
                + (f" ({statuses})" if statuses else "")
                + f", {forms} forms, {indicators} indicators"
            )
        out += [f"skipped {path}: {reason}" for path, reason in self.skipped]
        out += self.notes
        if self.n_notes > len(self.notes):
            out.append(
                f"… and {self.n_notes - len(self.notes)} more documents with problems: see raw.parse_issues"
            )
        return out

    def recount_as_failed(self, document: Parsed, record: Parsed) -> None:
        """A counted document whose rows could not be loaded: only ``record`` (no forms) was."""
        self.status[document.status] -= 1
        self.forms -= document.rows["projects"]
        self.indicators -= document.rows["indicators"]
        self.status[record.status] += 1
        self.issues.update(record.severities)
        self.note(record.note)

    def count(self, document: Parsed) -> None:
        self.documents += 1
        self.status[document.status] += 1
        self.formats[document.file_format] += 1
        self.forms += document.rows["projects"]
        self.indicators += document.rows["indicators"]
        self.issues.update(document.severities)
        self.note(document.note)

    def note(self, line: str | None) -> None:
        if line:
            self.n_notes += 1
            if len(self.notes) < MAX_NOTES:
                self.notes.append(line)


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def document_note(document: Document) -> str | None:
    """One line for a document that failed or parsed partly, or whose bytes were damaged."""
    status = document.status.value
    file_level = [i for i in document.issues if i.form_seq is None and i.severity is not Severity.INFO]
    if status == "parsed" and not file_level:
        return None
    worst = min(document.issues, key=lambda i: _RANK[i.severity], default=None)
    if status == "parsed":
        worst = min(file_level, key=lambda i: _RANK[i.severity])
    if worst is None:
        return f"{status} {document.source_path}"
    # a binary file's issues cite their cell or page in the message; its line numbers are internal
    where = f" (line {worst.line_no})" if worst.line_no and document.file_format == "text" else ""
    more = f" (+{len(document.issues) - 1} more issues)" if len(document.issues) > 1 else ""
    return f"{status} {document.source_path}: {worst.code}{where}: {worst.message}{more}"


@dataclass(frozen=True)
class Unchanged:
    """A file whose exact content is already in the warehouse, parsed by this parser version."""

    document_id: str
    source_path: str


@dataclass(frozen=True)
class Skipped:
    """A file discovery listed but that could not be read."""

    source_path: str
    reason: str


@dataclass(frozen=True)
class Unpacked:
    """A ZIP archive whose files follow as results of their own."""

    source_path: str
    n_members: int


@dataclass(frozen=True)
class Parsed:
    """A file read into a document, as the worker that parsed it sends it: what the run's summary
    counts, and where its rows are in the Arrow tables of the worker's chunk of files (``tables``,
    shared by the chunk's documents and pickled once). The parent never sees the forms."""

    document_id: str
    source_path: str
    status: str
    file_format: str
    severities: Counter  # the document's issues by severity
    note: str | None  # its line in the summary, when it needs a look
    tables: dict[str, pa.Table]
    start: dict[str, int]  # its first row in each table
    rows: dict[str, int]  # its rows in each table

    def own_tables(self) -> dict[str, pa.Table]:
        return {name: table.slice(self.start[name], self.rows[name]) for name, table in self.tables.items()}


Read = Document | Unchanged | Skipped | Unpacked  # a file's results in the worker
Result = Parsed | Unchanged | Skipped | Unpacked  # what the worker sends
_known_ids: frozenset[str] = frozenset()
_max_file_bytes: int = MAX_FILE_BYTES
_ocr: bool = True


# Allocations between young-generation collections in a worker. Parsing allocates millions of
# short-lived cells, tokens and tuples, and makes no reference cycles (reference counting frees
# all of it); at CPython's 700 the collector still ran thousands of times per worker, and its full
# collections walked every cached cell text again: 1.8 s of a 1000-document share, 0.13 s at this.
GC_YOUNG_THRESHOLD = 20_000


def _init_worker(known_ids: frozenset[str], max_file_bytes: int = MAX_FILE_BYTES, ocr: bool = True) -> None:
    global _known_ids, _max_file_bytes, _ocr
    _known_ids, _max_file_bytes, _ocr = known_ids, max_file_bytes, ocr
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def read_and_parse(path: Path) -> list[Read]:
    """One file's results: its document (or unchanged, or skipped), or an archive's members'."""
    from .formats import ZIP, sniff

    try:
        data, document_id, size_over_limit = _read_file(path, _max_file_bytes)
    except OSError as exc:
        return [Skipped(str(path), f"unreadable: {exc.strerror or exc}")]
    if document_id in _known_ids:
        return [Unchanged(document_id, str(path))]
    if size_over_limit is not None:
        return [too_large_document(document_id, str(path), size_over_limit, _max_file_bytes)]
    if sniff(data, str(path)) == ZIP:
        return _unpack(data, str(path), document_id)
    return [_parse(data, str(path), document_id)]


def _parse(data: bytes, path: str, document_id: str) -> Document:
    from .parse import parse_bytes

    return parse_bytes(data, path, ocr=_ocr, document_id=document_id)


def _unpack(data: bytes, archive_path: str, archive_id: str) -> list[Read]:
    """An archive's files, each read like a file of a folder; the archive itself a failed
    document when it is refused (whatever of it was read before that is kept)."""
    from .formats import ZIP, sniff
    from .formats.archive import ArchiveRefused, members

    results: list[Read] = []
    try:
        for member in members(data, _max_file_bytes):
            path = f"{archive_path}!/{member.path}"
            if member.hidden:
                results.append(Skipped(path, "hidden file in the archive"))
            elif member.data is None:
                member_id = hashlib.sha256(f"{archive_id}!/{member.path}".encode()).hexdigest()
                results.append(_failed(member_id, path, 0, "unsafe_archive_member", member.refused or ""))
            elif (member_id := hashlib.sha256(member.data).hexdigest()) in _known_ids:
                results.append(Unchanged(member_id, path))
            elif sniff(member.data, member.path) == ZIP:
                message = "a ZIP archive inside the archive: unpack it and ingest its files"
                results.append(_failed(member_id, path, len(member.data), "nested_archive", message))
            else:
                results.append(_parse(member.data, path, member_id))
    except ArchiveRefused as exc:
        refused = _failed(archive_id, archive_path, len(data), exc.code, str(exc))
        # found out part-way (a size that lied): what was read is kept, the archive's row counted with it
        return [Unpacked(archive_path, len(results) + 1), *results, refused] if results else [refused]
    return [Unpacked(archive_path, len(results)), *results]


def _failed(document_id: str, source_path: str, size: int, code: str, message: str) -> Document:
    return Document(
        document_id, source_path, size, None, UNKNOWN, issues=[Issue(Severity.ERROR, code, message)]
    )


def _hash_rest(f, head: bytes) -> tuple[str, int]:
    """sha256 and size of a file whose first bytes are ``head``, reading the rest in chunks."""
    digest, size = hashlib.sha256(head), len(head)
    while chunk := f.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def too_large_document(document_id: str, source_path: str, size: int, limit: int) -> Document:
    message = (
        f"the file is {size / 2**20:.1f} MiB, over the {limit / 2**20:.0f} MiB limit: recorded, not parsed "
        "(split it, or raise the limit with --max-file-mb)"
    )
    return Document(
        document_id,
        source_path,
        size,
        None,
        UNKNOWN,
        issues=[Issue(Severity.ERROR, "file_too_large", message)],
    )


def parse_all(
    files: list[Path],
    known_ids: frozenset[str],
    jobs: int,
    max_file_bytes: int = MAX_FILE_BYTES,
    ocr: bool = True,
) -> Iterator[Result]:
    """Results for ``files``: first the files whose content is loaded already, then the others
    parsed, in the order of ``files`` however the work is scheduled.

    The known files are found here, by hash, before any worker starts: a re-ingest of unchanged
    files starts no pool, and their paths reach the loader's first batch, before a new document
    can take over a path that a moved one held (the old one would be collected as orphaned).
    """
    if known_ids:
        new = []
        for path in files:
            unchanged = _unchanged(path, known_ids, max_file_bytes)
            if unchanged is None:
                new.append(path)
            else:
                yield unchanged
        files = new
    if jobs <= 1 or len(files) < SERIAL_BELOW:
        thresholds = gc.get_threshold()  # parsing here: the caller's process gets its own back
        _init_worker(known_ids, max_file_bytes, ocr)
        try:
            for path in files:  # one file at a time, its rows built as soon as it is read
                yield from _with_rows(read_and_parse(path))
        finally:
            gc.set_threshold(*thresholds)
        return
    from concurrent.futures import ProcessPoolExecutor

    from . import raw_tables  # noqa: F401  (imported before the workers fork: they share it)

    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(known_ids, max_file_bytes, ocr)
    ) as pool:
        # Not pool.map: it submits every file at once, and finished results wait in memory for
        # their turn however far loading has fallen behind. Here at most IN_FLIGHT chunks per
        # worker are queued or waiting, so memory stays flat with any number of files.
        pending: deque = deque()
        try:
            for start in range(0, len(files), CHUNK):
                pending.append(pool.submit(_read_and_parse_chunk, files[start : start + CHUNK]))
                if len(pending) >= jobs * IN_FLIGHT:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _read_file(path: Path, max_file_bytes: int) -> tuple[bytes, str, int | None]:
    """The file's bytes (never more than the limit + 1 in memory), its content hash, and its size
    when it is over the limit (hashed in chunks, not read whole); else None. Raises OSError."""
    with open(path, "rb") as f:
        # its size first: read(n) allocates n bytes, and the limit is 16 MB, for every file
        size = os.fstat(f.fileno()).st_size
        data = f.read(min(size, max_file_bytes) + 1)
        if size < len(data) <= max_file_bytes:  # it grew while read: the rest, up to the limit
            data += f.read(max_file_bytes + 1 - len(data))
        if len(data) > max_file_bytes:
            digest, size = _hash_rest(f, data)
            return data, digest, size
    return data, hashlib.sha256(data).hexdigest(), None


def _unchanged(path: Path, known_ids: frozenset[str], max_file_bytes: int) -> Unchanged | None:
    """The file as Unchanged when its content is loaded already; None for the workers to read
    (also when it cannot be read: they record why)."""
    try:
        _, document_id, _ = _read_file(path, max_file_bytes)
    except OSError:
        return None
    return Unchanged(document_id, str(path)) if document_id in known_ids else None


def _read_and_parse_chunk(paths: list[Path]) -> list[Result]:
    """A chunk of files read, their documents' rows built here into one set of Arrow tables."""
    return _with_rows([result for path in paths for result in read_and_parse(path)])


def _with_rows(results: list[Read]) -> list[Result]:
    """The documents among ``results`` as ``Parsed``: their rows in one set of Arrow tables."""
    from .raw_tables import NOT_LOADED_YET, row_counts, to_tables

    tables = to_tables([result for result in results if isinstance(result, Document)], NOT_LOADED_YET)
    start = dict.fromkeys(tables, 0)
    out: list[Result] = []
    for result in results:
        if not isinstance(result, Document):
            out.append(result)
            continue
        rows = row_counts(result)
        severities = Counter(issue.severity.value for issue in result.issues)
        out.append(
            Parsed(
                result.document_id,
                result.source_path,
                result.status.value,
                result.file_format,
                severities,
                document_note(result),
                tables,
                dict(start),
                rows,
            )
        )
        start = {name: start[name] + rows[name] for name in start}
    if start != {name: table.num_rows for name, table in tables.items()}:
        raise AssertionError(f"row counts {start} do not match the tables to_tables built")
    return out


def _batch_tables(batch: list[Parsed]) -> dict[str, pa.Table]:
    """The batch's rows: each chunk's tables whole where all its documents are in the batch in
    turn (the usual case), else the documents' slices."""
    import pyarrow as pa

    pieces: dict[str, list[pa.Table]] = {name: [] for name in batch[0].tables}
    runs: list[list[Parsed]] = []
    for parsed in batch:
        last = runs[-1][-1] if runs else None
        follows = last is not None and last.tables is parsed.tables
        if follows and all(last.start[n] + last.rows[n] == parsed.start[n] for n in pieces):
            runs[-1].append(parsed)
        else:
            runs.append([parsed])
    for run in runs:
        first, last = run[0], run[-1]
        for name, table in first.tables.items():
            length = last.start[name] + last.rows[name] - first.start[name]
            whole = first.start[name] == 0 and length == table.num_rows
            pieces[name].append(table if whole else table.slice(first.start[name], length))
    return {name: pa.concat_tables(tables) for name, tables in pieces.items()}


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_paths(
    paths: list[str],
    db_path: Path,
    jobs: int | None = None,
    progress: Callable[[int], object] | None = None,
    batch_size: int = BATCH_SIZE,
    max_file_bytes: int = MAX_FILE_BYTES,
    on_start: Callable[[int], object] | None = None,
    ocr: bool = True,
) -> IngestSummary:
    """Ingest every file under paths; ``on_start(n_files)`` once they are found, ``progress(1)`` per file."""
    found = discover(paths)
    if on_start:
        on_start(len(found.files))
    summary = IngestSummary(files_seen=len(found.files) + len(found.skipped), skipped=list(found.skipped))
    con = connect(db_path)
    try:
        # DuckDB checkpoints the WAL into the file every 16 MB by default, and a checkpoint's cost
        # grows with the tables: at 8,000 documents that was 12 s of the loader's 30 s of CPU.
        # Every 64 MB: a third of the commit time and less memory (bench/, README "Performance").
        con.execute(f"set checkpoint_threshold = '{CHECKPOINT_MB}MB'")
        # DuckDB caches every block its checkpoints write (48 MB at 8,000 documents): loader peak 387 → 363 MB.
        con.execute(f"set memory_limit = '{MEMORY_LIMIT_MB}MB'")
        ensure_raw_schema(con)
        known = frozenset(
            row[0]
            for row in con.execute(
                "select document_id from raw.documents where parser_version = ?", [PARSER_VERSION]
            ).fetchall()
        )
        seen: set[str] = set()
        more_paths: list[tuple[str, str]] = []  # (document_id, path) of unchanged and duplicate files

        def new_documents() -> Iterator[Parsed]:
            for result in parse_all(found.files, known, jobs or os.cpu_count() or 1, max_file_bytes, ocr):
                if progress and not result.source_path.count("!/"):  # one tick per file, not per member
                    progress(1)
                if isinstance(result, Unpacked):
                    summary.archives += 1
                    summary.members += result.n_members
                elif isinstance(result, Skipped):
                    summary.skipped.append((result.source_path, result.reason))
                elif isinstance(result, Unchanged):
                    summary.unchanged += 1
                    more_paths.append((result.document_id, result.source_path))
                elif result.document_id in seen:
                    summary.duplicates += 1
                    more_paths.append((result.document_id, result.source_path))
                else:
                    seen.add(result.document_id)
                    summary.count(result)
                    yield result

        for batch in _batches(new_documents(), batch_size):
            for document, record in _load_batch(con, batch, more_paths):
                summary.recount_as_failed(document, record)
            more_paths.clear()
        if more_paths:
            load_tables(con, {}, paths=more_paths)
        summary.warehouse = warehouse_counts(con)
    finally:
        con.close()
    return summary


def warehouse_counts(con: duckdb.DuckDBPyConnection) -> tuple[Counter, int, int]:
    """Documents by status, forms and indicators in the warehouse's raw layer."""
    by_status = Counter(
        dict(con.execute("select status, count(*) from raw.documents group by status").fetchall())
    )
    (forms,) = con.execute("select count(*) from raw.projects").fetchone()
    (indicators,) = con.execute("select count(*) from raw.indicators").fetchone()
    return by_status, forms, indicators


def _load_batch(
    con: duckdb.DuckDBPyConnection, batch: list[Parsed], paths: list[tuple[str, str]]
) -> list[tuple[Parsed, Parsed]]:
    """Load a batch in one transaction. If that fails, load its documents one by one, so one bad
    document cannot sink the rest: a document whose rows cannot be loaded is recorded as failed,
    with a ``load_failed`` issue. Returns those (document, record) pairs."""
    from .raw_tables import LOAD_ERRORS

    try:
        load_tables(con, _batch_tables(batch), paths=paths)
        return []
    except LOAD_ERRORS:
        pass
    failed = []
    for parsed in batch:
        own = [(d, p) for d, p in paths if d == parsed.document_id]
        try:
            load_tables(con, parsed.own_tables(), paths=own)
        except LOAD_ERRORS as exc:
            (printed,) = parsed.own_tables()["documents"].to_pylist()
            message = f"the parsed rows could not be loaded: {exc}"
            issue = Issue(Severity.ERROR, "load_failed", message)
            document = Document(
                parsed.document_id,
                parsed.source_path,
                printed["byte_size"],
                printed["encoding"],
                printed["layout"],
                parsed.file_format,
                issues=[issue],
            )
            (record,) = _with_rows([document])
            load_tables(con, record.own_tables(), paths=own)
            failed.append((parsed, record))
    ids = {parsed.document_id for parsed in batch}
    others = [(d, p) for d, p in paths if d not in ids]
    if others:
        load_tables(con, {}, paths=others)
    return failed
