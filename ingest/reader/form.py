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

from .. import lexicon
from ..memo import memo
from ..model import FIGURE_FIELDS, Form, FormType, Issue, Severity
from ..numbers import parse_amount
from ..traditional import simplified
from . import values as v
from . import vocabulary as vocab
from .categories import header_role
from .cell import Cell, label_key
from .cells import cells_of
from .fields import HeaderFields
from .finish import FinishedForm
from .fund_block import FundBlock
from .items import amount_head_rows, item_header_at, read_items
from .labels import MAX_LABEL, field_for, is_label, is_project_name_label, title_type_of_key, unit_statement
from .lines import csv_rows
from .ocr_cells import ocr_rows
from .outline import bracketed_rows, outline_rows
from .pivoted import pivoted_rows
from .projects import forms_of_projects, project_columns
from .segments import Segment, in_table_header, split_forms
from .settle import (
    continues,
    department_wide,
    merge_sheet,
    name_cut_by_the_end,
    only_a_guessed_name,
    table_before_its_title,
    take_table_before_title,
    target_cut_by_the_end,
    unit_from_page_source,
)
from .table import HEADERLESS_SLOTS, IndicatorTable, header_length, headerless_table_at

_LEADING_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?(?:万元|元))(?=[\u4e00-\u9fff])")
_LABEL_TAIL_FIGURE = re.compile(r"^[\u3400-\u9fff()]{1,8}?[:]?(\d[\d,]*(?:\.\d+)?(?:万元|万|元))$")
# Another table's title after the form's ("项目支出绩效自评结果汇总表", "…资金分配明细表")
_LIST_TITLE = re.compile(r"(?:汇总|一览)表$")
_NAME_TAIL = re.compile(r"\([^()]{1,8}\)$")  # folded key: a short parenthesis on its own
_TABLE_END = re.compile(
    "|".join(re.escape(end) for end in vocab.TABLE_END)
    + "|(?:"
    + "|".join(re.escape(end) for end in vocab.PAGE_FOOTER_WORDS)
    + r")(?![\u3400-\u9fff])"
)


_BULLETS = "-—·*>【[ "  # what a note or title may start with before its words ("【注】", "* 说明")


@memo(1 << 15)  # asked of every cell of every table: a dict hit on its text
def _table_end_marks(printed: str) -> tuple[bool, bool]:
    """Whether the cell ends a table by its own words (a note, a footer, a page's read counter),
    and whether it reads as another table's title (which ends it unless it names a row)."""
    key = label_key(printed).lstrip(_BULLETS)
    ends = len(key) <= 40 and (key == "注" or _TABLE_END.match(key) is not None)
    return ends or vocab.PAGE_COUNTER.match(printed.strip()) is not None, _LIST_TITLE.search(key) is not None


def _name_goes_on(cell: Cell) -> bool:
    """Unlabelled words after a project name on its line, in text whose cells spaces part: the
    rest of the name, unless they are a label's question ("是否为专项资金:") or a tick box."""
    text = cell.text.strip()
    return (
        v.has_han(text)
        and len(text) <= 40
        and not text.endswith((":", "："))
        and not any(box in text for box in lexicon.CHECKBOX_TICKED + lexicon.CHECKBOX_EMPTY)
        and not v.is_figure(text)
    )


def _labels_a_value(cell: Cell) -> bool:
    """ "预算数:" with its colon labels the figure after it; "预算数(A)" heads a column."""
    return cell.text.rstrip().endswith((":", "：")) and cell.key in vocab.AMOUNTS


