"""One document, bytes in, Document out: a pure function of the file's bytes (no I/O but the read)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .decode import decode, split_lines
from .detect import UNKNOWN, detect_layout
from .model import Document, Issue, Severity
from .parsers import PARSERS


def parse_bytes(data: bytes, source_path: str) -> Document:
    document = Document(
        document_id=hashlib.sha256(data).hexdigest(),
        source_path=source_path,
        byte_size=len(data),
        encoding=None,
        layout=UNKNOWN,
    )
    decoded = decode(data)
    document.encoding = decoded.encoding
    document.issues.extend(decoded.issues)
    if decoded.text is None:
        return document
    lines = split_lines(decoded.text.lstrip("\ufeff"))
    document.layout = detect_layout(lines)
    parser = PARSERS.get(document.layout)
    if parser is None:
        document.issues.append(_no_parser_issue(document.layout))
        return document
    try:
        forms, issues = parser(lines)
    except Exception as exc:  # a parser bug must not lose the document: record it and go on
        document.issues.append(
            Issue(
                Severity.ERROR,
                "parser_crashed",
                f"{document.layout} parser failed: {type(exc).__name__}: {exc}",
            )
        )
        return document
    document.forms, document.issues = forms, document.issues + issues
    if not forms:
        document.issues.append(
            Issue(
                Severity.ERROR,
                "no_form_found",
                f"layout {document.layout}, but no form title or form table found",
            )
        )
    return document


def parse_path(path: Path, source_path: str | None = None) -> Document:
    return parse_bytes(Path(path).read_bytes(), source_path or str(path))


def _no_parser_issue(layout: str) -> Issue:
    if layout == UNKNOWN:
        message = "no known form layout recognised (no 绩效目标表 / 绩效自评表 labels found)"
        return Issue(Severity.ERROR, "unknown_layout", message)
    return Issue(
        Severity.ERROR,
        "layout_not_supported",
        f"recognised as layout {layout!r}, which has no parser yet; the document is recorded but not parsed",
    )
