"""An ingest run: discover files, parse them in worker processes, load them in batches of whole documents.

- Parsing is a pure function of a file's bytes, so it runs in a process pool; results come back
  in discovery order (``map`` keeps order), so two runs build identical warehouses.
- A file whose content hash is already loaded by this parser version is not parsed again.
- Documents are loaded in batches (each batch one transaction), so memory stays flat however many
  files there are, and an interrupted run leaves only whole documents behind.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import PARSER_VERSION
from .discover import discover
from .load import connect, ensure_raw_schema, load_documents
from .model import Document, Issue, Severity
from .parse import parse_bytes

BATCH_SIZE = 500  # documents per load transaction
SERIAL_BELOW = 16  # fewer files than this are parsed in-process: a pool costs more than it saves


@dataclass
class IngestSummary:
    files_seen: int = 0
    documents: int = 0
    unchanged: int = 0
    duplicates: int = 0
    forms: int = 0
    indicators: int = 0
    status: Counter = field(default_factory=Counter)
    issues: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.status["failed"] + self.status["partial"]

    def lines(self) -> list[str]:
        by_status = ", ".join(f"{n} {s}" for s, n in sorted(self.status.items())) or "none"
        by_severity = ", ".join(f"{self.issues[s.value]} {s.value}" for s in Severity)
        out = [
            f"files: {self.files_seen} seen, {self.documents} documents parsed ({by_status}), "
            f"{self.unchanged} unchanged, {self.duplicates} duplicate content, {len(self.skipped)} skipped",
            f"forms: {self.forms}, indicators: {self.indicators}",
            f"issues: {by_severity}",
            f"reconciliation: {self.files_seen} seen = {self.status['parsed']} parsed + {self.status['partial']} "
            f"partial + {self.status['failed']} failed + {self.unchanged} unchanged + {self.duplicates} duplicates "
            f"+ {len(self.skipped)} skipped",
        ]
        out += [f"skipped {path}: {reason}" for path, reason in self.skipped]
        return out

    def count(self, document: Document) -> None:
        self.documents += 1
        self.status[document.status.value] += 1
        self.forms += len(document.forms)
        self.indicators += sum(len(form.indicators) for form in document.forms)
        self.issues.update(issue.severity.value for issue in document.issues)


@dataclass(frozen=True)
class Unchanged:
    """A file whose exact content is already in the warehouse, parsed by this parser version."""

    document_id: str
    source_path: str


_known_ids: frozenset[str] = frozenset()


def _init_worker(known_ids: frozenset[str]) -> None:
    global _known_ids
    _known_ids = known_ids


def read_and_parse(path: Path) -> Document | Unchanged:
    try:
        data = path.read_bytes()
    except OSError as exc:
        document = parse_bytes(b"", str(path))
        document.issues = [Issue(Severity.ERROR, "unreadable_file", f"cannot read the file: {exc.strerror}")]
        return document
    document_id = hashlib.sha256(data).hexdigest()
    if document_id in _known_ids:
        return Unchanged(document_id, str(path))
    return parse_bytes(data, str(path))


def parse_all(files: list[Path], known_ids: frozenset[str], jobs: int) -> Iterator[Document | Unchanged]:
    """Parse results in the order of ``files``, however the work is scheduled."""
    if jobs <= 1 or len(files) < SERIAL_BELOW:
        _init_worker(known_ids)
        yield from map(read_and_parse, files)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(known_ids,)) as pool:
        yield from pool.map(read_and_parse, files, chunksize=8)


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
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
) -> IngestSummary:
    found = discover(paths)
    summary = IngestSummary(files_seen=len(found.files) + len(found.skipped), skipped=found.skipped)
    con = connect(db_path)
    try:
        ensure_raw_schema(con)
        known = frozenset(
            row[0]
            for row in con.execute(
                "select document_id from raw.documents where parser_version = ?", [PARSER_VERSION]
            ).fetchall()
        )
        seen: set[str] = set()

        def new_documents() -> Iterator[Document]:
            for result in parse_all(found.files, known, jobs or os.cpu_count() or 1):
                if progress:
                    progress(1)
                if isinstance(result, Unchanged):
                    summary.unchanged += 1
                elif result.document_id in seen:
                    summary.duplicates += 1
                else:
                    seen.add(result.document_id)
                    summary.count(result)
                    yield result

        for batch in _batches(new_documents(), batch_size):
            load_documents(con, batch)
    finally:
        con.close()
    return summary