def read_forms(
    lines: list[str], repair_ocr: bool = True, text: bool = True
) -> tuple[list[Form], list[Issue]]:
    """The forms in the lines. Text that shows OCR's damage goes through the OCR front-end first
    (``ocr_cells``); ``repair_ocr=False`` leaves it as it is (a binary file's own cells). A text
    file may stop mid-cell (a page stored up to a size); ``text=False``: a binary file's, never."""
    page_markers: list[int] = []
    issues: list[Issue] = []
    if (rows := csv_rows(lines)) is not None:
        lines = rows
        issues.append(
            Issue(Severity.INFO, "csv_layout", "a sheet saved as CSV: its rows read as cells", None, 1)
        )
    ocr = ocr_rows(lines) if repair_ocr else None
    if ocr is not None:
        rows, repairs = ocr  # OCR'd text: its cells put back together, each repair an issue
        issues += repairs
    elif (rows := outline_rows(lines)) is not lines:
        message = "a tree whose levels show only by indentation: read as one row per indicator"
        issues.append(Issue(Severity.INFO, "outline_layout", message, None, 1))
    elif (rows := bracketed_rows(lines)) is not lines:
        message = "a project list in blocks (【一级-二级】 headings, 指标1:name(value) lines): read as one row per indicator"
        issues.append(Issue(Severity.INFO, "bracketed_layout", message, None, 1))
    elif (rows := pivoted_rows(lines)) is not lines:
        message = (
            "a project list whose 一级 categories are columns: each cell's indicators read under its category"
        )
        issues.append(Issue(Severity.INFO, "pivoted_layout", message, None, 1))
    cells = cells_of(rows, page_markers)
    forms: list[Form] = []
    segments = split_forms(cells)
    last_title = None  # the title of the segment the last form was read from
    for segment in segments:
        found = FormReader(segment, len(forms) + 1, [])
        read = []
        for seq, form in enumerate(found.read(), found.seq):
            if department_wide(segment, seq, found.issues):
                message = (
                    f"{form.project_name!r}: a department's whole-budget (整体) form, no project's: not read"
                )
                issues.append(
                    Issue(Severity.INFO, "department_form_not_read", message, form.line_start, None)
                )
            elif _has_content(form) and not only_a_guessed_name(form, seq, found.issues):
                read.append(form)
            elif form.project_name:  # a mention: said, so nothing goes silently
                message = f"{form.project_name!r} names a form without any of its fields: a mention, not read as a form"
                issues.append(Issue(Severity.INFO, "form_mentioned_only", message, form.line_start, None))
        if segment.title is None and forms and forms[-1].fiscal_year is not None:
            _inherit_year(read, forms[-1].fiscal_year, len(forms), found.issues)
        title = segment.cells[segment.title].key if segment.title is not None else None
        if len(read) == 1 and forms and continues(forms[-1], read[0]):
            merge_sheet(forms[-1], read[0], found.issues, len(forms), issues)
        elif (
            len(read) == 1
            and forms
            and title is not None
            and title == last_title
            and table_before_its_title(forms[-1], read[0], len(forms), issues)
        ):
            forms[-1] = take_table_before_title(forms[-1], read[0], found.issues, len(forms), issues)
        elif read:  # a title and labels with nothing read after them is a mention of a form, not one
            forms += read
            issues += found.issues
        if read:
            last_title = title
    if text and forms and name_cut_by_the_end(forms[-1], lines):
        _drop_cut_last_row(forms, issues, "its cell unclosed and no value after it: a name cut off, not read")
    if text and forms and target_cut_by_the_end(forms[-1], lines):
        row = forms[-1].indicators[-1]
        cut = repr(row.actual or row.target) if row.target else "a sign alone"
        _drop_cut_last_row(forms, issues, f"its last value cut ({cut}): not read")
    if forms and segments:
        unit_from_page_source(forms, segments[0].preamble + segments[0].cells[:24], issues)
    for line_no in page_markers:
        seq = next((k for k, form in enumerate(forms, 1) if form.line_start <= line_no <= form.line_end), 0)
        if seq:
            issues.append(
                Issue(Severity.INFO, "page_marker_skipped", "a page number between rows", line_no, seq)
            )
    return forms, issues


