"""PDF text in scrambled reading order, put back in the form's order: a front-end of the form reader.

The 2018 上海市财政支出项目绩效目标申报表 comes out of PDF text extraction with its reading order
scrambled. A form's column of row labels comes first, then its title, then the values. Budget
figures print before their labels ("6314599 6314599项目总预算（元） 项目当年预算（元）"). An
indicator's name and its target can sit on different lines. 一级 labels come before, inside or
after their rows, and a 子项目 amount can be far from its name.

This front-end knows only how the pieces were scattered and how to put them back. It writes each
form out again as the rows of a tab-separated form, in the form's order, and the form reader
(``read_forms``) reads those rows like any other form: its header fields, figures, 子项目 lines
and indicator table. Each row it writes keeps the source line it was put together from
(``Reordered.origins``), so what the reader reports points at the source text.

* **forms** (``reorder_pieces.split_forms``): one per title. A form begins where a field-block label
  (项目名称, 项目类型, …) comes round a second time, so fields printed before their title stay with
  their form.
* **field block**: ``label：value`` lines as printed; the project name, whose label is printed with
  the other row labels far from its value, is the line right after 申报单位名称; the 项目类型
  check boxes in their two rows (the category, then 资金用途).
* **budget figures**: labels and numbers paired in reading order, numbers printed before their
  labels and on a later line included; a label with no number near it is left out (not stated).
* **子项目 lines**: a name followed by an amount; a lone amount goes to a lone name, which the
  lines' sum against 项目总预算 confirms.
* **indicator rows** (``reorder_rows``, ``reorder_settle``): names and targets paired, each row's
  一级 found by where the labels are, what its name says and what sibling forms of the same unit
  print; the rows written back in the form's 一级 order.

Every pairing that is not on one line, and every guess, becomes an Issue with its source line.
``read_reordered`` (``parse.FRONT_ENDS``) puts the text back, has the form reader read it, and
points the reader's line numbers back at the source (``renumber``).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from .. import lexicon
from ..model import Form, Issue
from ..numbers import parse_amount
from ..text import fold
from .form import read_forms
from .labels import ticked_option
from .reorder_pieces import (
    BOXES,
    LONE_NUMBER,
    NUMBER,
    UNIT_MARK,
    FormNotes,
    Piece,
    Region,
    budget_tokens,
    build_pieces,
    has_box,
    is_layout,
    is_target_like,
    item_line,
    label_key,
    split_forms,
)
from .reorder_rows import indicator_events, indicator_zone, pair_names_and_values
from .reorder_settle import Draft, SiblingMemory, check_cut_off_end, place_rows, settle
from .values import nfkc

# The header written over the indicator rows. The 2018 form prints 一级 labels, names and targets
# in three columns (分解目标 | 绩效指标 | 指标目标值); the header names them as the reader's vocabulary
# does, since 分解目标 and 绩效指标 are also a row label and a wrapper label.
TABLE_HEADER = "一级指标\t三级指标\t指标目标值"
ITEM_HEADER = "子项目名称\t预算金额"


@dataclass
class Reordered:
    """The text put back in its forms' order: one tab-separated row per line, each with the 1-based
    source line it was put together from, and the issues of putting it back."""

    lines: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # form_seq: the form's number in ``starts``
    starts: list[int] = field(default_factory=list)  # each form's first written line (1-based; 0: none)
    cut_off: set[int] = field(default_factory=set)  # numbers of the forms the file ends inside

    def add(self, text: str, origin: int) -> None:
        self.lines.append(text)
        self.origins.append(origin)


@dataclass
class _Form:
    """One form's pieces as put back: rows to write before its indicator table, and its rows."""

    region: Region
    head: list[tuple[str, int]]
    draft: Draft
    # 子项目 lines: written after the indicator table, which a budget-line table before it runs into
    items: list[tuple[str, int]]


def reorder(lines: list[str]) -> Reordered | None:
    """The forms of scrambled text as rows in their order; None when the text holds no such form."""
    regions = split_forms(lines)
    if not regions:
        return None
    out = Reordered()
    forms = [_read_region(lines, region, seq, out.issues) for seq, region in enumerate(regions, 1)]
    drafts = [form.draft for form in forms]
    memory = SiblingMemory(drafts)
    for draft in drafts:
        settle(draft, memory, out.issues)
    if len(drafts) > 1:
        check_cut_off_end(drafts[-1], drafts[:-1], out.issues)
    for form in forms:
        _write(form, out)
    return out


