"""Readers kept for two sample layouts the form reader (ingest/reader) does not read yet: OCR'd
self-evaluations (002) and PDF text in scrambled reading order (003). Every other layout, the
tab-separated, pdftotext and national ones included, is read by the form reader alone. Each takes
the document's lines and returns (forms, issues)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Form, Issue
from . import ocr_self_eval, scrambled

Parser = Callable[[list[str]], tuple[list[Form], list[Issue]]]

PARSERS: dict[str, Parser] = {
    "pdf_scrambled_target": scrambled.parse,
    "tsv_self_eval": ocr_self_eval.parse,
}
