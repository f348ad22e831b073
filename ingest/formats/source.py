"""What every binary-format front-end hands the form reader: lines of cells, each with its provenance.

A front-end (PDF, scan, XLSX, DOCX, HTML) turns a file into ``SourceLine``s: one per table row or
paragraph, its cells joined by tabs (the tab-separated shape of ``ingest/reader/cells.py``), so the
one form reader reads every format. ``ref`` says where the line was read, in the file's own terms
("page 3, row 12", "Sheet1!A14:F14", "table 2, row 5"); ``confidence`` is the lowest OCR score of
its cells, None where the text was not recognised from pixels. ``cells``, where a front-end knows
them, names each cell of the line in the same order ("Sheet1!C14"), so a value can be traced to
its cell rather than only its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Issue


@dataclass(frozen=True, slots=True)
class SourceLine:
    text: str  # the row's cells joined by tabs; no tab or newline inside a cell
    ref: str
    confidence: float | None = None
    cells: tuple[str, ...] = ()  # each cell's own reference, where known

    def cell_ref(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else self.ref


_HAN = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
# A line break between two Han characters (or full-width punctuation) is a wrap inside a word:
# "农村义务\n教育" is 农村义务教育, not "农村义务 教育".
_WRAP_IN_HAN = re.compile(rf"(?<={_HAN})\s*[\r\n]+\s*(?={_HAN})")


def cell_text(value: object) -> str:
    """A cell's text on one line: a wrap between Han characters joins them; other tabs and line
    breaks inside a cell become spaces."""
    if value is None:
        return ""
    text = str(value)
    if "\n" in text or "\r" in text:
        text = _WRAP_IN_HAN.sub("", text)
    return " ".join(text.split())


class SourceLines(list[SourceLine]):
    """A front-end's lines, and the issues it raised reading them (a page it could not read, an OCR
    cell below the confidence threshold); each issue's ``line_no`` is 1-based in these lines."""

    def __init__(self, lines=(), issues=None):
        super().__init__(lines)
        self.issues: list[Issue] = list(issues or [])


class UnreadableFile(Exception):
    """The file cannot be read at all (encrypted, corrupt, over a size limit): the message says why,
    in words for the person who gave it; the document becomes a ``failed`` row."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
