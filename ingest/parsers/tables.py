"""Reading tables out of cell rows: header fields, indicator tables and budget-line tables.

Shared by every layout whose text keeps table cells apart (tabs today). Roles come from the
header labels in ``lexicon``; category cells are recognised by their labels, so a table whose
columns are shifted or whose merged cells were dropped still reads right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import lexicon
from ..model import BudgetItem, Form, Indicator, Issue, Severity
from ..numbers import parse_amount, parse_decimal, unit_from_label
from ..text import fold, ticked_options

_UNIT_MARKER = re.compile(r"\((?:万元|元)\)")
_LINE_PREFIX = re.compile(lexicon.BUDGET_LINE_PREFIX)
_YEAR = re.compile(r"(?:^|[(（\s])(\d{4})\s*年(?:度)?\s*(?:[)）]|绩效目标|$)")
_TO_YUAN = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}


def label_key(text: str) -> str:
    """Folded label with numbering ("一、", "（一）") and unit markers ("（元）") removed."""
    key = _UNIT_MARKER.sub("", fold(text))
    return _LINE_PREFIX.sub("", key)


def split_label(cell: str) -> tuple[str, str | None]:
    """'申报单位名称：上海市…' → ('申报单位名称', '上海市…'); a cell without a colon is all label.

    A sub-row prefix is layout: '其中：年度本级预算金额' → ('年度本级预算金额', None).
    """
    match = re.search(r"[:：]", cell)
    if not match:
        return cell, None
    head, tail = cell[: match.start()], cell[match.end() :].strip() or None
    if tail and fold(head) in lexicon.SUBTOTAL_PREFIXES:
        return split_label(tail)
    return head, tail


def unit_statement(cell: str) -> str | None:
    """The money unit a cell states for the whole form: '金额单位：万元', '单位：元', or a fund block
    heading with a unit marker ('项目资金（万元）'); None for any other cell."""
    key = fold(cell)
    if key.startswith(lexicon.AMOUNT_UNIT_LABELS):
        return "万元" if "万元" in key else "元"
    if label_key(cell) in lexicon.AMOUNT_UNIT_BLOCK_LABELS:
        return unit_from_label(cell)
    return None


def compose_target(operator: str | None, value: str | None, unit: str | None) -> str | None:
    """A target printed in three cells (指标性质 / 指标值 / 度量单位) as one printed text.

    '≥', '95', '%' → '≥95%'. An 指标性质 that is a word (定性, 定量, 正向指标) is not part of the
    target; a unit the value already ends with is not repeated. No 指标值, no target.
    """
    value = (value or "").strip()
    if not value:
        return None
    sign = (operator or "").replace(" ", "")
    prefix = sign if sign and all(ch in lexicon.TARGET_OPERATORS for ch in sign) else ""
    suffix = (unit or "").strip()
    if suffix and value.endswith(suffix):
        suffix = ""
    return f"{prefix}{value}{suffix}"


def find_year(text: str) -> int | None:
    match = _YEAR.search(fold(text).replace("(", " (").replace("（", " （"))
    if match:
        year = int(match.group(1))
        if 1990 <= year <= 2100:
            return year
    return None


@dataclass
class FieldReader:
    """Fills a form's header fields and budget figures from label/value cells."""

    form: Form
    issues: list[Issue]
    form_seq: int
    seen: set[str] = field(default_factory=set)

    def read(self, cells: list[str], line_no: int) -> bool:
        """Consume every label in the row; True when at least one was recognised."""
        consumed = False
        for i, cell in enumerate(cells):
            head, tail = split_label(cell)
            if len(head) > _MAX_LABEL_CHARS:
                continue
            key = label_key(head)
            attr = lexicon.FIELD_LABELS.get(key) or lexicon.BUDGET_LABELS.get(key)
            if attr is None:
                continue
            value = tail or self._next_value(cells, i)
            consumed = True
            if attr in lexicon.BUDGET_LABELS.values():
                self._set_amount(attr, head, value, line_no)
            else:
                self._set_text(attr, value, line_no)
        return consumed

    @staticmethod
    def _next_value(cells: list[str], i: int) -> str | None:
        """The cell right after a label; a blank cell means 'not stated', and a label is never a value."""
        if i + 1 >= len(cells):
            return None
        value = cells[i + 1]
        key = label_key(split_label(value)[0])
        if key in lexicon.FIELD_LABELS or key in lexicon.BUDGET_LABELS:
            return None
        return value or None

    def _set_text(self, attr: str, value: str | None, line_no: int) -> None:
        if attr == "project_category" and value and "<input" in value:
            ticked = ticked_options(value)
            if not ticked:
                self.issues.append(
                    Issue(
                        Severity.INFO,
                        "category_not_ticked",
                        "项目类别: no option is ticked",
                        line_no,
                        self.form_seq,
                    )
                )
            value = "、".join(ticked) or None
        if not value:
            return
        current = getattr(self.form, attr)
        if current is None:
            setattr(self.form, attr, value)
        elif fold(current) != fold(value):
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "conflicting_field",
                    f"{attr} printed twice with different values: {current!r} kept, {value!r} ignored",
                    line_no,
                    self.form_seq,
                )
            )

    def _set_amount(self, attr: str, label: str, value: str | None, line_no: int) -> None:
        if attr in self.seen:
            self._check_repeat(attr, label, value, line_no)
            return  # the first statement of a figure wins; sheets repeat them
        self.seen.add(attr)
        label_unit = unit_from_label(label)
        if label_unit and self.form.amount_unit is None:
            self.form.amount_unit = label_unit
        amount = parse_amount(value)
        if value and (amount is None or _several_numbers(value)):
            what = "holds several numbers, so none is taken" if amount else "is not a number"
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "unreadable_amount",
                    f"{label.strip()} {value!r} {what}",
                    line_no,
                    self.form_seq,
                )
            )
            return
        if amount is None:
            return  # blank: not stated, stays NULL
        figure = amount.value
        form_unit = self.form.amount_unit or label_unit or amount.unit
        if self.form.amount_unit is None:
            self.form.amount_unit = form_unit
            if form_unit and not label_unit:
                self.issues.append(
                    Issue(
                        Severity.INFO,
                        "amount_unit_from_cell",
                        f"no unit printed in a label or heading; {label.strip()} {value!r} carries it: {form_unit}",
                        line_no,
                        self.form_seq,
                    )
                )
        if amount.unit and form_unit and amount.unit != form_unit:
            figure = (figure * _TO_YUAN[(amount.unit, form_unit)]).quantize(Decimal("0.01"))
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "amount_unit_converted",
                    f"{label.strip()} printed {value!r}; stored as {figure} {form_unit} (the form's unit)",
                    line_no,
                    self.form_seq,
                )
            )
        setattr(self.form, attr, figure)

    def _check_repeat(self, attr: str, label: str, value: str | None, line_no: int) -> None:
        """A figure stated again (年度资金总额 and 年度本级预算金额 both mean the year's budget) must agree."""
        amount = parse_amount(value)
        current = getattr(self.form, attr)
        if amount is None or current is None:
            return
        figure = amount.value
        if amount.unit and self.form.amount_unit and amount.unit != self.form.amount_unit:
            figure = (figure * _TO_YUAN[(amount.unit, self.form.amount_unit)]).quantize(Decimal("0.01"))
        if figure != current:
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "conflicting_amount",
                    f"{attr} stated twice with different figures: {current} kept, {label.strip()} {value!r} ignored",
                    line_no,
                    self.form_seq,
                )
            )


