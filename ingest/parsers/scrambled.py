"""PDF text in scrambled reading order: layout `pdf_scrambled_target`.

The 2018 上海市财政支出项目绩效目标申报表 comes out of PDF text extraction with its reading order
scrambled. A form's column of row labels comes first, then its title, then the values. Budget
figures print before their labels ("6314599 6314599项目总预算（元） 项目当年预算（元）"). An
indicator's name and its target can sit on different lines. 一级 labels come before, inside or
after their rows, and a 子项目 amount can be far from its name. Nothing is where a table would put
it, so this parser reads each form as a set of labelled pieces and reassembles them by their
labels and the form's structure:

* **forms**: one per title. A form begins where a field-block label (项目名称, 项目类型, …) comes
  round a second time, so fields printed before their form's title stay with that form.
* **budget figures**: labels and numbers are paired in reading order, including numbers printed
  before their labels and numbers on a later line than their label. The shared ``FieldReader``
  stores them.
* **子项目 lines**: a name followed by an amount. A lone amount is paired with a lone name, and the
  lines are checked against 项目总预算.
* **indicators**: a line holding a name and a target is a row. Lone names and lone targets are
  paired in order, by least distance. 一级 labels open the rows after them, or close the rows
  before them when two labels are printed back to back. Input-and-management indicators go to
  投入和管理 by their name. Rows the form cannot place are settled by the same indicator printed
  cleanly on a sibling form of the same unit in the document. Finally the rows are put back in the
  form's 一级 order.

Every pairing that is not on one line, and every guess, becomes an Issue with its line number.

Where each part lives:

* this module: ``parse`` and ``read_form``, the steps of reading one form in their order;
* ``scrambled_pieces``: pieces, what kind of text each piece is, and the cut into forms;
* ``scrambled_header``: header fields, 项目类型, budget figures and 子项目 lines;
* ``scrambled_rows``: the indicator table as events, and names paired with targets into rows;
* ``scrambled_settle``: 一级 of each row, what sibling forms settle, the final indicators and checks.
"""

from __future__ import annotations

from ..model import Form, Issue
from .scrambled_header import (
    read_budget_figures,
    read_budget_items,
    read_category,
    read_header_fields,
    year_near_title,
)
from .scrambled_pieces import FormNotes, Region, build_pieces, split_forms
from .scrambled_rows import indicator_events, indicator_zone, pair_names_and_values
from .scrambled_settle import Draft, SiblingMemory, check_cut_off_end, place_rows, settle
from .tables import FieldReader


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    drafts = [read_form(lines, region, seq, issues) for seq, region in enumerate(split_forms(lines), 1)]
    memory = SiblingMemory(drafts)
    for draft in drafts:
        settle(draft, memory, issues)
    if len(drafts) > 1:
        check_cut_off_end(drafts[-1], drafts[:-1], issues)
    return [draft.form for draft in drafts], issues


def read_form(lines: list[str], region: Region, seq: int, issues: list[Issue]) -> Draft:
    """One form's region: budget figures first (their lines are then left out of the pieces), the
    header fields, 项目类型, 子项目 lines, the indicator rows and their 一级 by position."""
    content = [i for i in range(region.start, region.end) if lines[i].strip()]
    form = Form(
        form_type=region.form_type,
        line_start=content[0] + 1 if content else region.start + 1,
        line_end=content[-1] + 1 if content else region.start + 1,
    )
    note = FormNotes(issues, seq)
    fields = FieldReader(form, issues, seq)
    if region.title is not None:
        form.fiscal_year = year_near_title(lines, region.title)
    pieces = build_pieces(lines, region.start, region.end)
    used = read_budget_figures(lines, region, fields, note)
    pieces = [p for p in pieces if p.index not in used]
    read_header_fields(pieces, form, fields, note)
    read_category(pieces, form, note)
    zone = indicator_zone(pieces)
    read_budget_items(pieces, zone, form, note)
    events = indicator_events(pieces[zone:] if zone is not None else [], note)
    for event in events:
        if event.how:
            note.info(
                "indicator_row_reshaped", f"{event.name!r} = {event.target!r}: {event.how}", event.line_no
            )
    rows, stray = pair_names_and_values(events)
    labels = [(k, e.text) for k, e in enumerate(events) if e.kind == "label" and e.text]
    draft = Draft(form, seq, rows, labels, stray)
    place_rows(draft, events, note)
    if region.title is None:
        form.is_complete = False
        note.warning(
            "form_truncated_start",
            "the document starts in the middle of a form: its title and field block are missing; "
            "kept as a partial form",
            form.line_start,
        )
    return draft
