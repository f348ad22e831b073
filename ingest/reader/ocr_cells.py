"""OCR'd self-evaluations (项目支出绩效自评表 scanned and OCR'd into tab-separated text): a front-end
that repairs what OCR did to the text's shape and hands the form reader clean rows of cells.

OCR of a printed table cuts labels and values into several cells ("项目 | 名称", "立法后评 | 估报告"),
breaks one table row over several lines (a wrapped name or 偏差原因, a category label printed a
few characters a line beside its rows), misreads characters (扌旨标 for 指标, "L | _海市房屋管理 | 局"
for a unit name) and splits figures ("2,594.8 | 4"). The front-end puts each form back together,
line for line where it was printed, as the clean tab-separated form the reader reads everywhere:

- the title the scan's crop left off (项目支出绩效自评表, with the year the form's text implies) on a
  form's first row, where the form starts at its 项目名称 row; a form cut off above has none;
- ``项目名称 | name`` and ``主管部门 | … | 实施单位 | …`` on the lines that print them (``ocr_head``:
  labels read across cells, unit names matched against ``ingest/known_units.csv``);
- the fund block's header and its 年度资金总额 row, figures joined where OCR split them and its
  unit label (项目资金（万元）) restored where OCR cut it;
- the indicator table's header, then one row per indicator on the line where the row starts, its
  一级 / 二级 labels reassembled from their pieces (``ocr_table``, ``ocr_rows``, ``ocr_levels``);
- 总分 and 评分等级.

Other lines (the goals prose, the fund block's sub-rows) are left empty, so every line keeps its
number. Every repair is an issue; a form whose fiscal year no title states takes the year the
document's forms speak of (``fiscal_year_implied``). ``read_forms`` then reads the fields, the
figures and the table as it reads every other layout. Where a repair leans on the form's
arithmetic (a row read twice, a score moved), the arithmetic is checked here, on the rows repaired.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from .. import lexicon
from ..detect import labels_split_by_ocr
from ..model import Issue, Severity
from .ocr_head import FundBlock, HeadFields
from .ocr_lines import (
    FormIssues,
    RepairedForm,
    Span,
    cells_of,
    fold,
    is_grade_line,
    is_project_line,
    is_supervisor_line,
    is_year_line,
    line_kind,
    split_forms,
)
from .ocr_repair import read_number
from .ocr_rows import place_levels, repair_rows
from .ocr_table import IndicatorTable, Row

_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")
# The clean rows written for the reader: the national self-evaluation template's labels.
FUND_HEADER = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分")
TABLE_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
TITLE = "项目支出绩效自评表"


def ocr_rows(lines: list[str]) -> tuple[list[str], list[Issue]] | None:
    """The lines with OCR's damage repaired, one clean tab-separated row per printed row, and the
    repairs made; None when the text shows no OCR damage (labels cut into cells)."""
    if not labels_split_by_ocr(lines):
        return None
    issues: list[Issue] = []
    readers = [OcrForm(lines, span, seq, issues) for seq, span in enumerate(split_forms(lines), 1)]
    for reader in readers:
        reader.read()
    _settle_fiscal_years(readers)
    _settle_amount_units(readers)
    out = [""] * len(lines)
    for reader in readers:
        reader.write(out)
    return out, issues


def _put(out: list[str], line_no: int, cells: list[str], end: int) -> None:
    """A row on its line (1-based), or the next free line before ``end`` when two share one."""
    k = line_no - 1
    while k < end - 1 and out[k]:
        k += 1
    out[k] = "\t".join(cells)


def _figure(value: Decimal | None) -> str:
    return "" if value is None else str(value)


class OcrForm:
    """One form, top to bottom: each line goes to the head, the fund block or the indicator table;
    then 总分 and 评分等级, and the whole-table row repairs."""

    def __init__(self, lines: list[str], span: Span, seq: int, issues: list[Issue]):
        self.lines = lines
        self.span = span
        self.seq = seq
        self.issues = FormIssues(issues, seq)
        self.form = RepairedForm(line_start=span.start + 1, line_end=span.end)
        self.title_year: int | None = None
        self.years_mentioned: list[tuple[int, int]] = []  # (year, line_no)
        self.head = HeadFields(self.issues)
        self.fund = FundBlock(lines, span, self.form, self.issues)
        self.table = IndicatorTable(lines, span, self.issues)
        self.total_weight: Decimal | None = None
        self.total_at: int | None = None  # 0-based line of 总分
        self.grade_line: int | None = None
        self.head_lines: list[int] = []  # 1-based lines of 项目名称 and 主管部门
        self.fund_header_at: int | None = None
        self.table_at: int | None = None
        self.rows: list[Row] = []  # the table's rows, repaired

    def read(self) -> None:
        form = self.form
        last_content = self.span.start
        for i in range(self.span.start, self.span.end):
            cells = cells_of(self.lines[i])
            if not any(cells):
                continue
            last_content = i
            # every year ends in 年: a substring test in C spares the regex most lines
            for match in _YEAR_IN_TEXT.finditer(self.lines[i]) if "年" in self.lines[i] else ():
                self.years_mentioned.append((int(match.group(1)), i + 1))
            if self.table_at is not None:
                continue
            kind = line_kind(self.lines[i])  # split_forms asked first: answered once per line
            if kind == "title" or is_year_line(cells):
                year = _YEAR_IN_TEXT.search(fold("".join(cells)))
                self.title_year = int(year.group(1)) if year else self.title_year
            elif kind in ("project", "supervisor"):
                self.head.read_line(cells, i + 1)
                self.head_lines.append(i + 1)
            elif kind == "fund":
                self.fund_header_at = i
                self.fund.read(i)
            elif kind == "table":
                self.table_at = i
        form.line_end = last_content + 1
        if self.table_at is not None:
            self.total_at = self.table.read(self.table_at)
        self._read_total_and_grade()
        self.head.settle(form)
        rows = self.table.rows
        repair_rows(rows, self._expected_indicator_weight(), self.issues)
        place_levels(rows, self.table.pieces, self.issues, form.line_start)
        self.rows = [row for row in rows if not row.dropped]
        self._check_arithmetic()

    # -- the repaired form as clean rows --

    def write(self, out: list[str]) -> None:
        form, end = self.form, self.span.end
        # a form that starts at its title or 项目名称 row: the title OCR left off the page (the
        # scan's crop), with the year the form's text implies; a form cut off above has none
        title = TITLE + (f"({form.fiscal_year}年度)" if form.fiscal_year else "")
        head = list(dict.fromkeys(self.head_lines))
        project_at = [n for n in head if is_project_line(cells_of(self.lines[n - 1]))][:1]
        # the unit names on their own line, else on the 项目名称 line they ran on in (project_name_cut)
        units_at = [n for n in head if is_supervisor_line(cells_of(self.lines[n - 1]))][:1] or project_at
        for k, line_no in enumerate(head):
            cells = [title] if k == 0 and self.span.has_head else []
            if line_no in project_at:
                cells += ["项目名称", form.project_name or ""]
            if line_no in units_at and (form.supervisor_name or form.unit_name or line_no not in project_at):
                cells += ["主管部门", form.supervisor_name or "", "实施单位", form.unit_name or ""]
            _put(out, line_no, cells, end)
        if self.fund_header_at is not None:
            unit = f"项目资金({form.amount_unit})" if form.amount_unit else "项目资金"
            _put(out, self.fund_header_at + 1, [unit, *FUND_HEADER], end)
            if self.fund.total_line is not None:
                figures = [form.initial_budget, form.full_year_budget, form.executed, self.fund.exec_weight]
                figures += [form.execution_rate_stated, self.fund.exec_score]
                _put(out, self.fund.total_line, ["年度资金总额", *map(_figure, figures)], end)
        if self.table_at is not None:
            _put(out, self.table_at + 1, list(TABLE_HEADER), end)
        for row in self.rows:
            cells = [row.level1 or "", row.level2 or "", row.name or "-", row.target or "-", row.actual or ""]
            cells += [_figure(row.weight), _figure(row.score), row.deviation or ""]
            _put(out, row.line_no, cells, end)
        if self.total_at is not None:
            _put(out, self.total_at + 1, ["总分", _figure(self.total_weight), _figure(form.total_score)], end)
        if self.grade_line is not None:
            _put(out, self.grade_line, ["评分等级", form.grade or ""], end)
        first = next((k for k in range(self.span.start, end) if out[k]), None)
        if first is not None and form.fiscal_year and not self.span.has_head:
            out[first] = (
                f"({form.fiscal_year}年度)\t{out[first]}"  # cut off above its head: the year a title says
            )

    # -- 总分 and 评分等级 --

    def _read_total_and_grade(self) -> None:
        form = self.form
        total_at = self.total_at
        if total_at is not None:
            cells = cells_of(self.lines[total_at])
            figures = self._figures_after_total(cells) if self.table.ghost_line is None else []
            if not figures:
                for j in range(total_at + 1, min(total_at + 3, self.span.end)):
                    following = cells_of(self.lines[j])
                    if any(following) and all(read_number(c) for c in following if c):
                        figures = [read_number(c).value for c in following if c]
                        break
            if len(figures) >= 2:
                self.total_weight, form.total_score = figures[0], figures[1]
            elif len(figures) == 1 and figures[0] != 100:
                form.total_score = figures[0]
        start = (total_at if total_at is not None else self.span.start) + 1
        for j in range(start, self.span.end):
            cells = cells_of(self.lines[j])
            if is_grade_line(cells):
                self.grade_line = j + 1
                grades = {grade for _, grade in lexicon.GRADE_BANDS}
                form.grade = next((fold(cell) for cell in cells if fold(cell) in grades), None)
                break

    @staticmethod
    def _figures_after_total(cells: list[str]) -> list[Decimal]:
        figures = []
        seen_label = False
        for cell in cells:
            for token in cell.split():
                if token == lexicon.SELF_EVAL_TOTAL_LABEL or fold(token) == "总分":
                    seen_label = True
                    continue
                number = read_number(token)
                if seen_label and number and not number.percent:
                    figures.append(number.value)
        return figures

    # -- the arithmetic the repairs lean on --

    def _expected_indicator_weight(self) -> Decimal | None:
        total = self.total_weight if self.total_weight is not None else Decimal(100)
        exec_weight = self.fund.exec_weight
        weight = exec_weight if exec_weight is not None else Decimal(lexicon.EXECUTION_WEIGHT_DEFAULT)
        return total - weight

    def _check_arithmetic(self) -> None:
        form = self.form
        if not self.rows:
            return
        weights = sum((row.weight or Decimal(0)) for row in self.rows)
        scores = sum((row.score or Decimal(0)) for row in self.rows)
        expected = self._expected_indicator_weight()
        if expected is not None and weights != expected:
            self.issues.add(
                Severity.WARNING,
                "weights_do_not_add_up",
                f"indicator weights add up to {weights}, not {expected} (100 less the execution weight)",
                form.line_start,
            )
        exec_score = self.fund.exec_score
        if exec_score is None:
            return
        computed = scores + exec_score
        if form.total_score is None:
            # raw keeps 总分 as printed (blank); marts.fct_self_eval_scores sets the sum beside it
            self.issues.add(
                Severity.WARNING,
                "total_score_not_printed",
                f"总分 prints no figure; left blank (indicator scores {scores} + execution score "
                f"{exec_score} = {computed})",
                self.table.total_line[1] if self.table.total_line else form.line_end,
            )
        elif computed != form.total_score:
            self.issues.add(
                Severity.WARNING,
                "total_score_mismatch",
                f"总分 {form.total_score}, but indicator scores {scores} + execution score {exec_score} = {computed}",
                form.line_end,
            )


# --- what one form leaves unsaid, the document may say --------------------------------------------------


def _settle_fiscal_years(readers: list[OcrForm]) -> None:
    latest = [max(year for year, _ in reader.years_mentioned) for reader in readers if reader.years_mentioned]
    consensus = Counter(latest).most_common(1)[0][0] if latest else None
    for reader in readers:
        form = reader.form
        if reader.title_year:
            form.fiscal_year = reader.title_year
            continue
        if consensus is None:
            continue  # the reader says the year is missing
        form.fiscal_year = consensus
        own = sorted({line for year, line in reader.years_mentioned if year == consensus})
        if own:
            where = f"this form's text names {consensus} at line(s) {', '.join(map(str, own[:5]))}"
        elif reader.years_mentioned:
            where = f"this form's own text names only {sorted({y for y, _ in reader.years_mentioned})}"
        else:
            where = "this form's own text names no year"
        reader.issues.add(
            Severity.INFO,
            "fiscal_year_implied",
            f"no title states the year; {consensus} is the latest year most forms of the document speak of "
            f"in their goals and results ({where})",
            form.line_start,
        )


def _settle_amount_units(readers: list[OcrForm]) -> None:
    stated = [
        reader for reader in readers if reader.fund.unit_evidence and reader.fund.unit_source != "fragment"
    ]
    for reader in readers:
        form = reader.form
        if form.initial_budget is None and form.full_year_budget is None and form.executed is None:
            continue
        fund = reader.fund
        text = fund.unit_evidence_text
        if fund.unit_evidence:
            form.amount_unit = fund.unit_evidence
            if fund.unit_source == "pieces":
                reader.issues.add(
                    Severity.INFO,
                    "amount_unit_from_pieces",
                    f"fund block label printed in pieces ({text!r}); read as 项目资金（{form.amount_unit}）",
                    form.line_start,
                )
            elif fund.unit_source == "cells":
                reader.issues.add(
                    Severity.INFO,
                    "amount_unit_from_cells",
                    f"the fund block states no unit; its figures carry one ({text!r}): {form.amount_unit}",
                    form.line_start,
                )
            continue
        if stated:
            form.amount_unit = Counter(r.fund.unit_evidence for r in stated).most_common(1)[0][0]
            reader.issues.add(
                Severity.INFO,
                "amount_unit_from_document",
                f"the fund block's unit label is cut ({text!r}); {form.amount_unit} as the other forms "
                f"of this document print it (e.g. line {stated[0].form.line_start})",
                form.line_start,
            )
