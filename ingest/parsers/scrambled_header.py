"""The field block, 项目类型, budget figures and 子项目 lines of a scrambled PDF form (``pdf_scrambled_target``).

- **header fields** (``read_header_fields``): 申报单位名称, 主管部门 and 项目名称 by their labels
  through the shared ``FieldReader``; a 项目名称 printed apart from its value is read by position,
  from the line under 申报单位名称;
- **项目类型** (``read_category``): the ticked option(s) of the category checkbox row;
- **budget figures** (``read_budget_figures``): labels and numbers paired in reading order, numbers
  printed before their labels and on later lines included; the lines used are left out of the
  pieces the other steps read;
- **子项目 lines** (``read_budget_items``): a name followed by an amount; a lone amount is paired
  with a lone name, and the lines are checked against 项目总预算;
- the form's **year** (``year_near_title``), printed in the title or just under it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from .. import lexicon
from ..model import BudgetItem, Form
from ..numbers import parse_amount
from ..text import fold
from .scrambled_pieces import (
    BOXES,
    LONE_NUMBER,
    NUMBER,
    UNIT_MARK,
    FormNotes,
    Piece,
    Region,
    budget_tokens,
    has_box,
    is_layout,
    is_target_like,
    item_line,
)
from .tables import FieldReader, find_year, label_key, split_label

_OPTION = re.compile(rf"([^\s{BOXES}]+)\s*([{BOXES}])")


def year_near_title(lines: list[str], title: int) -> int | None:
    """The year printed in the title or on the line or two after it ("(2018年 )")."""
    nearby = [lines[title]] + [line for line in lines[title + 1 : title + 4] if line.strip()][:2]
    for line in nearby:
        year = find_year(line)
        if year:
            return year
    return None


# --- header fields and 项目类型 ---------------------------------------------------------------------------


def read_header_fields(pieces: list[Piece], form: Form, fields: FieldReader, note: FormNotes) -> None:
    """申报单位名称, 主管部门 and 项目名称 by their labels; 项目名称 by position when printed apart."""
    unit_at = None
    for k, piece in enumerate(pieces):
        if piece.narrative:
            continue
        head, tail = split_label(piece.text)
        attr = lexicon.FIELD_LABELS.get(label_key(head))
        if attr in ("unit_name", "supervisor_name", "project_name") and tail:
            fields.read([piece.text], piece.line_no)
            if attr == "unit_name" and unit_at is None:
                unit_at = k
    if form.project_name is not None or unit_at is None:
        return
    # The 项目名称 label prints with the other row labels; its value is the row under 申报单位名称.
    for piece in pieces[unit_at + 1 :]:
        if piece.narrative or is_layout(piece) or has_box(piece.text) or item_line(piece.text):
            break
        if piece.key in lexicon.LEVEL1_LABELS or budget_tokens(piece.text):
            break
        form.project_name = piece.text
        note.info(
            "project_name_by_position",
            f"项目名称 is printed apart from its value; read {piece.text!r}, the line after "
            f"申报单位名称 (line {pieces[unit_at].line_no}), as the project name",
            piece.line_no,
        )
        return


def read_category(pieces: list[Piece], form: Form, note: FormNotes) -> None:
    """项目类型 checkboxes: the ticked option(s) of the category row; the performance-type row is noted."""
    options: list[tuple[str, bool, int]] = []
    carry = ""
    for piece in pieces:
        if not has_box(piece.text):
            carry = ""
            continue
        text = carry + piece.text
        matches = list(_OPTION.finditer(text))
        for match in matches:
            options.append((fold(match.group(1)), match.group(2) in lexicon.CHECKBOX_TICKED, piece.line_no))
        carry = text[matches[-1].end() :].strip() if matches else ""  # "…政策补贴类□  政" / "府购买服务□"
    if not options:
        return
    order = {name: k for k, name in enumerate(lexicon.PROJECT_CATEGORY_OPTIONS)}
    ticked = [(name, line) for name, is_ticked, line in options if is_ticked]
    category = sorted((t for t in ticked if t[0] in order), key=lambda t: order[t[0]])
    performance = [t for t in ticked if t[0] in lexicon.PERFORMANCE_TYPE_OPTIONS]
    unknown = [t for t in ticked if t[0] not in order and t[0] not in lexicon.PERFORMANCE_TYPE_OPTIONS]
    for name, line in unknown:
        note.warning(
            "unknown_category_option",
            f"项目类型 option {name!r} is ticked but is not a known option; kept in project_category",
            line,
        )
    chosen = category + unknown
    line = options[0][2]
    if chosen:
        form.project_category = "、".join(name for name, _ in chosen)
        if len(chosen) > 1:
            note.warning("several_categories_ticked", f"项目类型 ticks {form.project_category}", chosen[1][1])
    else:
        note.info("category_not_ticked", "项目类型: no option of the category row is ticked", line)
    for name, tick_line in performance:
        note.info(
            "performance_type_ticked",
            f"项目类型 also ticks {name!r} in its second row (the performance type, 绩效类型 on later forms); "
            "not stored as project_category",
            tick_line,
        )


# --- budget figures ---------------------------------------------------------------------------------------


def _numbers_only(line: str) -> list[str]:
    """'305500' or '850000 850000' → the numbers; a line holding anything else → []."""
    text = unicodedata.normalize("NFKC", line).strip()
    return NUMBER.findall(text) if re.fullmatch(r"(?:\d[\d,]*(?:\.\d+)?\s*)+", text) else []


@dataclass
class _Pending:
    text: str
    line_no: int
    order: int  # token position on its line


def read_budget_figures(lines: list[str], region: Region, fields: FieldReader, note: FormNotes) -> set[int]:
    """Pair budget labels and numbers in reading order; the line indices used are returned."""
    used: set[int] = set()
    labels: deque[_Pending] = deque()
    numbers: deque[_Pending] = deque()

    def pair(label: _Pending, number: _Pending) -> None:
        fields.read([label.text, number.text], number.line_no)
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
            for order, (kind, token, _) in enumerate(tokens):
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
    return used


# --- 子项目 budget lines ----------------------------------------------------------------------------------


def read_budget_items(pieces: list[Piece], zone: int | None, form: Form, note: FormNotes) -> None:
    """子项目 lines (name + amount) anywhere in the form; a lone amount goes to a lone name, checked by the sum."""
    if not any(
        lexicon.BUDGET_ITEM_HEADER.get(label_key(t)) == "item_name" for p in pieces for t in p.text.split()
    ):
        return
    items: list[tuple[Piece, str, str]] = []
    lone_amounts: list[Piece] = []
    for k, piece in enumerate(pieces):
        if piece.narrative:
            continue
        parsed = item_line(piece.text)
        if parsed:
            items.append((piece, *parsed))
        elif (zone is None or k < zone) and LONE_NUMBER.match(unicodedata.normalize("NFKC", piece.text)):
            lone_amounts.append(piece)
    if not items and not lone_amounts:
        return
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
    for piece, name, amount_text in items:
        amount = parse_amount(amount_text)
        form.budget_items.append(BudgetItem(name, amount.value if amount else None, piece.line_no))
    total = sum((item.amount or Decimal(0)) for item in form.budget_items)
    for name_piece, amount_piece in zip(lone_names, lone_amounts, strict=False):
        confirmed = form.budget_total is not None and total == form.budget_total
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
    if form.budget_total is not None and total != form.budget_total:
        note.warning(
            "budget_items_total_mismatch",
            f"子项目 lines sum to {total} but 项目总预算 is {form.budget_total}",
            form.budget_items[0].line_no if form.budget_items else form.line_start,
        )
