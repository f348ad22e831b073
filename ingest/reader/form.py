"""The one form reader: a stream of cells in, forms out, for every text shape and both form types.

* **Boundaries** (``segments``): a title starts a form once the form before it has content.
* **Header fields** by their labels (``vocabulary.FIELDS``, ``FIELD_PATTERNS``): the value is the
  next cell that is not a label, so a blank field stays blank and a label is never taken as a
  value. PDF text in scrambled reading order prints some values before their labels: a label left
  without a value takes the unlabelled words just before it, and says so.
* **Budget figures** by their labels; figures may follow their labels at once or a row later
  (labels in one row, figures in the next), so pending labels are a queue the figures fill in order.
* **A self-evaluation's fund block and total** (``funds``): the column header gives the order, the
  年度资金总额 row (or the first figures after the header) the values, the form's arithmetic the
  reading.
* **The indicator table** (``table``).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import FIGURE_FIELDS, Form, FormType, Issue, Severity
from ..numbers import parse_amount
from . import values as v
from . import vocabulary as vocab
from .categories import header_role
from .cells import Cell, cells_of, label_key
from .funds import read_fund_row, read_total
from .labels import MAX_LABEL, field_for, is_label, title_type
from .projects import forms_of_projects, project_columns
from .segments import Segment, split_forms
from .settle import (
    assume_unit,
    lacks_satisfaction,
    name_from_title,
    note_missing_fields,
    repair_from_loose_figures,
    settle_budget_figures,
)
from .table import IndicatorTable

# not after a digit: "12020年" is no year (a code or a figure run into it)
_YEAR_OF_FORM = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*度")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_UNIT_STATEMENT = re.compile(r"(?:^|单位[:：]?)\s*(?:\()?(万元|元)(?:\))?$")
_SEAL = re.compile(r"[(（]?盖章[)）]?")
_TO_FORM_UNIT = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}
_LABEL_TAIL_FIGURE = re.compile(r"^[\u3400-\u9fff()]{1,8}?[:]?(\d[\d,]*(?:\.\d+)?(?:万元|万|元))$")
_TABLE_END = re.compile("|".join(re.escape(end) for end in vocab.TABLE_END))


def read_forms(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    cells = cells_of(lines)
    issues: list[Issue] = []
    forms: list[Form] = []
    for segment in split_forms(cells):
        found = FormReader(segment, len(forms) + 1, [])
        read = [form for form in found.read() if _has_content(form)]
        if read:  # a title and labels with nothing read after them is a mention of a form, not one
            forms += read
            issues += found.issues
    return forms, issues


def _has_content(form: Form) -> bool:
    figures = any(getattr(form, name) is not None for name in FIGURE_FIELDS)
    return form.project_name is not None or bool(form.indicators) or figures


@dataclass
class FormReader:
    segment: Segment
    seq: int
    issues: list[Issue]
    form: Form = field(init=False)
    pending_field: tuple[str, int] | None = None
    pending_amounts: deque = field(default_factory=deque)
    fund_columns: list[str] = field(default_factory=list)
    fund_values: list[tuple[str, bool]] | None = None
    after_fund_header: bool = False
    field_rank: dict[str, int] = field(default_factory=dict)
    table: IndicatorTable | None = None
    table_done: bool = False
    total_values: list[str] | None = None
    saw_total: bool = False
    field_cell: Cell | None = None  # the cell a header field was last read from
    orphans: list[Cell] = field(default_factory=list)  # unlabelled words since the last label
    orphans_before_label: list[Cell] = field(default_factory=list)
    loose_figures: list[Cell] = field(default_factory=list)  # figures no label took, before the table
    past_fund_block: bool = False

    def __post_init__(self) -> None:
        cells = self.segment.cells
        self.form = Form(
            form_type=self.segment.form_type,
            line_start=cells[0].line_no if cells else 1,
            line_end=cells[-1].line_no if cells else 1,
        )

    def note(
        self, severity: Severity, code: str, message: str, line_no: int | None = None, seq: int = 0
    ) -> None:
        self.issues.append(Issue(severity, code, message, line_no, seq or self.seq))

    def read(self) -> list[Form]:
        """The segment's form; a project list gives one form per project."""
        cells = self.segment.cells
        self.form.fiscal_year = self._year()
        k = 0
        while k < len(cells):
            cell = cells[k]
            if self.table is not None and not self.table_done:
                if not self._ends_table(cell):
                    self.table.cells.append(cell)
                    k += 1
                    continue
                self.table_done = True
            header = self._table_header(k)
            if header:
                self._close_runs()
                self._field_without_value()
                self_eval = self.form.form_type == FormType.SELF_EVAL
                columns = project_columns(cells, k)
                head = cells[k : k + header]
                self.table = IndicatorTable.from_header(head, self_eval, columns)
                self.table.cells += [
                    c for c in head if header_role(c.key) is None
                ]  # scrambled into the header
                if self.table.self_eval:
                    self.form.form_type = FormType.SELF_EVAL
                k += header
                continue
            self._read_cell(cell)
            k += 1
        self._close_runs()
        self._field_without_value()
        self._finish()
        return (
            forms_of_projects(self.form, self.table.project_groups, self.table_done, self.seq, self.note)
            if self.table and self.table.project_columns
            else [self.form]
        )

    # --- boundaries, year and table header -----------------------------------------------------

    def _year(self) -> int | None:
        """The year the title states ("(2020年度)", "2023年项目支出…"); without a title, the first
        short cell that states one ("2020年绩效目标"), then any: prose mentions other years."""
        cells = self.segment.cells
        t = self.segment.title
        windows = [" ".join(c.text for c in cells[max(0, t - 2) : t + 4])] if t is not None else []
        windows.append(" ".join(c.text for c in cells[:80] if len(c.key) <= 20))
        windows.append(" ".join(c.text for c in cells[:40]))
        for window in windows:
            for pattern in (_YEAR_OF_FORM, _YEAR):
                match = pattern.search(v.nfkc(window))
                if match:
                    return int(match.group(1))
        return None

    def _ends_table(self, cell: Cell) -> bool:
        key = cell.key
        return len(key) <= 40 and (key == "注" or _TABLE_END.match(key) is not None)

    def _table_header(self, k: int) -> int:
        """Length of the indicator-table header starting at cell k, 0 when none starts there.

        PDF text in scrambled reading order may print a 二级 label or a row's name among the
        header cells; up to two such cells between header cells still make one header (they are
        the table's first cells, see ``read``)."""
        cells = self.segment.cells
        if self.table is not None or header_role(cells[k].key) not in ("level1", "level2", "name", "wrapper"):
            return 0
        end, last = k, k
        roles = set()
        while end < len(cells) and end - last <= 2:
            role = header_role(cells[end].key)
            if role is not None:
                roles.add(role)
                last = end
            elif len(cells[end].key) > 20 or self._is_figure(cells[end]):
                break
            end += 1
        return last + 1 - k if "name" in roles and ("level1" in roles or "level2" in roles) else 0

    # --- header fields and budget figures ------------------------------------------------------

    def _read_cell(self, cell: Cell) -> None:
        key = cell.key
        if cell.after_number:
            self.note(
                Severity.INFO,
                "label_glued",
                f"label {cell.text!r} printed straight after a figure",
                cell.line_no,
            )
        last_field, self.field_cell = self.field_cell, None
        after_fund_header, self.after_fund_header = self.after_fund_header, False
        if self.fund_values is None and after_fund_header and self._is_figure(cell):
            self.fund_values = []  # figures right under the fund header: the 年度资金总额 row, label printed elsewhere
        if self.fund_values is not None:
            if len(self.fund_values) < len(self.fund_columns) + 2 and self._fund_value(cell):
                return
            self._close_fund_row()
        if self.total_values is not None:
            if (v.number(cell.text) is not None or v.is_number_run(cell.text) or key in vocab.GRADES) and len(
                self.total_values
            ) < 4:
                self.total_values.append(cell.text)
                return
            self._close_total()
        if title_type(cell) or len(key) > MAX_LABEL + 16:
            if self.pending_field and not title_type(cell):
                self._set_field(cell.text)
            elif not title_type(cell):
                self.orphans.append(cell)
            else:
                self.orphans = []  # a title ends any unlabelled run
            self.pending_amounts.clear()
            return
        unit = self._unit_statement(cell)
        if unit:
            self._set_unit(unit)
        if key in vocab.LABEL_TAILS or not key:
            return  # a label's tail ("及编码", "(盖章)") or bare numbering ("(一)")
        if is_label(cell):
            self._label(cell, unit)
            return
        if unit:
            self.pending_field = None  # "填报单位:(盖章) 单位:万元": the field is blank
            return
        if self.pending_field and self._is_figure(cell) and self.pending_field[0] != "project_category":
            self._field_without_value()  # a figure is never a name: scrambled text put it here
        if self.pending_field:
            self._set_field(cell.text)
            self.field_cell = cell
            return
        if last_field and cell.spaced and cell.line_no == last_field.line_no and not self.pending_amounts:
            message = f"{last_field.text!r} read as a value up to the next cell; the unlabelled {cell.text!r} after it is not read"
            self.note(Severity.INFO, "field_value_cut", message, cell.line_no)
        if self.pending_amounts:
            amount = parse_amount(cell.text)
            tail = _LABEL_TAIL_FIGURE.match(v.nfkc(cell.text).replace(" ", ""))
            if (
                amount is None and tail
            ):  # "资金总额" | "及构成总额10606.7522万元": the label's tail, then its figure
                amount = parse_amount(tail.group(1))
            if amount is not None:
                attr, label = self.pending_amounts.popleft()
                if attr:
                    self._set_amount(attr, label, amount, cell)
                return
            if not v.is_blank(cell.text):
                self.pending_amounts.clear()
        if self.table is None and not self.past_fund_block and self._is_figure(cell):
            self.loose_figures.append(cell)
        elif v.has_han(cell.text):
            self.orphans.append(cell)

    def _label(self, cell: Cell, unit: str | None) -> None:
        """A label: it ends the value of the one before it and may open a value, a figure or a row."""
        key = cell.key
        self.past_fund_block = self.past_fund_block or header_role(key) in ("level1", "level2", "name")
        self._field_without_value()
        self.orphans_before_label, self.orphans = self.orphans, []
        named = field_for(key)
        if named:
            self.pending_field = named
            self.pending_amounts.clear()
        elif key == vocab.TOTAL_SCORE:
            self.saw_total = True
            self.total_values = []
        elif key in vocab.FUND_COLUMNS and self.table is None:
            meaning = vocab.FUND_COLUMNS[key]
            if meaning not in self.fund_columns:
                self.fund_columns.append(meaning)
            self.after_fund_header = self._fund_header_seen()
        elif key in vocab.FUND_TOTAL_ROWS and self._fund_header_seen() and self.table is None:
            self.fund_values = []
        elif key in vocab.AMOUNTS:
            self.pending_amounts.append((vocab.AMOUNTS[key], cell))
        elif key in vocab.FUND_SUB_ROWS:
            self.pending_amounts.append((None, cell))
        elif key != "其中" and not unit:
            self.pending_amounts.clear()

    def _field_without_value(self) -> None:
        """A field label followed straight by another label: in scrambled PDF text its value was
        printed before it, as the unlabelled words since the label before."""
        if not self.pending_field:
            return
        words = [
            c
            for c in self.orphans_before_label
            if v.has_han(c.text) and "年度" not in c.key and len(c.key) <= 40
        ]
        if self.pending_field[0] in ("project_name", "unit_name", "supervisor_name") and words:
            text = "".join(c.key for c in words)
            attr = self.pending_field[0]
            self._set_field(text)
            if getattr(self.form, attr) == text:
                self.note(
                    Severity.INFO,
                    "value_before_label",
                    f"{attr} {text!r} printed before its label",
                    words[0].line_no,
                )
            self.orphans_before_label = []
        self.pending_field = None

    def _set_field(self, text: str) -> None:
        attr, rank = self.pending_field
        self.pending_field = None
        value = _SEAL.sub("", text).strip()
        value = v.strip_code(value).strip(" :：")
        if not value or v.is_blank(value) or self._unit_statement(Cell(value, 0, 0)):
            return
        if attr.endswith("_name") and len(re.findall(r"[\u3400-\u9fff]", value)) < 2:
            return  # a figure, a date or a stray sign is never a name ("2019年…工程" is)
        if attr == "grade" and value not in vocab.GRADES:
            return
        if attr == "project_category" and re.fullmatch(r"(?:新增|延续|新|续)项目?", value):
            return  # 项目属性 新增/延续 says whether the project is new, not its category
        if attr == "project_category" and ("□" in value or "☐" in value):
            ticked = [part for part in re.split(r"[□☐]", value) if re.search(r"[√☑■✓✔]", part)]
            value = re.sub(r"[√☑■✓✔\s]", "", ticked[0]) if ticked else ""
            if not value:
                return
        if getattr(self.form, attr) is None or rank > self.field_rank.get(attr, -1):
            setattr(self.form, attr, value)
            self.field_rank[attr] = rank

    def _unit_statement(self, cell: Cell) -> str | None:
        key = cell.key if cell.line_no else label_key(cell.text)
        text = v.nfkc(cell.text).replace(" ", "")
        if len(text) > 30:
            return None
        if _UNIT_STATEMENT.search(text) and ("单位" in text or text.startswith("(")):
            return _UNIT_STATEMENT.search(text).group(1)
        marker = re.search(r"\((万元|元)\)", text)
        if marker and key and not v.number(key):
            return marker.group(1)
        return None

    def _set_unit(self, unit: str) -> None:
        if self.form.amount_unit is None:
            self.form.amount_unit = unit

    def _set_amount(self, attr: str, label: Cell, amount, cell: Cell) -> None:
        if getattr(self.form, attr) is not None:
            return  # the first statement of a figure wins
        figure = amount.value
        if self.form.amount_unit is None:
            self.form.amount_unit = amount.unit
        elif amount.unit and amount.unit != self.form.amount_unit:
            figure = (figure * _TO_FORM_UNIT[(amount.unit, self.form.amount_unit)]).quantize(Decimal("0.01"))
            message = f"{label.text} {cell.text!r} stored as {figure} {self.form.amount_unit}"
            self.note(Severity.INFO, "amount_unit_converted", message, cell.line_no)
        setattr(self.form, attr, figure)

    # --- a self-evaluation's fund block and total ----------------------------------------------

    @staticmethod
    def _is_figure(cell: Cell) -> bool:
        return v.is_figure(cell.text)

    def _fund_header_seen(self) -> bool:
        return sum(m in self.fund_columns for m in ("initial_budget", "full_year_budget", "executed")) >= 2

    def _fund_value(self, cell: Cell) -> bool:
        text = v.nfkc(cell.text).replace(" ", "")
        if self._is_figure(cell):
            self.fund_values.append((text, False))
        elif v.is_number_run(text):
            self.fund_values.append((text, cell.glued))  # figures printed together: only run-together text
        elif v.is_blank(text) and text:
            self.fund_values.append(("", False))
        else:
            return False
        return True

    def _close_fund_row(self) -> None:
        raw, self.fund_values = self.fund_values, None
        if not raw:
            return
        reading = read_fund_row(self.fund_columns, raw)
        if reading is None:
            shown = [text for text, _ in raw]
            self.note(
                Severity.WARNING,
                "fund_row_unreadable",
                f"年度资金总额 figures {shown} fit no reading of {self.fund_columns}",
            )
            return
        for attr, value in reading.items():
            if attr == "rate" and self.form.execution_rate_stated is None:
                self.form.execution_rate_stated = value
            elif (
                attr in ("initial_budget", "full_year_budget", "executed")
                and getattr(self.form, attr) is None
            ):
                setattr(self.form, attr, value)
        if self.form.amount_unit is None:
            units = {parse_amount(x).unit for x, _ in raw if parse_amount(x)}
            self.form.amount_unit = next((u for u in units if u), None)

    def _close_total(self) -> None:
        raw, self.total_values = self.total_values, None
        total, grade = read_total(raw or [])
        self.form.total_score = self.form.total_score if total is None else total
        if grade in vocab.GRADES:
            self.form.grade = grade

    def _close_runs(self) -> None:
        if self.fund_values is not None:
            self._close_fund_row()
        if self.total_values is not None:
            self._close_total()

    # --- the finished form ---------------------------------------------------------------------

    def _finish(self) -> None:
        form = self.form
        if self.table is not None:
            self._read_table()
        if self.fund_columns:
            repair_from_loose_figures(form, self.loose_figures, self.note)
        settle_budget_figures(form)
        if any(getattr(form, a) is not None for a in ("initial_budget", "full_year_budget", "executed")):
            form.form_type = FormType.SELF_EVAL
        assume_unit(form, self.note)
        if self.table is not None and self.table.project_columns:
            return  # a project list: each project's form is checked in _forms_of_project_list
        name_from_title(form, self.segment, self.note)
        line = form.line_start
        if self.segment.title is None:
            form.is_complete = False
            self.note(
                Severity.WARNING, "form_truncated_start", "the text starts in the middle of a form", line
            )
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
        note_missing_fields(form, self.note)

    def _read_table(self) -> None:
        form = self.form
        self.table.project_groups = self.table.projects()
        if self.table.scrambled and self.table.leftover and form.total_score is None:
            form.total_score, _ = read_total(self.table.leftover)  # 总分's figures, printed before it
        form.indicators = [row for _, rows in self.table.project_groups for row in rows]
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
