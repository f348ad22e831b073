"""An ingest run: discover files, parse each, load them all into raw.* in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .discover import discover
from .load import connect, load_documents
from .model import Document, Issue, Severity
from .parse import parse_bytes


@dataclass
class IngestSummary:
    files_seen: int = 0
    documents: int = 0
    duplicates: int = 0
    forms: int = 0
    indicators: int = 0
    status: Counter = field(default_factory=Counter)
    issues: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        by_status = ", ".join(f"{n} {s}" for s, n in sorted(self.status.items())) or "none"
        by_severity = ", ".join(f"{self.issues[s.value]} {s.value}" for s in Severity)
        out = [
            f"files: {self.files_seen} seen, {self.documents} documents ({by_status}), "
            f"{self.duplicates} duplicate content, {len(self.skipped)} skipped",
            f"forms: {self.forms}, indicators: {self.indicators}",
            f"issues: {by_severity}",
        ]
        out += [f"skipped {path}: {reason}" for path, reason in self.skipped]
        return out


def read_and_parse(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        document = parse_bytes(b"", str(path))
        document.issues = [Issue(Severity.ERROR, "unreadable_file", f"cannot read the file: {exc.strerror}")]
        return document
    return parse_bytes(data, str(path))


def ingest_paths(
    paths: list[str], db_path: Path, progress: Callable[[int], object] | None = None
) -> IngestSummary:
    found = discover(paths)
    summary = IngestSummary(files_seen=len(found.files) + len(found.skipped), skipped=found.skipped)
    documents: dict[str, Document] = {}
    for path in found.files:
        document = read_and_parse(path)
        if document.document_id in documents:
            summary.duplicates += 1
        else:
            documents[document.document_id] = document
        if progress:
            progress(1)
    for document in documents.values():
        summary.documents += 1
        summary.status[document.status.value] += 1
        summary.forms += len(document.forms)
        summary.indicators += sum(len(form.indicators) for form in document.forms)
        summary.issues.update(issue.severity.value for issue in document.issues)
    con = connect(db_path)
    try:
        load_documents(con, documents.values())
    finally:
        con.close()
    return summary
