"""What a cell is, by the vocabulary: a form title, a header-field label, any label at all."""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import CONTINUATION_SHEETS
from ..model import FormType
from . import vocabulary as vocab
from .categories import header_role, level1_of
from .cells import Cell

MAX_LABEL = 24
_FIELD_PATTERNS = [(re.compile(pattern), attr, rank) for pattern, attr, rank in vocab.FIELD_PATTERNS]


def title_type(cell: Cell) -> FormType | None:
    """The form type a title names (…绩效目标表, …自评表), None for any other cell."""
    return _title_type(cell.key)


@lru_cache(maxsize=1 << 14)
def _title_type(key: str) -> FormType | None:
    if len(key) > 60 or any(mark in key for mark in "。,;"):
        return None
    if key.endswith(CONTINUATION_SHEETS):
        return None  # a later sheet of the same form: 申报表(绩效目标)
    for word, form_type in vocab.TITLES:
        if word in key:
            return FormType(form_type)
    return None


@lru_cache(maxsize=1 << 14)
def field_for(key: str) -> tuple[str, int] | None:
    """The header field a label names, with its rank (which of two labels wins), or None."""
    if key in vocab.FIELDS:
        return vocab.FIELDS[key], vocab.FIELD_PRIORITY.get(key, 2)
    if len(key) <= 16:
        for pattern, attr, rank in _FIELD_PATTERNS:
            if pattern.match(key):
                return attr, rank
    return None


def is_label(cell: Cell) -> bool:
    key = cell.key
    if len(key) > MAX_LABEL:
        return False
    return (
        field_for(key) is not None
        or key in vocab.AMOUNTS
        or key in vocab.FUND_COLUMNS
        or key in vocab.FUND_TOTAL_ROWS
        or key in vocab.FUND_SUB_ROWS
        or key in vocab.STOP_LABELS
        or key in ("其中", vocab.TOTAL_SCORE)
        or header_role(key) is not None
        or level1_of(cell) is not None
        or title_type(cell) is not None
    )


def is_project_name_label(cell: Cell) -> bool:
    return (field_for(cell.key) or ("",))[0] == "project_name"
