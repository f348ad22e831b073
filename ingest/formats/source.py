"""What every binary-format front-end hands the form reader: lines of cells, each with its provenance.

A front-end (PDF, scan, XLSX, DOCX, HTML) turns a file into ``SourceLine``s: one per table row or
paragraph, its cells joined by tabs (the tab-separated shape of ``ingest/reader/cells.py``), so the
one form reader reads every format. ``ref`` says where the line was read, in the file's own terms
("page 3, row 12", "Sheet1!A14:F14", "table 2, row 5"); ``confidence`` is the lowest OCR score of
its cells, None where the text was not recognised from pixels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceLine:
    text: str  # the row's cells joined by tabs; no tab or newline inside a cell
    ref: str
    confidence: float | None = None


def cell_text(value: object) -> str:
    """A cell's text on one line: tabs and line breaks inside a cell become spaces."""
    if value is None:
        return ""
    return " ".join(str(value).split())
