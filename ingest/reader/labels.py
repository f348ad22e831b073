"""What a cell is, by the vocabulary: a form title, a header-field label, any label at all."""

from __future__ import annotations

import re

from ..lexicon import CHECKBOX_EMPTY, CHECKBOX_TICKED, CONTINUATION_SHEETS
from ..memo import memo
from ..model import FormType
from ..traditional import simplified
from . import values as v
from . import vocabulary as vocab
from .categories import header_role, level1_of_text
from .cell import Cell, label_key

MAX_LABEL = 24
_FIELD_PATTERNS = [(re.compile(pattern), attr, rank) for pattern, attr, rank in vocab.FIELD_PATTERNS]


def title_type(cell: Cell) -> FormType | None:
    """The form type a title names (…绩效目标表, …自评表), None for any other cell."""
    return _title_type(cell.key)


_TITLE_WORDS = re.compile("|".join(sorted((re.escape(w) for w, _ in vocab.TITLES), key=len, reverse=True)))


@memo(1 << 14)
def _title_type(key: str) -> FormType | None:
    if len(key) > 60 or any(mark in key for mark in "。,;"):
        return None
    if key.endswith(CONTINUATION_SHEETS):
        return None  # a later sheet of the same form: 申报表(绩效目标)
    if len(_TITLE_WORDS.findall(key)) > 1:
        return None  # "附件:部门整体支出绩效目标表及项目支出绩效目标表": a list of forms, no one's title
    for word, form_type in vocab.TITLES:
        at = key.find(word)
        if at > 0 and any(a in key[:at] and b in key[at:] for a, b in ("《》", "“”")):
            return None  # "按《项目支出绩效目标表》填报": a form's name quoted, not its title
        if at >= 0:
            after = key[at + len(word) : at + len(word) + 2]
            if after in vocab.PROSE_AFTER_LABEL or after.startswith("的"):
                return None  # "…绩效目标表的说明", "关于公开…自评表的通知": a notice about forms
            return FormType(form_type)
    return None


# title_type for a cell's key at hand: a loop over every cell spares the call to title_type
title_type_of_key = _title_type


@memo(1 << 14)
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
    return _is_label(cell.text)


@memo(1 << 15)  # asked of nearly every cell, by several passes: one dict hit on its text
def _is_label(printed: str) -> bool:
    key = label_key(printed)  # the cell's key
    if len(key) > MAX_LABEL:
        return False
    return (
        field_for(key) is not None
        or key in vocab.AMOUNTS
        or key in vocab.FUND_COLUMNS
        or key in vocab.FUND_TOTAL_ROWS
        or key in vocab.FUND_SUB_ROWS
        or key in vocab.STOP_LABELS
        or key == "其中"
        or key in vocab.TOTAL_SCORES
        or header_role(key) is not None
        or level1_of_text(printed) is not None
        or _title_type(key) is not None
    )


def is_project_name_label(cell: Cell) -> bool:
    return (field_for(cell.key) or ("",))[0] == "project_name"


_UNIT_MARKER = re.compile(r"\((万元|元)\)")
_TICKED = frozenset(CHECKBOX_TICKED)
_UNTICKED = frozenset(CHECKBOX_EMPTY)
# A character that is no check box: a cell without one is boxes alone (the search stops at the
# first such character, where a set of the cell's characters would be made of all of them).
_NOT_A_BOX = re.compile("[^" + re.escape(CHECKBOX_TICKED + CHECKBOX_EMPTY) + "]")


def ticked_option(texts: list[str]) -> str | None:
    """The option a tick marks among options and check boxes printed in cells of their own
    ("部门预算项目" "□" "县直专项" "☑"); "" when boxes are printed but none is ticked; None when the
    cells hold no check box at all. A box goes with the option on the side the first box shows."""
    boxes = [k for k, text in enumerate(texts) if (box := text.strip()) and not _NOT_A_BOX.search(box)]
    if not boxes:
        return None
    side = 1 if boxes[0] == 0 else -1
    for k in boxes:
        option = k + side
        if set(texts[k].strip()) & _TICKED and 0 <= option < len(texts) and option not in boxes:
            return texts[option].strip()
    return ""


_UNIT_STATEMENT = re.compile(r"(?:^|单位[:：]?)\s*(?:\()?(万元|元)(?:\))?$")


def unit_statement(cell: Cell) -> str | None:
    """The amount unit a cell states ("单位:万元", "(万元)", "项目资金(万元)"), or None."""
    return _unit_statement(cell.text)


@memo(1 << 14)
def _unit_statement(printed: str) -> str | None:
    key = label_key(printed)
    text = simplified(v.nfkc(printed).replace(" ", ""))  # 單位:萬元 too
    if len(text) > 30:
        return None
    if _UNIT_STATEMENT.search(text) and ("单位" in text or text.startswith("(")):
        return _UNIT_STATEMENT.search(text).group(1)
    marker = _UNIT_MARKER.search(text)
    if marker and key and not v.number(key):
        return marker.group(1)
    return None


# unit_statement of a text at hand, no cell made for it
unit_statement_of_text = _unit_statement