def _several_numbers(value: str) -> bool:
    """'850,000 850,000': two figures side by side (a blank cell's neighbour moved in), not one split number."""
    parts = value.split()
    return len(parts) > 1 and all(parse_amount(part) is not None for part in parts)


def is_category_label(text: str) -> bool:
    key = fold(text)
    return key in lexicon.LEVEL1_LABELS or key in lexicon.LEVEL2_LABELS or key in lexicon.WRAPPER_LABELS


# No label is longer than this; longer cells are prose and are not folded while looking for labels.
_MAX_LABEL_CHARS = 40


def header_roles(cells: list[str], header: dict[str, str]) -> list[str | None]:
    return [header.get(fold(cell)) if len(cell) <= _MAX_LABEL_CHARS else None for cell in cells]


def is_indicator_header(cells: list[str]) -> bool:
    roles = header_roles(cells, lexicon.INDICATOR_HEADER)
    return "name" in roles and ("level1" in roles or "target" in roles)


@dataclass
class IndicatorTable:
    """One indicator table: roles from its header, 一级/二级 carried down over empty cells."""

    roles: list[str | None]
    form_seq: int
    issues: list[Issue]
    level1: str | None = None
    level2: str | None = None
    shifted_rows: int = 0

    @classmethod
    def from_header(cls, cells: list[str], form_seq: int, issues: list[Issue]) -> IndicatorTable:
        roles = header_roles(cells, lexicon.INDICATOR_HEADER)
        while roles and roles[-1] is None:
            roles.pop()
        return cls(roles, form_seq, issues)

    @property
    def name_col(self) -> int:
        return self.roles.index("name")

    def read_row(self, cells: list[str], line_no: int) -> Indicator | None:
        if not any(cells):
            return None
        # A row with more cells than the header has an extra leading column (e.g. a merged
        # "绩效目标" cell); category labels sitting where the name belongs push it right too.
        extra = max(0, len(cells) - len(self.roles))
        col = self.name_col + extra
        while col < len(cells) and (not cells[col] or is_category_label(cells[col])):
            col += 1
        if col >= len(cells):
            self._read_categories(cells, len(cells), line_no)
            return None  # a row of category labels only
        if col != self.name_col:
            self.shifted_rows += 1
        self._read_categories(cells, col, line_no)
        values = dict(zip(self.roles[self.name_col + 1 :], cells[col + 1 :], strict=False))
        target = values.get("target") or None
        if "target_operator" in self.roles or "target_unit" in self.roles:
            target = self._composed_target(values, cells[col], line_no)
        return Indicator(
            level1=self.level1,
            level2=self.level2,
            name=cells[col],
            target=target,
            line_no=line_no,
            actual=values.get("actual") or None,
            weight=parse_decimal(values.get("weight")),
            score=parse_decimal(values.get("score")),
            deviation_reason=values.get("deviation_reason") or None,
            note=values.get("note") or None,
        )

    def _composed_target(self, values: dict[str, str], name: str, line_no: int) -> str | None:
        parts = [values.get(role) or "" for role in ("target_operator", "target", "target_unit")]
        target = compose_target(*parts)
        if any(parts):
            self.issues.append(target_composed_issue(name, parts, target, line_no, self.form_seq))
        return target

    def _read_categories(self, cells: list[str], name_col: int, line_no: int) -> None:
        """Category cells left of the name: by label where known, else by position (二级 next to the name)."""
        for i, cell in enumerate(cells[:name_col]):
            if not cell:
                continue
            key = fold(cell)
            if key in lexicon.WRAPPER_LABELS:
                continue
            if key in lexicon.LEVEL1_LABELS and not (key in lexicon.LEVEL2_LABELS and i == name_col - 1):
                self.level1, self.level2 = cell, None
            elif key in lexicon.LEVEL2_LABELS or i == name_col - 1:
                self.level2 = cell
                if key not in lexicon.LEVEL2_LABELS:
                    self._unknown_label(cell, "二级", line_no)
            else:
                self.level1, self.level2 = cell, None
                self._unknown_label(cell, "一级", line_no)

    def _unknown_label(self, cell: str, level: str, line_no: int) -> None:
        self.issues.append(
            Issue(
                Severity.INFO,
                "unknown_category_label",
                f"{level} label {cell!r} is not in the lexicon; read from its column position",
                line_no,
                self.form_seq,
            )
        )