def renumber(forms: list[Form], issues: list[Issue], origins: list[int]) -> None:
    """Line numbers of rows written by ``reorder`` back to the source lines they came from."""

    def source(line_no: int | None) -> int | None:
        return origins[line_no - 1] if line_no and 0 < line_no <= len(origins) else line_no

    for form in forms:
        span = origins[form.line_start - 1 : form.line_end]
        form.line_start, form.line_end = (min(span), max(span)) if span else (form.line_start, form.line_end)
        for row in form.indicators:
            row.line_no = source(row.line_no)
        for item in form.budget_items:
            item.line_no = source(item.line_no)
    for issue in issues:
        issue.line_no = source(issue.line_no)


def _write(form: _Form, out: Reordered) -> None:
    region, draft = form.region, form.draft
    start = len(out.lines)
    for text, origin in form.head:
        out.add(text, origin)
    if draft.rows:
        out.add(TABLE_HEADER, draft.rows[0].line_no)
    level1 = None
    for row in draft.rows:
        shown = row.level1 if row.level1 != level1 else ""
        level1 = row.level1
        out.add(f"{shown or ''}\t{row.name}\t{row.target or ''}", row.line_no)
    for text, origin in form.items:
        out.add(text, origin)
    out.starts.append(start + 1 if len(out.lines) > start else 0)
    if len(out.lines) > start:
        out.origins[start] = region.start + 1  # a form starts at its first line in reading order
    if not draft.is_complete:
        out.cut_off.add(draft.seq)


def _read_region(lines: list[str], region: Region, seq: int, issues: list[Issue]) -> _Form:
    """One form's pieces: the field block, budget figures and 子项目 lines as rows, and its
    indicator rows with their 一级 by position."""
    note = FormNotes(issues, seq)
    head: list[tuple[str, int]] = []
    if region.title is not None:
        head.append((lines[region.title].strip(), region.title + 1))
        head += [(lines[i].strip(), i + 1) for i in _year_lines(lines, region.title)]
    pieces = build_pieces(lines, region.start, region.end)
    figures, used = _budget_figures(lines, region, note)
    pieces = [p for p in pieces if p.index not in used]
    unit = _field_block(pieces, head, note)
    head += _category_rows(pieces, note)
    head += figures
    zone = indicator_zone(pieces)
    items = _budget_items(pieces, zone, figures, note)
    events = indicator_events(pieces[zone:] if zone is not None else [], note)
    for event in events:
        if event.how:
            note.info(
                "indicator_row_reshaped", f"{event.name!r} = {event.target!r}: {event.how}", event.line_no
            )
    rows, stray = pair_names_and_values(events)
    labels = [(k, e.text) for k, e in enumerate(events) if e.kind == "label" and e.text]
    content = [i for i in range(region.start, region.end) if lines[i].strip()]
    line_end = content[-1] + 1 if content else region.start + 1
    draft = Draft(seq, unit, rows, labels, stray, line_end)
    place_rows(draft, events, note)
    return _Form(region, head, draft, items)


def _year_lines(lines: list[str], title: int) -> list[int]:
    """The line just under the title that states its year ("(2018年 )")."""
    after = [i for i in range(title + 1, min(title + 4, len(lines))) if lines[i].strip()][:1]
    return [i for i in after if re.fullmatch(r"[(（]\s*\d{4}\s*年度?\s*[)）]", lines[i].strip())]


# --- the field block and 项目类型 --------------------------------------------------------------------------


def _field_block(pieces: list[Piece], head: list[tuple[str, int]], note: FormNotes) -> str:
    """``label：value`` lines as printed; the project name, printed apart from its label, is the line
    under 申报单位名称. The folded 申报单位名称 line is returned: forms of one unit are siblings."""
    unit_at, unit, named = None, "", False
    for k, piece in enumerate(pieces):
        if piece.narrative or (":" not in piece.text and "：" not in piece.text):
            continue
        label = lexicon.FIELD_LABELS.get(label_key(re.split(r"[:：]", piece.text, maxsplit=1)[0]))
        if label in ("unit_name", "supervisor_name", "project_name"):
            head.append((piece.text, piece.line_no))
            named = named or label == "project_name"
            if label == "unit_name" and unit_at is None:
                unit_at, unit = k, piece.key
    if named or unit_at is None:
        return unit
    for piece in pieces[unit_at + 1 :]:
        if piece.narrative or is_layout(piece) or has_box(piece.text) or item_line(piece.text):
            break
        if piece.key in lexicon.LEVEL1_LABELS or budget_tokens(piece.text):
            break
        head.append((f"项目名称\t{piece.text}", piece.line_no))
        note.info(
            "project_name_by_position",
            f"项目名称 is printed apart from its value; read {piece.text!r}, the line after "
            f"申报单位名称 (line {pieces[unit_at].line_no}), as the project name",
            piece.line_no,
        )
        break
    return unit


