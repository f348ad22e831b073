"""The finished form: the indicator table read, the form type and budget figures settled, and
what is missing or cut off said (a mixin of ``FormReader``, which holds the state)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Form, FormType, Severity
from ..traditional import simplified
from . import values as v
from .cell import Cell
from .funds import read_total
from .segments import Segment
from .settle import (
    assume_unit,
    lacks_satisfaction,
    name_from_title,
    note_missing_fields,
    rate_as_percent,
    repair_from_loose_figures,
    settle_budget_figures,
)
from .table import IndicatorTable

_RATE_HEAD = re.compile(r"^预算执行(?:率|进度)")  # a fund block's rate column, its figure maybe apart
_SCORE_IN_PROSE = re.compile(r"自评(?:总)?得分(?:为|是|:)?(\d{1,3}(?:\.\d{1,2})?)分")


class FinishedForm:
    segment: Segment
    form: Form
    table: IndicatorTable | None
    table_done: bool
    saw_total: bool
    fund_columns: list[str]
    loose_figures: list[Cell]
    category_cells: list[Cell] | None

    def _finish(self) -> None:
        form = self.form
        if self.category_cells is not None:
            self._close_category()
        if self.table is not None:
            self._read_table()
            if self._titled_target() and any(row.actual for row in form.indicators):
                form.form_type = FormType.SELF_EVAL  # a 目标表 whose 实际完成值 column is filled in
        if self.fund_columns:
            rate_head = next((c for c in self.segment.cells if _RATE_HEAD.search(c.key)), None)
            repair_from_loose_figures(form, self.loose_figures, self.note, rate_head)
        settle_budget_figures(form)
        rate_as_percent(form, self.note)
        if any(
            getattr(form, a) is not None for a in ("initial_budget", "full_year_budget", "executed")
        ) and not (self._titled_target() and not any(row.actual for row in form.indicators)):
            form.form_type = FormType.SELF_EVAL  # a 目标表 stating 实际使用 alone stays a target form
        assume_unit(form, self.note)
        if form.form_type == FormType.TARGET and form.total_score is not None:
            message = f"总分 {form.total_score} on a target form sums the 分值 of its indicators; not a score"
            self.note(Severity.INFO, "target_form_total_not_a_score", message, form.line_start)
            form.total_score = None
        if self.table is not None and self.table.project_columns:
            return  # a project list: each project's form is checked in _forms_of_project_list
        if form.form_type == FormType.SELF_EVAL and form.total_score is None:
            self._total_from_summary()
        name_from_title(form, self.segment, self.note)
        line = form.line_start
        cut_at_start = self.segment.title is None and not self.segment.after_form
        if cut_at_start:
            form.is_complete = False
            lost = ["title"] + [word for attr, word in (("unit_name", "unit"), ("project_name", "project name"))
                                if getattr(form, attr) is None]  # fmt: skip
            what = ", ".join(lost[:-1]) + " and " + lost[-1] if len(lost) > 1 else lost[0]
            message = f"the document starts in the middle of a form: its {what} {'are' if len(lost) > 1 else 'is'} missing; kept as a partial form"
            self.note(Severity.WARNING, "form_truncated_start", message, line)
        if not form.indicators:
            form.is_complete = False
            self.note(
                Severity.WARNING,
                "no_indicators",
                "the form has no indicator table (cut off, or not printed)",
                line,
            )
        elif form.form_type == FormType.SELF_EVAL and not self.saw_total:
            form.is_complete = False
            self.note(
                Severity.WARNING,
                "no_total_score",
                "the self-evaluation has no 总分 row (cut off before it)",
                line,
            )
        note_missing_fields(form, self.note, cut_at_start=cut_at_start)

    def _titled_target(self) -> bool:
        """The title says 目标表: a 实际完成值 column left empty does not make it an evaluation
        (广东's transfer-fund target forms print one)."""
        return self.segment.title is not None and self.segment.form_type == FormType.TARGET

    def _total_from_summary(self) -> None:
        """A self-evaluation with no 总分 row may state its score in its summary prose
        ("项目绩效自评得分为95分")."""
        for cell in self.segment.preamble + self.segment.cells:
            match = _SCORE_IN_PROSE.search(simplified(v.nfkc(cell.text)))
            if match and Decimal(match.group(1)) <= 100:
                self.form.total_score = Decimal(match.group(1))
                self.saw_total = True
                message = f"总分 {match.group(1)} read from the summary: {match.group()!r}"
                self.note(Severity.INFO, "total_score_from_summary", message, cell.line_no)
                return

    def _read_table(self) -> None:
        form = self.form
        self.table.project_groups = self.table.projects()
        if self.table.scrambled and self.table.leftover and form.total_score is None:
            form.total_score, _ = read_total(self.table.leftover)  # 总分's figures, printed before it
        form.indicators = [row for _, rows in self.table.project_groups for row in rows]
        for row, parts in self.table.composed:
            message = f"{row.name!r}: target printed in parts ({parts}), read as {row.target!r}"
            self.note(Severity.INFO, "target_composed", message, row.line_no)
        if self.table.inferred:
            rows = self.table.inferred
            level2s = "、".join(dict.fromkeys(row.level2 for row in rows))
            message = (
                f"{len(rows)} rows under 二级 {level2s} have no 一级 printed: kept blank "
                "(staging places them by the national framework)"
            )
            self.note(Severity.INFO, "level1_not_printed", message, rows[0].line_no)
        for cell in self.table.category_names:
            message = f"category word {cell.text!r} followed only by a value: read as the row's name"
            self.note(Severity.INFO, "category_label_as_name", message, cell.line_no)
        for cell in self.table.unread:
            shown = cell.text if len(cell.text) <= 40 else cell.text[:40] + "…"
            message = f"{shown!r} in the indicator table fits no row of its columns: not read"
            self.note(Severity.WARNING, "table_cell_not_read", message, cell.line_no)
        for row in self.table.guesses:
            self.note(
                Severity.INFO,
                "indicator_split_guessed",
                f"name {row.name!r} printed with a space",
                row.line_no,
            )
        if form.form_type == FormType.TARGET:
            for row in form.indicators:
                if row.target is None:
                    self.note(
                        Severity.WARNING,
                        "indicator_without_target",
                        f"{row.name!r} has no target",
                        row.line_no,
                    )
        if not self.table_done and form.indicators and form.indicators[-1].target is None:
            form.is_complete = False
            message = "the text ends inside the indicator table, at a row without its target"
            self.note(Severity.WARNING, "form_truncated_end", message, form.line_end)
        elif not self.table_done and self.segment.ends_text and lacks_satisfaction(form):
            # cut exactly at a row boundary: the national framework's table ends with 满意度指标
            form.is_complete = False
            message = (
                "the text ends inside the indicator table before its 满意度 rows: cut off at a row boundary"
            )
            self.note(Severity.WARNING, "form_truncated_end", message, form.line_end)