def target_composed_issue(
    name: str, parts: list[str], target: str | None, line_no: int, form_seq: int
) -> Issue:
    """The info issue for a target put together from its 指标性质 / 指标值 / 度量单位 cells."""
    shown = " | ".join(part or "(blank)" for part in parts)
    dropped = parts[0] and not (target or "").startswith(parts[0].replace(" ", ""))
    note = f"; 指标性质 {parts[0]!r} is not a sign and is left out" if dropped else ""
    return Issue(
        Severity.INFO,
        "target_composed",
        f"{name!r}: target printed in three cells (指标性质 | 指标值 | 度量单位: {shown}), read as {target!r}{note}",
        line_no,
        form_seq,
    )


def is_budget_item_header(cells: list[str]) -> bool:
    roles = header_roles(cells, lexicon.BUDGET_ITEM_HEADER)
    return "item_name" in roles and "amount" in roles


@dataclass
class BudgetItemTable:
    """项目构成分解 / 子项目 lines, positioned by their header; a 合计 row is a check, not an item."""

    roles: list[str | None]
    form_seq: int
    issues: list[Issue]
    items: list[BudgetItem] = field(default_factory=list)

    @classmethod
    def from_header(
        cls, cells: list[str], form_seq: int, issues: list[Issue], items: list[BudgetItem]
    ) -> BudgetItemTable:
        return cls(header_roles(cells, lexicon.BUDGET_ITEM_HEADER), form_seq, issues, items)

    def read_row(self, cells: list[str], line_no: int) -> bool:
        """Read one row; False when the row is not a budget line (the table has ended)."""
        values: dict[str, str] = {}
        for role, cell in zip(self.roles, cells, strict=False):
            if role and cell and role not in values:
                values[role] = cell
        if cells and "合计" in fold(cells[0]):
            self._check_total(values.get("amount"), line_no)
            return False
        if not values.get("item_name"):
            return False
        amount = parse_amount(values.get("amount"))
        self.items.append(
            BudgetItem(
                item_name=values["item_name"],
                amount=amount.value if amount else None,
                line_no=line_no,
                item_group=values.get("item_group"),
                unit_price=parse_decimal(values.get("unit_price")),
                quantity=parse_decimal(values.get("quantity")),
                note=values.get("note"),
            )
        )
        return True

    def _check_total(self, printed: str | None, line_no: int) -> None:
        total = parse_amount(printed)
        summed = sum((item.amount or Decimal(0)) for item in self.items)
        if total and total.value != summed:
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "budget_items_total_mismatch",
                    f"budget lines sum to {summed} but 合计 prints {total.value}",
                    line_no,
                    self.form_seq,
                )
            )