def _category_rows(pieces: list[Piece], note: FormNotes) -> list[tuple[str, int]]:
    """项目类型's check boxes as two rows: the category options, then the 资金用途 (performance type)
    options, which the 2020 forms print as 绩效类型 and which are not the category. A row wrapped
    mid-word ("政" / "府购买服务□") is joined back."""
    rows: dict[str, list[Piece]] = {"项目类型": [], "资金用途": []}
    for piece in pieces:
        if has_box(piece.text):
            second = any(option in piece.key for option in lexicon.PERFORMANCE_TYPE_OPTIONS)
            rows["资金用途" if second else "项目类型"].append(piece)
    written = []
    for label, boxes in rows.items():
        if boxes:
            text = ""
            for piece in boxes:
                glue = "" if text and not has_box(text[-1]) and not text[-1].isspace() else "    "
                text = f"{text}{glue}{piece.text}" if text else piece.text
            written.append((f"{label}\t{text}", boxes[0].line_no))
    if rows["资金用途"]:
        option = ticked_option([part.strip() for part in re.split(f"([{BOXES}])", text) if part.strip()])
        ticks = [p.line_no for p in rows["资金用途"] if set(p.text) & set(lexicon.CHECKBOX_TICKED)]
        if option and ticks:
            note.info(
                "performance_type_ticked",
                f"项目类型 also ticks {option!r} in its second row (the performance type, 绩效类型 on later "
                "forms); not stored as project_category",
                ticks[0],
            )
    return written


# --- budget figures ---------------------------------------------------------------------------------------


def _numbers_only(line: str) -> list[str]:
    """'305500' or '850000 850000' → the numbers; a line holding anything else → []."""
    text = nfkc(line).strip()  # NFKC, memoised on the line
    return NUMBER.findall(text) if re.fullmatch(r"(?:\d[\d,]*(?:\.\d+)?\s*)+", text) else []


@dataclass
class _Pending:
    text: str
    line_no: int
    order: int  # token position on its line


def _budget_figures(
    lines: list[str], region: Region, note: FormNotes
) -> tuple[list[tuple[str, int]], set[int]]:
    """Budget labels and numbers paired in reading order, as ``label\\tfigure`` rows; the line
    indices used are returned too."""
    used: set[int] = set()
    rows: list[tuple[str, int]] = []
    labels: deque[_Pending] = deque()
    numbers: deque[_Pending] = deque()

    def pair(label: _Pending, number: _Pending) -> None:
        rows.append((f"{label.text}\t{number.text}", number.line_no))
        if number.line_no != label.line_no or number.order < label.order:
            where = (
                "before it" if (number.line_no, number.order) < (label.line_no, label.order) else "after it"
            )
            note.info(
                "budget_value_apart",
                f"{UNIT_MARK.sub('', label.text)} (line {label.line_no}) takes {number.text}, "
                f"printed {where} on line {number.line_no}",
                number.line_no,
            )

    def close() -> None:
        while labels:
            label = labels.popleft()
            note.info(
                "budget_value_blank",
                f"{label.text} has no number near it; stored as not stated",
                label.line_no,
            )
        while numbers:
            number = numbers.popleft()
            note.warning(
                "budget_value_without_label",
                f"number {number.text} printed with budget labels but none left to take it; ignored",
                number.line_no,
            )

    for i in range(region.start, region.end):
        text = lines[i].strip()
        if not text:
            continue
        tokens = budget_tokens(text)
        key = fold(text)
        if tokens:
            used.add(i)
            for order, (kind, token) in enumerate(tokens):
                item = _Pending(token, i + 1, order)
                if kind == "label" and numbers:
                    pair(item, numbers.popleft())
                elif kind == "label":
                    labels.append(item)
                elif labels:
                    pair(labels.popleft(), item)
                else:
                    numbers.append(item)
        elif key in ("(元)", "(万元)"):  # the unit of a wrapped label, on a line of its own
            used.add(i)
            if labels and not UNIT_MARK.search(labels[-1].text):
                labels[-1].text += key
        elif labels and _numbers_only(text):
            used.add(i)  # the numbers of the labels above, on a line of their own
            for order, number in enumerate(_numbers_only(text)):
                item = _Pending(number, i + 1, order)
                if labels:
                    pair(labels.popleft(), item)
                else:
                    numbers.append(item)
        else:
            close()
    close()
    return rows, used


