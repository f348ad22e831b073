"""Which layout family a document belongs to, from its labels and structure (never its file name)."""

from __future__ import annotations

import re
import unicodedata

from . import lexicon
from .model import UNKNOWN
from .text import WIDE_PUNCTUATION, fold

# The keywords looked for are Chinese words and half-width punctuation. Folding a whole document
# (NFKC over ~50 KB) took 8 % of a bench ingest's py-spy samples; the common full-width punctuation is
# replaced directly, and NFKC runs only where other compatibility characters remain (PDF text's Kangxi
# radicals "⾃", full-width digits).
_COMPATIBILITY = re.compile(r"[\u2e80-\u2fdf\u3000\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

# A flattened form holds its indicator header, category labels and rows on one line: many tokens.
_FLAT_MIN_TOKENS = 20
# One cell per line: of the lines after the indicator header, at most this share hold several tokens.
_ROWS_LOOKED_AT = 30
_MAX_SPACED_SHARE = 0.3


def detect_layout(lines: list[str]) -> str:
    """Layout family name: the text's shape, recorded with the document; a front-end of the form
    reader is registered for some (``parse.FRONT_ENDS``)."""
    content = [line for line in lines if line.strip()]
    if not content:
        return UNKNOWN
    tabbed = sum("\t" in line for line in content) / len(content)
    text = _keyword_text("".join(content[:3000]))
    is_self_eval = "自评表" in text or ("年初预算数" in text and "全年执行" in text)
    is_target = "绩效目标" in text and ("预算" in text or "指标" in text)
    if is_self_eval:
        if tabbed >= 0.3:
            return "tsv_self_eval"
        return f"{_stream_kind(content) or 'text'}_self_eval"
    if not is_target and "一级" not in text:
        return UNKNOWN
    if tabbed >= 0.3:
        district = "项目构成分解" in text or "(项目总体情况)" in text or "金额单位:万元" in text
        return "tsv_district_target" if district else "tsv_target"
    stream = _stream_kind(content)
    if stream:
        return f"{stream}_target"
    if "上海市财政支出项目绩效目标申报表" in text or "子项目名称" in text:
        return "pdf_scrambled_target"
    return "pdftext_target"


def _keyword_text(joined: str) -> str:
    """The text as ``text.fold`` would give it for the keywords below: NFKC, no whitespace."""
    text = joined
    for wide, narrow in WIDE_PUNCTUATION:  # str.replace runs in C; translate with a table would not
        text = text.replace(wide, narrow)
    if _COMPATIBILITY.search(text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


# OCR of a scanned self-evaluation cuts its row labels into cells: "项目 | 名称", "主管 | 部门".
_SPLIT_LABELS = (("项目", "名称"), ("主管", "部门"))


def labels_split_by_ocr(lines: list[str]) -> bool:
    """The text shows the OCR damage the tab-separated self-evaluation front-end repairs; a clean
    tab-separated form (an export, a converted sheet) is read by the form reader."""
    for line in lines[:300]:
        if "\t" not in line or ("名称" not in line and "部门" not in line):
            continue  # no two cells, or neither second word: no split label (a substring test in C)
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        if any(pair in _SPLIT_LABELS for pair in zip(cells, cells[1:], strict=False)):
            return True
    return False


def _stream_kind(content: list[str]) -> str | None:
    """'flat' when a line holds a whole indicator table (header cells, category labels and rows run
    together); 'cell_lines' when the table header is printed one cell per line; else None."""
    for line in content:
        words = line.split()
        if len(words) < _FLAT_MIN_TOKENS:
            continue  # too short to be flat: its words need no folding
        tokens = [fold(token) for token in words]
        if _is_table_header(tokens) and any(t in lexicon.LEVEL1_LABELS for t in tokens):
            return "flat"
    keys = [fold(line) for line in content]
    for k in range(len(keys) - 2):
        if keys[k] not in lexicon.INDICATOR_HEADER:
            continue  # most lines: no header cell, decided before slicing the window
        header = keys[k : k + 3]
        if not (all(key in lexicon.INDICATOR_HEADER for key in header) and _is_table_header(keys[k : k + 4])):
            continue
        # The rows' cells are on lines of their own too: pdftotext output that happens to print its
        # header one word per line still has "name target" rows.
        following = content[k + 3 : k + 3 + _ROWS_LOOKED_AT]
        if sum(len(line.split()) > 1 for line in following) <= len(following) * _MAX_SPACED_SHARE:
            return "cell_lines"
    return None


def _is_table_header(keys: list[str]) -> bool:
    roles = {lexicon.INDICATOR_HEADER.get(key) for key in keys}
    return "name" in roles and ("level1" in roles or "target" in roles)