def check_form(form: Form, form_seq: int, issues: list[Issue], has_title: bool) -> None:
    """Warnings every parser owes a form: cut off at the start, no indicator table, a titled form
    whose project name, unit or year was not found, amounts printed without a unit."""
    line = form.line_start
    if not has_title:
        form.is_complete = False
        issues.append(
            Issue(
                Severity.WARNING,
                "form_truncated_start",
                "the document starts in the middle of a form: its title, unit and project name are missing; "
                "kept as a partial form",
                line,
                form_seq,
            )
        )
    if not form.indicators:
        form.is_complete = False
        issues.append(
            Issue(Severity.WARNING, "no_indicators", "the form has no indicator table", line, form_seq)
        )
    if has_title:
        check_header_fields(form, form_seq, issues)


def check_header_fields(form: Form, form_seq: int, issues: list[Issue]) -> None:
    """Warnings for a titled form whose project name, unit or year was not found, or whose amounts
    carry no unit."""
    line = form.line_start
    for attr, label in (("project_name", "项目名称"), ("unit_name", "单位"), ("fiscal_year", "年度")):
        if getattr(form, attr) is None:
            issues.append(
                Issue(Severity.WARNING, f"missing_{attr}", f"{label} not found on the form", line, form_seq)
            )
    if form.amount_unit is None and any(
        getattr(form, a) is not None for a in ("budget_total", "budget_current", "prior_year_budget")
    ):
        issues.append(
            Issue(Severity.WARNING, "amount_unit_unknown", "amounts printed without a unit", line, form_seq)
        )
