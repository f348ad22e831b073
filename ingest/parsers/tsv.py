"""Tab-separated form text (web and spreadsheet exports): layouts `tsv_target` and `tsv_district_target`.

Both keep table cells apart with tabs, so one reader serves them; what differs between them —
label and value in one cell or two, a 金额单位 line, a form printed as several sheets, indicator
columns shifted by a merged cell, a 项目构成分解 table — is found from the labels, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import lexicon
from ..model import Form, FormType, Indicator, Issue, Severity
from ..text import fold, split_cells
from .tables import (
    BudgetItemTable,
    FieldReader,
    IndicatorTable,
    check_form,
    find_year,
    is_budget_item_header,
    is_indicator_header,
    label_key,
    split_label,
    unit_statement,
)


@dataclass
class Segment:
    start: int  # 0-based index of the first line
    end: int  # exclusive
    form_type: FormType
    has_title: bool


def form_title(cells: list[str]) -> tuple[FormType, bool] | None:
    """(form type, is a continuation sheet) when the row is a form title."""
    if not cells:
        return None
    key = fold(cells[0])
    if len(key) > 40 or any(cells[1:]):
        return None
    for title, form_type in lexicon.FORM_TITLES.items():
        if title in key:
            return FormType(form_type), key.endswith(lexicon.CONTINUATION_SHEETS)
    return None


def split_forms(lines: list[str]) -> list[Segment]:
    """Cut the document at form titles; text before the first title is a form only if it holds form content."""
    starts: list[tuple[int, FormType]] = []
    for i, line in enumerate(lines):
        title = form_title(split_cells(line))
        if title and not (title[1] and starts):
            starts.append((i, title[0]))
    segments = [
        Segment(start, starts[k + 1][0] if k + 1 < len(starts) else len(lines), form_type, True)
        for k, (start, form_type) in enumerate(starts)
    ]
    preamble_end = starts[0][0] if starts else len(lines)
    if _has_form_content(lines[:preamble_end]):
        first_text = next(i for i, line in enumerate(lines) if line.strip())
        segments.insert(0, Segment(first_text, preamble_end, _guess_form_type(lines[:preamble_end]), False))
    return segments


def _has_form_content(lines: list[str]) -> bool:
    for line in lines:
        cells = split_cells(line)
        if is_indicator_header(cells):
            return True
        if any(label_key(split_label(cell)[0]) in lexicon.BUDGET_LABELS for cell in cells):
            return True
    return False


def _guess_form_type(lines: list[str]) -> FormType:
    text = fold("".join(lines))
    return FormType.SELF_EVAL if "全年执行数" in text or "年初预算数" in text else FormType.TARGET


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    forms = [read_form(lines, segment, seq, issues) for seq, segment in enumerate(split_forms(lines), 1)]
    return forms, issues


def read_form(lines: list[str], segment: Segment, seq: int, issues: list[Issue]) -> Form:
    form = Form(form_type=segment.form_type, line_start=segment.start + 1, line_end=segment.end)
    fields = FieldReader(form, issues, seq)
    indicators: IndicatorTable | None = None
    items: BudgetItemTable | None = None
    tables: list[IndicatorTable] = []
    last_content = segment.start
    last_table_row: tuple[int, IndicatorTable, Indicator | None] | None = None
    for i in range(segment.start, segment.end):
        line_no = i + 1
        cells = split_cells(lines[i])
        if not any(cells):
            indicators = items = None  # a blank line ends a table
            continue
        last_content = i
        if is_indicator_header(cells):
            indicators, items = IndicatorTable.from_header(cells, seq, issues), None
            tables.append(indicators)
            continue
        if is_budget_item_header(cells):
            indicators, items = None, BudgetItemTable.from_header(cells, seq, issues, form.budget_items)
            continue
        if indicators and not _ends_table(cells):
            indicator = indicators.read_row(cells, line_no)
            if indicator:
                form.indicators.append(indicator)
            last_table_row = (i, indicators, indicator)
            continue
        if items and items.read_row(cells, line_no):
            continue
        indicators = items = None
        _read_unit_line(cells, form)
        if form.fiscal_year is None and len(fold(cells[0])) <= 20:
            form.fiscal_year = find_year(cells[0])
        fields.read(cells, line_no)
    form.line_end = last_content + 1
    if segment.end == len(lines) and last_table_row and last_table_row[0] == last_content:
        _check_cut_off_row(lines[last_content], *last_table_row[1:], form, seq, issues)
    _note_shifted_rows(tables, form, seq, issues)
    check_form(form, seq, issues, segment.has_title)
    return form


def _check_cut_off_row(
    line: str, table: IndicatorTable, row: Indicator | None, form: Form, seq: int, issues: list[Issue]
) -> None:
    """The document ends on an indicator row with fewer cells than its header and no target: the file
    was cut off inside the table (a blank target cell would still have its tab)."""
    if len(line.split("\t")) >= len(table.roles) or (row is not None and row.target):
        return
    form.is_complete = False
    what = f"row {row.name!r} stops before its target" if row else "the last category label has no rows"
    issues.append(
        Issue(
            Severity.WARNING,
            "form_truncated_end",
            f"the document ends inside the indicator table ({what}; {len(line.split(chr(9)))} of "
            f"{len(table.roles)} columns printed); kept as a partial form",
            form.line_end,
            seq,
        )
    )


def _ends_table(cells: list[str]) -> bool:
    key = fold(cells[0]) if cells[0] else ""
    return bool(key) and (key.startswith(lexicon.TABLE_END_LABELS) or form_title(cells) is not None)


def _read_unit_line(cells: list[str], form: Form) -> None:
    """'金额单位：万元' or '项目资金（万元）' sets the unit every amount on the form is printed in."""
    for cell in cells:
        unit = unit_statement(cell)
        if unit:
            form.amount_unit = unit


def _note_shifted_rows(tables: list[IndicatorTable], form: Form, seq: int, issues: list[Issue]) -> None:
    shifted = sum(table.shifted_rows for table in tables)
    if shifted:
        issues.append(
            Issue(
                Severity.INFO,
                "indicator_columns_shifted",
                f"{shifted} indicator row(s) sit one or more columns right of their header "
                "(a merged cell such as 绩效目标 takes the 一级 column); categories read from their labels",
                form.line_start,
                seq,
            )
        )
