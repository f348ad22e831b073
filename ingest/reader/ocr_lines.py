"""The self-evaluation reader's view of a line, and the cut of a document into forms.

Every part of the OCR front-end (``ocr_cells`` and its ``ocr_*`` modules)
looks at lines the same way, so that way is defined once, here:

- a line's **cells** (tab-separated, OCR-cleaned by ``ocr_repair.clean_cell``) and their ``fold``ed
  text (NFKC, no whitespace) that labels are matched on;
- the **line kinds** a self-evaluation form is made of: title, 项目名称 and 主管部门 lines, the fund
  block's header and 年度资金总额 row, the indicator table's header, 总分 and 评分等级;
- **where each form starts** (``split_forms``): at a title, a 项目名称 line, or a 主管部门 / fund
  block / indicator header that the current form already has;
- ``FormIssues``, the document's issue list as one form's readers add to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import lexicon
from ..memo import memo
from ..model import Issue, Severity
from ..text import normalize_nfkc
from .ocr_repair import clean_cell

_SPACE = re.compile(r"\s+")


@memo(1 << 14)  # pure, and called on the same cells many times per form
def fold(text: str) -> str:
    return _SPACE.sub("", normalize_nfkc(text))


@memo(1 << 12)  # the reader looks at each line many times while it places rows
def _cells_of(line: str) -> tuple[str, ...]:
    return tuple(clean_cell(cell) for cell in line.split("\t"))


def cells_of(line: str) -> list[str]:
    return list(_cells_of(line))  # a fresh list: callers may edit it


# --- line kinds -----------------------------------------------------------------------------------


def is_title(cells: list[str]) -> bool:
    text = fold("".join(cells))
    return len(text) <= 60 and "自评表" in text


def is_project_line(cells: list[str]) -> bool:
    return fold("".join(cells)).startswith("项目名称")


def is_supervisor_line(cells: list[str]) -> bool:
    return fold("".join(cells)).startswith("主管部门")


def is_fund_header(cells: list[str]) -> bool:
    return "年初预算数" in fold("".join(cells))


def is_fund_total(cells: list[str]) -> bool:
    return any("资金总额" in fold(cell) for cell in cells)


def is_total_line(cells: list[str]) -> bool:
    return any(map(_is_total_cell, cells))


@memo(1 << 14)  # asked of every cell of every row while rows are read
def _is_total_cell(cell: str) -> bool:
    return lexicon.SELF_EVAL_TOTAL_LABEL in cell.split() or fold(cell) == "总分"


def is_grade_line(cells: list[str]) -> bool:
    text = fold("".join(cells[:3]))
    return text.startswith("评分等") or "评分等级" in text


def indicator_header_roles(cells: list[str]) -> dict[int, list[str]]:
    """Roles of a self-evaluation indicator header's cells; a merged cell may hold several."""
    roles: dict[int, list[str]] = {}
    for col, cell in enumerate(cells):
        found = _header_roles_of(fold(cell))
        if found:
            roles[col] = list(found)
    return roles


@memo(1 << 14)  # every line of a document is tested for a header, most cells repeat
def _header_roles_of(key: str) -> tuple[str, ...]:
    found: list[str] = []
    for word, role in lexicon.SELF_EVAL_INDICATOR_HEADER_WORDS:
        if word in key and role not in found:
            found.append(role)
    return tuple(found)


def is_indicator_header(cells: list[str]) -> bool:
    roles = {role for found in indicator_header_roles(cells).values() for role in found}
    return len(roles) >= 4 and bool(roles & {"target", "actual"}) and bool(roles & {"weight", "score"})


@memo(1 << 14)  # split_forms, OcrForm.read, the table and the fund block each ask it of a line
def is_indicator_header_line(line: str) -> bool:
    return is_indicator_header(_cells_of(line))


@memo(1 << 14)  # split_forms, then OcrForm.read, ask it of every line
def line_kind(line: str) -> str | None:
    """What a line opens: "title", "project", "supervisor", "fund" or "table" (the first that
    holds, in that order), None for any other line."""
    cells = _cells_of(line)
    if is_title(cells):
        return "title"
    if is_project_line(cells):
        return "project"
    if is_supervisor_line(cells):
        return "supervisor"
    if is_fund_header(cells):
        return "fund"
    if is_indicator_header_line(line):
        return "table"
    return None


_YEAR_LINE = re.compile(r"[(（]?\d{4}年度?[)）]?")


def is_year_line(cells: list[str]) -> bool:
    """'（2023年度）' printed on its own line under the title."""
    return _YEAR_LINE.fullmatch(fold("".join(cells))) is not None


# --- forms in a document ------------------------------------------------------------------------------


@dataclass
class Span:
    start: int  # 0-based first line
    end: int  # exclusive
    has_head: bool  # starts at a title or 项目名称 line (not cut off at the top)


def split_forms(lines: list[str]) -> list[Span]:
    starts: list[tuple[int, bool]] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if not any(_cells_of(line)):
            continue
        kind = line_kind(line)
        if kind is None:
            continue
        opens_new = {
            "title": {"title", "project", "fund", "table"},
            "project": {"project", "fund", "table"},
            "supervisor": {"supervisor", "fund", "table"},
            "fund": {"fund", "table"},
            "table": {"table"},
        }[kind]
        if not starts or seen & opens_new:
            starts.append((i, kind in {"title", "project"}))
            seen = set()
        seen.add(kind)
    return [
        Span(start, starts[k + 1][0] if k + 1 < len(starts) else len(lines), has_head)
        for k, (start, has_head) in enumerate(starts)
    ]


# --- what the front-end read of one form ------------------------------------------------------------------


@dataclass
class RepairedForm:
    """One form's text as the front-end repaired it, to be written back as clean cells
    (``ocr_cells.OcrForm.write``) for the form reader: values as printed, no reading of the form."""

    line_start: int
    line_end: int
    fiscal_year: int | None = None
    project_name: str | None = None
    supervisor_name: str | None = None
    unit_name: str | None = None
    amount_unit: str | None = None
    initial_budget: Decimal | None = None  # the 年度资金总额 row's figures, joined where OCR split them
    full_year_budget: Decimal | None = None
    executed: Decimal | None = None
    execution_rate_stated: Decimal | None = None
    total_score: Decimal | None = None
    grade: str | None = None


# --- issues of one form ---------------------------------------------------------------------------------


@dataclass
class FormIssues:
    """The document's issue list as one form adds to it: every issue carries the form's number."""

    document: list[Issue]
    seq: int

    def add(self, severity: Severity, code: str, message: str, line_no: int | None = None) -> None:
        self.document.append(Issue(severity, code, message, line_no, self.seq))