# --- 子项目 budget lines ----------------------------------------------------------------------------------


def _budget_items(
    pieces: list[Piece], zone: int | None, figures: list[tuple[str, int]], note: FormNotes
) -> list[tuple[str, int]]:
    """子项目 lines (name + amount) anywhere in the form, as rows under a 子项目名称 header; a lone
    amount goes to a lone name, which the lines' sum against 项目总预算 confirms."""
    if not any(
        lexicon.BUDGET_ITEM_HEADER.get(label_key(t)) == "item_name" for p in pieces for t in p.text.split()
    ):
        return []
    items: list[tuple[Piece, str, str]] = []
    lone_amounts: list[Piece] = []
    for k, piece in enumerate(pieces):
        if piece.narrative:
            continue
        parsed = item_line(piece.text)
        if parsed:
            items.append((piece, *parsed))
        elif (zone is None or k < zone) and LONE_NUMBER.match(nfkc(piece.text)):  # NFKC, memoised
            lone_amounts.append(piece)
    if not items and not lone_amounts:
        return []
    lone_names: list[Piece] = []
    if lone_amounts and items:
        first, last = items[0][0].index, items[-1][0].index
        lone_names = [
            p
            for k, p in enumerate(pieces)
            if first < p.index < last
            and (zone is None or k < zone)
            and not (p.narrative or is_layout(p) or has_box(p.text) or item_line(p.text))
            and len(p.text.split()) == 1
            and not LONE_NUMBER.match(p.key)
            and not is_target_like(p.text)
        ]
    for name_piece, amount_piece in zip(lone_names, lone_amounts, strict=False):
        items.append((name_piece, name_piece.text, amount_piece.text))
    items.sort(key=lambda item: item[0].index)
    total = _budget_total(figures)
    summed = sum((_amount(amount) for _, _, amount in items), Decimal(0))
    for name_piece, amount_piece in zip(lone_names, lone_amounts, strict=False):
        confirmed = total is not None and summed == total
        note.warning(
            "budget_item_amount_apart",
            f"子项目 {name_piece.text!r} has no amount on its line; took the lone amount {amount_piece.text} "
            f"(line {amount_piece.line_no}){'; the lines then add up to 项目总预算' if confirmed else ''}",
            name_piece.line_no,
        )
    for piece in lone_amounts[len(lone_names) :]:
        note.warning(
            "budget_item_amount_without_name",
            f"amount {piece.text} sits among the 子项目 lines with no name to pair it with; ignored",
            piece.line_no,
        )
    if total is not None and items and summed != total:
        note.warning(
            "budget_items_total_mismatch",
            f"子项目 lines sum to {summed} but 项目总预算 is {total}",
            items[0][0].line_no,
        )
    if not items:
        return []
    return [(ITEM_HEADER, items[0][0].line_no)] + [
        (f"{name}\t{amount}", p.line_no) for p, name, amount in items
    ]


def _amount(text: str) -> Decimal:
    amount = parse_amount(text)
    return amount.value if amount else Decimal(0)


def _budget_total(figures: list[tuple[str, int]]) -> Decimal | None:
    """项目总预算 as paired, to check the 子项目 lines' sum against."""
    for row, _ in figures:
        label, figure = row.split("\t")
        if lexicon.BUDGET_LABELS.get(label_key(label)) == "budget_total":
            return _amount(figure)
    return None


def read_reordered(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    """The forms of scrambled text: put back in order here, read by the form reader. The issues of
    putting a form back go with the form the reader read from its rows."""
    out = reorder(lines)
    if out is None:
        return [], []
    forms, issues = read_forms(out.lines)
    read_as = {
        k: n
        for k, start in enumerate(out.starts, 1)
        for n, form in enumerate(forms, 1)
        if form.line_start <= start <= form.line_end
    }
    for issue in out.issues:
        issue.form_seq = read_as.get(issue.form_seq) if issue.form_seq else None
    for k in out.cut_off & read_as.keys():
        forms[read_as[k] - 1].is_complete = False
    renumber(forms, issues, out.origins)
    return forms, out.issues + issues
