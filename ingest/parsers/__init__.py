"""The reader kept for one sample layout the form reader (ingest/reader) does not read yet: OCR'd
self-evaluations (002). Every other layout, the tab-separated, pdftotext and national ones and PDF
text in scrambled reading order (003, through the front-end ``reader.reorder``) included, is read by
the form reader. Each takes the document's lines and returns (forms, issues)."""

from __future__ import annotations

from collections.abc import Callable

from ..detect import labels_split_by_ocr
from ..model import Form, Issue
from . import ocr_self_eval

Parser = Callable[[list[str]], tuple[list[Form], list[Issue]]]


def _ocr_self_evaluations(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    """Only text with OCR's damage (labels cut into cells): a clean tab-separated self-evaluation,
    an export or a converted sheet, is the form reader's."""
    return ocr_self_eval.parse(lines) if labels_split_by_ocr(lines) else ([], [])


PARSERS: dict[str, Parser] = {
    "tsv_self_eval": _ocr_self_evaluations,
}
