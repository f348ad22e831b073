"""Parsers by layout family. Each takes the document's lines and returns (forms, issues)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Form, Issue
from . import ocr_self_eval, pdftext, scrambled, tsv

Parser = Callable[[list[str]], tuple[list[Form], list[Issue]]]

PARSERS: dict[str, Parser] = {
    "tsv_target": tsv.parse,
    "tsv_district_target": tsv.parse,
    "pdftext_target": pdftext.parse,
    "pdf_scrambled_target": scrambled.parse,
    "tsv_self_eval": ocr_self_eval.parse,
}
