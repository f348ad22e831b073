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
from ..model import Form, Issue, Severity
from ..numbers import parse_amount, unit_from_label
from ..reader.items import MAX_LABEL_CHARS as _MAX_LABEL_CHARS
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


def compose_target(operator: str | None, value: str | None, unit: str | None) -> str | None:
    """A target printed in three cells (指标性质 / 指标值 / 度量单位) as one printed text.

    '≥', '95', '%' → '≥95%'. An 指标性质 that is a word (定性, 定量, 正向指标) is not part of the
    target; a unit the value already ends with is not repeated. No 指标值, no target.
    """
    value = (value or "").strip()
    if not value:
        return None
    sign = (operator or "").replace(" ", "")
    signs = re.sub(
        r"^\d{3}(?=\D)", "", sign
    )  # "004 >=": Yunnan's system prints the nature's code; kept as printed
    prefix = sign if signs and all(ch in lexicon.TARGET_OPERATORS for ch in signs) else ""
    suffix = (unit or "").strip()
    if suffix in ("无", "/", "-") or suffix and value.endswith(suffix):  # 度量单位 "无": no unit
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


# No label is longer than this; longer cells are prose and are not folded while looking for labels.


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
