"""Self-evaluation forms (项目支出绩效自评表) as tab-separated text, clean or OCR'd: layout ``tsv_self_eval``.

A self-evaluation form has a head (项目名称, 主管部门, 实施单位), a fund block in 万元 whose
年度资金总额 row gives 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, a goals block, an
indicator table (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施), 总分 and
评分等级. Everything is found by those labels and by the table's structure:

- **forms** start at a title, a 项目名称 line, or a 主管部门 / fund block that a form already has;
- **fields** are read across OCR cell boundaries ("项目 | 名称"); unit names are matched against
  ``ingest/known_units.csv`` when OCR garbled them;
- **indicator rows** are the lines with a 分值 / 得分 pair: read by the header's columns when the row
  lines up with it, else from the right (得分, 分值, 实际完成值, 年度指标值, then the name);
- **一级 / 二级** come from ``ocr_levels``; OCR text repairs from ``ocr_repair``;
- **the form's arithmetic** checks and repairs the reading: indicator weights + the execution weight
  = 100, indicator scores + the execution score = 总分, 执行率 = 全年执行数 / 全年预算数.

Every repair is an ``info`` issue saying what changed; every guess (a pairing the text does not
settle, a figure computed rather than read) is a ``warning``. A parse is a pure function of the lines.

Where each part lives:

- this module: ``parse``, ``FormReader`` (one form top to bottom: which line goes to which reader,
  总分 and 评分等级, the form's arithmetic and end), and what the document settles across its forms
  (a fiscal year no title states, a fund block unit that is cut);
- ``ocr_self_eval_lines``: a line's cells and kind, and the cut of the document into forms;
- ``ocr_self_eval_head``: the head fields and the fund block;
- ``ocr_self_eval_table``: the indicator table read line by line into rows;
- ``ocr_self_eval_rows``: the repairs that need the whole table, and 一级 / 二级 placement.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from .. import lexicon
from ..model import Form, FormType, Issue, Severity
from .ocr_repair import read_number
from .ocr_self_eval_head import FundBlock, HeadFields
from .ocr_self_eval_lines import (
    FormIssues,
    Span,
    cells_of,
    fold,
    is_fund_header,
    is_grade_line,
    is_indicator_header,
    is_project_line,
    is_supervisor_line,
    is_title,
    is_year_line,
    split_forms,
)
from .ocr_self_eval_rows import place_levels, repair_rows, to_indicator
from .ocr_self_eval_table import IndicatorTable
from .tables import check_form

_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    readers = [FormReader(lines, span, seq, issues) for seq, span in enumerate(split_forms(lines), 1)]
    forms = [reader.read() for reader in readers]
    _settle_fiscal_years(readers, issues)
    _settle_amount_units(readers, issues)
    for reader in readers:
        check_form(reader.form, reader.seq, issues, has_title=reader.span.has_head)
    return forms, issues


# --- one form ------------------------------------------------------------------------------------------


class FormReader:
    """One form, top to bottom: each line goes to the head, the fund block or the indicator table;
    then 总分 and 评分等级, the whole-table row repairs, and the checks of the form's arithmetic."""

    def __init__(self, lines: list[str], span: Span, seq: int, issues: list[Issue]):
        self.lines = lines
        self.span = span
        self.seq = seq
        self.issues = FormIssues(issues, seq)
        self.form = Form(form_type=FormType.SELF_EVAL, line_start=span.start + 1, line_end=span.end)
        self.title_year: int | None = None
        self.years_mentioned: list[tuple[int, int]] = []  # (year, line_no)
        self.head = HeadFields(self.issues)
        self.fund = FundBlock(lines, span, self.form, self.issues)
        self.table = IndicatorTable(lines, span, self.issues)
        self.total_weight: Decimal | None = None
        self._grade_line: int | None = None

    # -- the form, top to bottom --

    def read(self) -> Form:
        form = self.form
        table_at = None
        total_at = None
        last_content = self.span.start
        for i in range(self.span.start, self.span.end):
            cells = cells_of(self.lines[i])
            if not any(cells):
                continue
            last_content = i
            for match in _YEAR_IN_TEXT.finditer(self.lines[i]):
                self.years_mentioned.append((int(match.group(1)), i + 1))
            if table_at is not None:
                continue
            if is_title(cells) or is_year_line(cells):
                year = _YEAR_IN_TEXT.search(fold("".join(cells)))
                self.title_year = int(year.group(1)) if year else self.title_year
            elif is_project_line(cells) or is_supervisor_line(cells):
                self.head.read_line(cells, i + 1)
            elif is_fund_header(cells):
                self.fund.read(i)
            elif is_indicator_header(cells):
                table_at = i
        form.line_end = last_content + 1
        if table_at is not None:
            total_at = self.table.read(table_at)
        self._read_total_and_grade(total_at)
        self.head.settle(form)
        rows = self.table.rows
        repair_rows(rows, self._expected_indicator_weight(), self.issues)
        place_levels(rows, self.table.pieces, self.issues, form.line_start)
        form.indicators = [to_indicator(row) for row in rows if not row.dropped]
        self._check_arithmetic()
        self._check_form()
        return form

    # -- 总分 and 评分等级 --

    def _read_total_and_grade(self, total_at: int | None) -> None:
        form = self.form
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
        grade_line = None
        start = (total_at if total_at is not None else self.span.start) + 1
        for j in range(start, self.span.end):
            cells = cells_of(self.lines[j])
            if is_grade_line(cells):
                grade_line = j + 1
                for cell in cells:
                    if fold(cell) in {grade for _, grade in lexicon.GRADE_BANDS}:
                        form.grade = fold(cell)
                        break
                break
        self._grade_line = grade_line

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

    # -- checks --

    def _expected_indicator_weight(self) -> Decimal | None:
        total = self.total_weight if self.total_weight is not None else Decimal(100)
        exec_weight = self.fund.exec_weight
        weight = exec_weight if exec_weight is not None else Decimal(lexicon.EXECUTION_WEIGHT_DEFAULT)
        return total - weight

    def _check_arithmetic(self) -> None:
        form = self.form
        if not form.indicators:
            return
        weights = sum((i.weight or Decimal(0)) for i in form.indicators)
        scores = sum((i.score or Decimal(0)) for i in form.indicators)
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

    def _check_form(self) -> None:
        """评分等级 and the end of the form; the checks every parser owes a form are ``tables.check_form``."""
        form = self.form
        if form.grade is None:
            is_last = self.span.end >= len(self.lines) or not any(
                line.strip() for line in self.lines[self.span.end :]
            )
            if is_last and self._grade_line is None:
                form.is_complete = False
                self.issues.add(
                    Severity.WARNING,
                    "form_truncated_end",
                    "the document ends before the form's 评分等级 row",
                    form.line_end,
                )
            if form.total_score is not None:
                form.grade = next(grade for floor, grade in lexicon.GRADE_BANDS if form.total_score >= floor)
                self.issues.add(
                    Severity.WARNING,
                    "grade_computed",
                    f"评分等级 not printed; {form.grade} from 总分 {form.total_score} and the grade bands",
                    form.line_end,
                )
        elif form.total_score is not None:
            banded = next(grade for floor, grade in lexicon.GRADE_BANDS if form.total_score >= floor)
            if banded != form.grade:
                self.issues.add(
                    Severity.WARNING,
                    "grade_mismatch",
                    f"评分等级 {form.grade}, but 总分 {form.total_score} is in the {banded} band",
                    self._grade_line,
                )


# --- document-level settling: what one form leaves unsaid, the document may say ----------------------


def _settle_fiscal_years(readers: list[FormReader], issues: list[Issue]) -> None:
    latest = [max(year for year, _ in reader.years_mentioned) for reader in readers if reader.years_mentioned]
    consensus = Counter(latest).most_common(1)[0][0] if latest else None
    for reader in readers:
        form = reader.form
        if reader.title_year:
            form.fiscal_year = reader.title_year
            continue
        if consensus is None:
            continue  # tables.check_form says the year is missing
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


def _settle_amount_units(readers: list[FormReader], issues: list[Issue]) -> None:
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
        else:
            form.amount_unit = "万元"
            reader.issues.add(
                Severity.WARNING,
                "amount_unit_assumed",
                "no unit printed for the fund block; 万元, the self-evaluation template's unit",
                form.line_start,
            )
