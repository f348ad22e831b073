"""The reader kept for a sample layout the form reader (ingest/reader) does not read yet: PDF text in
scrambled reading order (003). Every other layout, the tab-separated, pdftotext, national and OCR'd
ones included, is read by the form reader alone (OCR'd text through its front-end,
``reader/ocr_cells``). Each takes the document's lines and returns (forms, issues)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Form, Issue
from . import scrambled

Parser = Callable[[list[str]], tuple[list[Form], list[Issue]]]


PARSERS: dict[str, Parser] = {
    "pdf_scrambled_target": scrambled.parse,
}