def _drop_cut_last_row(forms: list[Form], issues: list[Issue], how: str) -> None:
    """The last form's last row, which the end of the text cut, is not read: said, with its own
    indicator_without_target taken back."""
    row, seq = forms[-1].indicators.pop(), len(forms)
    issues[:] = [
        i for i in issues if (i.form_seq, i.code, i.line_no) != (seq, "indicator_without_target", row.line_no)
    ]
    message = f"{row.name!r} ends the text, {how}"
    issues.append(Issue(Severity.WARNING, "indicator_cut_off", message, row.line_no, seq))


def _inherit_year(read: list[Form], year: int, seq: int, issues: list[Issue]) -> None:
    """A form printed after another with no title of its own (the next project under the same
    heading) is of the year the heading gave."""
    for k, form in enumerate(read, seq + 1):
        if form.fiscal_year is None:
            form.fiscal_year = year
            issues[:] = [i for i in issues if not (i.form_seq == k and i.code == "missing_fiscal_year")]
            message = f"no year printed with the form: {year}, the year of the heading above it"
            issues.append(Issue(Severity.INFO, "fiscal_year_from_heading", message, form.line_start, k))


def _has_content(form: Form) -> bool:
    figures = any(getattr(form, name) is not None for name in FIGURE_FIELDS)
    return form.project_name is not None and not _mentions_a_form(form) or bool(form.indicators) or figures


def _names_a_row(cells: list[Cell], k: int) -> bool:
    """A cell with others on its row, or with a value right after it: an indicator's name."""
    around = cells[k - 1 : k] + cells[k + 1 : k + 2]
    return any(c.row == cells[k].row for c in around) or (
        k + 1 < len(cells) and v.looks_like_target(cells[k + 1].text)
    )


def _starts_a_list(cells: list[Cell], k: int) -> bool:
    """序号 | 项目名称 …: the header of a list of projects (a summary after the forms)."""
    return (
        cells[k].key == "序号"
        and k + 1 < len(cells)
        and cells[k + 1].row == cells[k].row
        and is_project_name_label(cells[k + 1])
    )


def _mentions_a_form(form: Form) -> bool:
    """A 'form' of nothing but a name that is a form's title or a piece of prose: a page's heading
    ("项目名称: …区域(项目)绩效自评表" on a tender portal) or a quoted phrase ("“脱贫攻坚工作经费”,")."""
    name = form.project_name or ""
    alone = form.unit_name is None and form.supervisor_name is None and form.project_category is None
    return alone and (
        name.endswith(("绩效自评表", "绩效目标表", "申报表")) or name[:1] in '“"' or name[-1:] in ",，、"
    )


