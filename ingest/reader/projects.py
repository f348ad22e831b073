"""A department's project list: one table, one row per indicator, each project's own columns
(单位名称 | 项目名称 | 预算数 | 年度目标) printed before 一级指标 on its first row, as budget systems
export it. The table (``table.IndicatorTable.projects``) cuts the rows into projects; here the
header's project columns are found and each project becomes a form of its own."""

from __future__ import annotations

import dataclasses

from ..model import Form, Severity
from ..numbers import parse_amount
from . import values as v
from . import vocabulary as vocab
from .categories import header_role
from .cell import Cell
from .labels import field_for, is_label
from .settle import Note, assume_unit, note_missing_fields


def project_columns(cells: list[Cell], k: int) -> list[str]:
    """The meanings of the label cells printed on the header row before the table's header (cell
    k), when they name the project: a project list. [] for an ordinary form."""
    start = k
    while start > 0 and cells[start - 1].row == cells[k].row and is_label(cells[start - 1]):
        start -= 1
    columns = []
    for cell in cells[start:k]:
        named = field_for(cell.key)
        columns.append(named[0] if named else vocab.AMOUNTS.get(cell.key, "other"))
    if columns and header_role(cells[k].key) == "wrapper":
        columns.append("other")  # 年度绩效目标: the project's goal sentence, a column of its own
    return columns if "project_name" in columns else []


def forms_of_projects(
    template: Form, groups: list[tuple[dict[str, str], list]], list_ended: bool, seq: int, note: Note
) -> list[Form]:
    """One form per project of the list: the shared fields of the form it was printed in, the
    project's own columns and its rows. A unit printed once holds for the projects after it."""
    forms = []
    unit = template.unit_name
    for values, indicators in groups:
        form = dataclasses.replace(template, indicators=indicators, budget_items=[])
        unit = v.strip_code(values.get("unit_name") or "") or unit
        form.unit_name, form.project_name = unit, values.get("project_name")
        if values.get("project_category"):
            form.project_category = v.strip_code(values["project_category"]) or form.project_category
        amount = parse_amount(values.get("budget_current"))
        form.budget_current = amount.value if amount else None
        if amount and amount.unit and form.amount_unit is None:
            form.amount_unit = amount.unit  # "250万": the cell states it
        forms.append(form)
    if not forms:
        return [template]
    note(
        Severity.INFO,
        "project_list",
        f"a list of {len(forms)} projects, one row per indicator: one form each",
    )
    for k, form in enumerate(forms):
        note_missing_fields(form, note, seq + k)
        assume_unit(form, note, seq + k)
    if not list_ended:
        forms[-1].is_complete = False
        message = f"the list ends inside {forms[-1].project_name!r}: its rows may be cut off"
        note(Severity.WARNING, "form_truncated_end", message, forms[-1].line_end, seq + len(forms) - 1)
    return forms
