"""Header fields and budget figures: what the form reader does with a value once a label has
claimed it (a mixin of ``FormReader``, which holds the state these methods use)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from ..lexicon import CHECKBOX_EMPTY, CHECKBOX_TICKED
from ..model import Form, Issue, Severity
from ..text import ticked_options
from . import values as v
from . import vocabulary as vocab
from .cell import Cell
from .labels import ticked_option, unit_statement_of_text

# A template's note on how to fill the field ("项目名称填写预算项目全称", "单位名称:请填写全称"): no value
_INSTRUCTION = re.compile(r"(?:请|应|须|需)?(?:按[^,，。]{0,10})?(?:填写|填列)")
_HAN = re.compile(r"[\u3400-\u9fff]")  # a name has a few: "专项", "指标标" are a label column's pieces
# two of them, anywhere: a name's test, which stops at the second instead of listing every one
_TWO_HAN = re.compile(r"[\u3400-\u9fff][^\u3400-\u9fff]*[\u3400-\u9fff]")
_SEAL = re.compile(r"[(（]?[盖蓋]章[)）]?")
_TO_FORM_UNIT = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}


# A check box, ticked or not: options and boxes printed in one cell are cut on it (kept).
_LABELLED = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")
_BOX = re.compile(f"([{re.escape(CHECKBOX_TICKED + CHECKBOX_EMPTY)}])")


class HeaderFields:
    form: Form
    issues: list[Issue]
    pending_field: tuple[str, int] | None
    field_rank: dict[str, int]
    orphans: list[Cell]
    orphans_before_label: list[Cell]
    category_cells: list[Cell] | None
    block_unit: str | None
    name_label_bare: bool

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
        if any(vocab.PAGE_COUNTER.search(c.text) or _BOX.search(c.text) for c in words):
            words = []  # the web page's own line ("发布时间:… 阅读次数:"), a ticked option: no name
        if self.pending_field[0] in ("project_name", "unit_name", "supervisor_name") and words:
            text = "".join(re.sub(r"\s+", "", c.text) for c in words)  # as printed, not the folded key
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
        elif self.pending_field[0] == "project_name" and self.form.project_name is None:
            self.name_label_bare = True  # its value may come after a column of labels
        self.pending_field = None

    def _name_after_labels(self) -> None:
        """A column of labels printed before its column of values (专项名称 | 部门名称 | … then
        重大动物疫病防控 | …): the first unlabelled words after the run, before the next field's label,
        name the project whose label stood bare."""
        words = [c for c in self.orphans_before_label if len(_HAN.findall(c.text)) >= 4 and len(c.key) <= 40]
        if not (self.name_label_bare and self.form.project_name is None and words):
            return
        self.name_label_bare = False
        self.pending_field = ("project_name", 2)
        self._set_field(words[0].text)
        if self.form.project_name:
            message = (
                f"project_name {self.form.project_name!r} printed after a column of labels, its own first"
            )
            self.note(Severity.INFO, "value_after_label_column", message, words[0].line_no)

    def _set_field(self, text: str) -> None:
        attr, rank = self.pending_field
        self.pending_field = None
        value = _SEAL.sub("", text).strip()
        value = v.strip_code(value).strip(" :：")
        if not value or v.is_blank(value) or unit_statement_of_text(value) or _INSTRUCTION.match(value):
            return
        if attr.endswith("_name") and not _TWO_HAN.search(value):
            return  # a figure, a date or a stray sign is never a name ("2019年…工程" is)
        if attr.endswith("_name") and _LABELLED.match(value):
            return  # "单位负责人:谭呈祥", "评价方式:…": another label's field, not this one's value
        if attr == "grade" and value not in vocab.GRADES:
            return
        if attr == "project_category" and re.fullmatch(r"(?:新增|延续|新|续)项目?", value):
            return  # 项目属性 新增/延续 says whether the project is new, not its category
        if attr == "project_category" and "<input" in value:  # HTML check boxes
            value = next(iter(ticked_options(value)), "")
            if not value:
                self.note(Severity.INFO, "category_not_ticked", "项目类别 is printed with no box ticked")
                return
        if attr == "project_category" and any(box in value for box in CHECKBOX_EMPTY):
            # options and their boxes in one cell ("新增项目□ 结转项目□ 经常性专项业务费√ 其他□")
            parts = [part.strip() for part in _BOX.split(value) if part.strip()]
            value = re.sub(r"\s", "", ticked_option(parts) or "")
            if not value:
                return
        if getattr(self.form, attr) is None or rank > self.field_rank.get(attr, -1):
            setattr(self.form, attr, value)
            self.field_rank[attr] = rank

    def _close_category(self) -> None:
        """Options printed with check boxes in cells of their own: the ticked one is the category.
        Options with no box at all ("1、部门预算项目 2、市直专项", the boxes lost) choose none."""
        cells, self.category_cells = self.category_cells, None
        if len(cells) > 1:
            chosen = ticked_option([c.text for c in cells])
            if chosen is None and all(len(c.key) <= 12 and v.has_han(c.text) for c in cells):
                chosen = ""
            if chosen is not None:
                self.form.project_category = chosen or None
            if chosen == "":
                self.note(Severity.INFO, "category_not_ticked", "项目类别 is printed with no box ticked")

    def _coded_unit_before(self, cell: Cell) -> None:
        """ "207101天津市河北区人民法院 | 单位:万元": a budget system prints the unit, with its code and no
        label, on the line that states the amount unit (or just before it, one cell a line)."""
        coded = [c for c in self.orphans if cell.row - 1 <= c.row <= cell.row and v.CODED_UNIT.match(c.key)]
        if coded and self.form.unit_name is None:
            self.form.unit_name = v.strip_code(coded[-1].text).strip()
            message = f"unit {self.form.unit_name!r} read from its code line, which has no label"
            self.note(Severity.INFO, "unit_from_code_line", message, cell.line_no)

    def _set_unit(self, unit: str) -> None:
        if self.form.amount_unit is None:
            self.form.amount_unit = unit

    def _set_amount(self, attr: str, label: Cell, amount, cell: Cell) -> None:
        stated = getattr(self.form, attr)
        if stated is not None:  # the first statement of a figure wins; another one must agree
            if amount.value != stated and (amount.unit in (None, self.form.amount_unit)):
                message = (
                    f"{label.text} {cell.text!r} differs from the {stated} stated before; the first is kept"
                )
                self.note(Severity.WARNING, "conflicting_amount", message, cell.line_no)
            return
        figure = amount.value
        if amount.unit is None and self.block_unit:
            amount = dataclasses.replace(amount, unit=self.block_unit)
        if self.form.amount_unit is None and amount.unit:
            self.form.amount_unit = amount.unit
            message = f"no unit stated for the form; {amount.unit} from {label.text} {cell.text!r}"
            self.note(Severity.INFO, "amount_unit_from_cell", message, cell.line_no)
        elif amount.unit and amount.unit != self.form.amount_unit:
            figure = (figure * _TO_FORM_UNIT[(amount.unit, self.form.amount_unit)]).quantize(Decimal("0.01"))
            message = f"{label.text} {cell.text!r} stored as {figure} {self.form.amount_unit}"
            self.note(Severity.INFO, "amount_unit_converted", message, cell.line_no)
        setattr(self.form, attr, figure)