@dataclass
class FormReader(HeaderFields, FundBlock, FinishedForm):
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
    field_attr: str | None = None  # and the field it was
    orphans: list[Cell] = field(default_factory=list)  # unlabelled words since the last label
    orphans_before_label: list[Cell] = field(default_factory=list)
    loose_figures: list[Cell] = field(default_factory=list)  # figures no label took, before the table
    past_fund_block: bool = False
    category_cells: list[Cell] | None = None  # 项目类别 and the options and boxes printed after it
    # "单位:元 … 资金情况 | (万元) | 年度金额 | 112": a unit stated for the figures after it, unlike the form's
    block_unit: str | None = None
    name_label_bare: bool = False  # 项目名称 read with no value: a column of labels before its values

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
        if self.segment.title is None and any(c.key.startswith(vocab.SELF_EVAL_SECTIONS) for c in cells):
            self.form.form_type = FormType.SELF_EVAL  # no title, but the evaluation's closing rows
        for cell in cells:
            if cell.joined:
                shown = cell.text if len(cell.text) <= 30 else cell.text[:30] + "…"
                message = f"{shown!r} was printed over two lines; read as one cell"
                self.note(Severity.INFO, "cell_wrapped", message, cell.line_no)
        amount_rows = amount_head_rows(cells)
        k = 0
        while k < len(cells):
            cell = cells[k]
            # 项目构成分解: budget lines, after the indicator table or before it
            if cell.row in amount_rows and item_header_at(cells, k):
                self.table_done = self.table is not None
                k = read_items(cells, k, self.seq, self.issues, self.form.budget_items)
                continue
            if self.table is not None and not self.table_done:
                # its cells in one loop, to the end or budget lines (item_header_at: a row's first cell)
                while k < len(cells) and not (cells[k].row in amount_rows and item_header_at(cells, k)):
                    if self._ends_table(cells[k], k):
                        self.table_done = True
                        break
                    self.table.cells.append(cells[k])
                    k += 1
                if not self.table_done:
                    continue  # the text's end, or budget lines: read at the top of the loop
                cell = cells[k]
            header = header_length(cells, k) if self.table is None else 0
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
                if self.table.self_eval and not self._titled_target():
                    self.form.form_type = FormType.SELF_EVAL
                k += header
                continue
            opens_in_table = self.segment.title is None or not self.field_rank  # a heading, no field yet
            if self.table is None and opens_in_table and headerless_table_at(cells, k):
                self._close_runs()
                self._field_without_value()
                self_eval = self.form.form_type == FormType.SELF_EVAL
                self.table = IndicatorTable(list(HEADERLESS_SLOTS), self_eval)
                message = "the indicator table starts without its header: read as 指标性质 | 指标值 | 度量单位 | 实际完成值 | 分值 | 得分, each where it fits"
                self.note(Severity.WARNING, "table_without_header", message, cell.line_no)
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
        year, notice = self.segment.year()
        if notice:
            message = f"no year on the form; {year} from the notice before it ({notice!r})"
            self.note(Severity.INFO, "fiscal_year_from_notice", message, self.segment.preamble[0].line_no)
        return year

    def _ends_table(self, cell: Cell, k: int) -> bool:
        if self.table is not None and self.table.project_columns and in_table_header(self.segment.cells, k):
            return False  # a project list's header printed again on the next page
        cells = self.segment.cells
        ends, list_title = _table_end_marks(cell.text)
        # a list title: the next table's, unless a row names it ("编制项目一览表 | 1份")
        return ends or _starts_a_list(cells, k) or list_title and not _names_a_row(cells, k)

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
        if self.category_cells is not None:
            if cell.row == self.category_cells[0].row and not is_label(cell):
                self.category_cells.append(cell)
                return
            self._close_category()
        last_field, self.field_cell = self.field_cell, None
        after_fund_header, self.after_fund_header = self.after_fund_header, False
        if self.fund_values is None and after_fund_header and self._is_figure(cell):
            if self.pending_amounts and self.pending_amounts[-1][1].row == cell.row:
                self._column_was_a_label()  # "预算数 6.84 到位数 6.84 执行数 6.84": labels and values
            else:
                self.fund_values = []  # figures right under the fund header: the 年度资金总额 row
        if self.fund_values is not None:
            if len(self.fund_values) < len(self.fund_columns) + 2 and self._fund_value(cell):
                return
            self._close_fund_row()
        if self.total_values is not None:
            figure = cell.text.rstrip("。;；")  # "得分合计100。"
            if (v.number(figure) is not None or v.is_number_run(figure) or key in vocab.GRADES) and len(
                self.total_values
            ) < 4:
                self.total_values.append(cell.text)
                return
            self._close_total()
        lead = (
            _LEADING_AMOUNT.match(simplified(v.nfkc(cell.text)))
            if self.pending_amounts and cell.glued
            else None
        )
        if lead and (amount := parse_amount(lead.group(1))) is not None:
            attr, label = self.pending_amounts.popleft()  # "合计:" | "109.8万元中央财政165万元…"
            if attr:
                self._set_amount(attr, label, amount, cell)
            return
        titled = title_type_of_key(key)
        if titled or len(key) > MAX_LABEL + 16:
            if self.pending_field and not titled:
                self._set_field(cell.text)
            elif not titled:
                self.orphans.append(cell)
            else:
                self.orphans = []  # a title ends any unlabelled run
            self.pending_amounts.clear()
            return
        unit = unit_statement(cell)
        if unit:
            if not key and self.table is None and self.form.amount_unit not in (None, unit):
                self.block_unit = unit
            self._set_unit(unit)
            self._coded_unit_before(cell)
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
            category, self.field_attr = self.form.project_category, self.pending_field[0]
            self._set_field(cell.text)
            if self.form.project_category != category:
                self.category_cells = [cell]
            self.field_cell = cell
            return
        if (
            last_field
            and self.field_attr == "project_name"
            and self.form.project_name
            and _NAME_TAIL.match(key)
        ):
            self.form.project_name += cell.text.strip()  # "网络基础设施（交易中心）" | "(运维)": wrapped
            message = f"项目名称 goes on over the next line: read as {self.form.project_name!r}"
            self.note(Severity.INFO, "field_value_wrapped", message, cell.line_no)
            return
        if last_field and cell.spaced and cell.line_no == last_field.line_no and not self.pending_amounts:
            if self.field_attr == "project_name" and self.form.project_name and _name_goes_on(cell):
                self.form.project_name += " " + cell.text.strip()  # "昌州财行(2022)10号 国家统计局…经费"
                message = f"项目名称 printed with a space: read as {self.form.project_name!r}"
                self.note(Severity.INFO, "field_value_spaced", message, cell.line_no)
                return
            message = f"{last_field.text!r} read as a value up to the next cell; the unlabelled {cell.text!r} after it is not read"
            self.note(Severity.INFO, "field_value_cut", message, cell.line_no)
        if self.pending_amounts and v.is_two_figures(cell.text):
            attr, label = self.pending_amounts.popleft()
            message = f"{label.text} {cell.text!r}: two figures in one cell; neither is taken"
            self.note(Severity.WARNING, "unreadable_amount", message, cell.line_no)
            return
        if self.pending_amounts:
            amount = parse_amount(cell.text)
            tail = _LABEL_TAIL_FIGURE.match(simplified(v.nfkc(cell.text).replace(" ", "")))
            if (
                amount is None and tail
            ):  # "资金总额" | "及构成总额10606.7522万元": the label's tail, then its figure
                amount = parse_amount(tail.group(1))
            if amount is not None:
                attr, label = self.pending_amounts.popleft()
                if attr:
                    self._set_amount(attr, label, amount, cell)
                return
            if key.endswith("小计") or v.nfkc(cell.text).startswith("其中:"):
                self.pending_amounts.append((None, cell))  # "其中:中央补助", "(一)财政拨款小计": a sub-row
            elif not v.is_blank(cell.text):
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
            self._name_after_labels()
            self.pending_field = named
            self.pending_amounts.clear()
        elif key in vocab.TOTAL_SCORES:
            self.saw_total = True
            self.total_values = []
        elif key in vocab.FUND_COLUMNS and self.table is None and not _labels_a_value(cell):
            meaning = vocab.FUND_COLUMNS[key]
            if meaning not in self.fund_columns:
                self.fund_columns.append(meaning)
            self.after_fund_header = self._fund_header_seen()
            if key in vocab.AMOUNTS:  # "预算数 | 20.00" labels a value, unless the row is a header
                self.pending_amounts.append((vocab.AMOUNTS[key], cell))
        elif key in vocab.FUND_TOTAL_ROWS and self._fund_header_seen() and self.table is None:
            self.fund_values = []
            self.pending_amounts.clear()
        elif key in vocab.AMOUNTS:
            self.pending_amounts.append((vocab.AMOUNTS[key], cell))
        elif key in vocab.FUND_SUB_ROWS:
            self.pending_amounts.append((None, cell))
        elif key in vocab.FUND_TOTAL_ROWS:
            pass  # "合计": the row of the figures the labels above it wait for
        elif key != "其中" and not unit:
            self.pending_amounts.clear()
