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
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from .. import lexicon
from ..model import BudgetItem, Form, FormType, Indicator, Issue, Severity
from ..numbers import parse_amount
from ..text import fold
from .tables import FieldReader, find_year, label_key, split_label

_BOXES = lexicon.CHECKBOX_TICKED + lexicon.CHECKBOX_EMPTY
_OPTION = re.compile(rf"([^\s{_BOXES}]+)\s*([{_BOXES}])")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_LONE_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_UNIT_MARK = re.compile(r"\((?:万元|元)\)")
_BUDGET_LABEL = re.compile(
    "|".join(re.escape(label) for label in sorted(lexicon.BUDGET_LABELS, key=len, reverse=True))
)
_OPS = re.escape("".join(sorted(lexicon.TARGET_OPERATORS)))
_TARGET_FIRST = re.compile(rf"^([{_OPS}]{{1,2}}\s*\d[\d.,]*%?)(\D.*)$")  # "=100.00%预算执行率"
_NAME_FIRST = re.compile(rf"^(\D+?)([{_OPS}]{{1,2}}\s*\d.*)$")  # "预算执行率≥95%"
_NARRATIVE_WIDTH = 32  # folded characters: prose wraps at 35-40, table rows stay under 30
_WRAPPED_NAME_WIDTH = 8  # a name line at least this long may wrap onto a short next line
_MAX_PAIR_GAP = 8  # pieces between a lone name and the lone target it may take
_LEVEL1_RANK = {label: rank for rank, family in enumerate(lexicon.LEVEL1_ORDER) for label in family}
_HEADER_KEYS = (
    lexicon.FORM_ROW_LABELS
    | set(lexicon.INDICATOR_HEADER)
    | set(lexicon.BUDGET_ITEM_HEADER)
    | lexicon.WRAPPER_LABELS
)


# --- pieces: the lines of a form, with wrapped labels and names joined -------------------------------


@dataclass
class Piece:
    """One line of text, or two when a label or name wrapped onto the next line."""

    index: int  # 0-based index of its first line
    text: str
    narrative: bool = False  # part of a prose paragraph

    @property
    def line_no(self) -> int:
        return self.index + 1

    @property
    def key(self) -> str:
        return fold(self.text)


def build_pieces(lines: list[str], start: int, end: int) -> list[Piece]:
    """Blocks (runs of non-blank lines) cut into pieces; prose blocks are marked, not dropped."""
    pieces: list[Piece] = []
    block: list[int] = []
    for i in range(start, end + 1):
        if i < end and lines[i].strip():
            block.append(i)
            continue
        if block:
            pieces.extend(_block_pieces(lines, block))
            block = []
    return pieces


def _block_pieces(lines: list[str], block: list[int]) -> list[Piece]:
    texts = [lines[i].strip() for i in block]
    if any(len(fold(t)) > _NARRATIVE_WIDTH or "。" in t for t in texts):
        return [Piece(i, t, narrative=True) for i, t in zip(block, texts, strict=True)]
    pieces, k = [], 0
    while k < len(block):
        text = texts[k]
        if k + 1 < len(block) and _joins(text, texts[k + 1]):
            pieces.append(Piece(block[k], text + texts[k + 1]))
            k += 2
        else:
            pieces.append(Piece(block[k], text))
            k += 1
    return pieces


def _joins(first: str, second: str) -> bool:
    """A label wrapped in a narrow column ("投入和管理目" / "标"), or a long name's last characters."""
    joined = label_key(first + second)
    if joined in lexicon.LEVEL1_LABELS or joined in lexicon.FORM_ROW_LABELS:
        return True
    if any(ch.isspace() for ch in first + second) or _has_box(first + second):
        return False
    tail = fold(second)
    return (
        len(fold(first)) >= _WRAPPED_NAME_WIDTH
        and len(tail) <= 3
        and tail not in lexicon.TARGET_WORDS
        and not _starts_like_target(tail)
    )


def _has_box(text: str) -> bool:
    return any(ch in _BOXES for ch in text)


def _starts_like_target(key: str) -> bool:
    return bool(key) and (key[0] in lexicon.TARGET_OPERATORS or key[0].isdigit())


def is_target_like(text: str) -> bool:
    """A target value printed alone ("=100.00%", "0次", "规范", "无"), as opposed to an indicator name."""
    key = fold(text)
    if not key:
        return False
    if _starts_like_target(key) or key in lexicon.TARGET_WORDS:
        return True
    if key.endswith(lexicon.INDICATOR_NAME_SUFFIXES):
        return False
    return len(key) <= 3


def _is_layout(piece: Piece) -> bool:
    """Row/column labels, the title and its year: text that frames the form rather than fills it."""
    tokens = piece.text.split()
    if tokens and all(label_key(t) in _HEADER_KEYS for t in tokens):
        return True
    key = piece.key
    return _form_title(piece.text) is not None or bool(re.fullmatch(r"\(\d{4}年度?\)", key))


def _is_indicator_header(piece: Piece) -> bool:
    roles = {lexicon.INDICATOR_HEADER.get(label_key(t)) for t in piece.text.split()}
    return "target" in roles or "name" in roles


def _form_title(line: str) -> FormType | None:
    key = fold(line)
    if not key or len(key) > 40:
        return None
    key = re.sub(r"\([^()]*\)$", "", key)
    for title, form_type in lexicon.FORM_TITLES.items():
        if key.endswith(title):
            return FormType(form_type)
    return None


def _head_label(line: str) -> str | None:
    key = label_key(line.strip())
    for label in lexicon.FORM_HEAD_LABELS:
        if key == label or key.startswith(label + ":"):
            return label
    return None


def _item_line(text: str) -> tuple[str, str] | None:
    """'通讯和安全测评费 1256856' → (name, amount); indicator rows and budget figures are not items."""
    parts = text.rsplit(None, 1)
    if len(parts) != 2 or not _LONE_NUMBER.match(unicodedata.normalize("NFKC", parts[1])):
        return None
    name = parts[0].strip()
    key = fold(name)
    if (
        not key
        or key[0].isdigit()
        or key.endswith(lexicon.INDICATOR_NAME_SUFFIXES)
        or _BUDGET_LABEL.search(key)
        or label_key(name) in _HEADER_KEYS
    ):
        return None
    return name, parts[1]


# --- forms ----------------------------------------------------------------------------------------------


@dataclass
class Region:
    start: int  # 0-based, first line of the form
    end: int  # exclusive
    title: int | None  # 0-based title line; None for a form cut off before its title
    form_type: FormType = FormType.TARGET


def split_forms(lines: list[str]) -> list[Region]:
    """One form per title; a form starts where a field-block label comes round again after the last title."""
    titles = [(i, t) for i, line in enumerate(lines) if (t := _form_title(line)) is not None]
    if not titles:
        return []
    content = [i for i, line in enumerate(lines) if line.strip()]
    starts = [content[0]]
    for (prev_title, _), (title, _) in zip(titles, titles[1:], strict=False):
        starts.append(_next_form_start(lines, starts[-1], prev_title, title))
    regions = [
        Region(start, starts[k + 1] if k + 1 < len(starts) else len(lines), title, form_type)
        for k, (start, (title, form_type)) in enumerate(zip(starts, titles, strict=True))
    ]
    # Text before the first form's own field block that holds form content is the tail of a form
    # cut off by the start of the file.
    first_head = next(
        (i for i in range(content[0], titles[0][0]) if _head_label(lines[i]) is not None), titles[0][0]
    )
    if first_head > content[0] and _has_form_content(lines[content[0] : first_head]):
        regions[0].start = first_head
        regions.insert(0, Region(content[0], first_head, None))
    return regions


def _next_form_start(lines: list[str], prev_start: int, prev_title: int, title: int) -> int:
    seen = {label for i in range(prev_start, prev_title) if (label := _head_label(lines[i]))}
    for i in range(prev_title + 1, title):
        label = _head_label(lines[i])
        if label is None:
            continue
        if label in seen:
            return i
        seen.add(label)
    return title


def _has_form_content(lines: list[str]) -> bool:
    """An indicator table's 一级 labels: a form's tail. Budget figures alone may be the next form's own,
    printed before its field block."""
    return any(fold(line) in lexicon.LEVEL1_LABELS for line in lines)


# --- the parse -----------------------------------------------------------------------------------------


@dataclass
class Event:
    """One piece of the indicator table: a 一级 label, a row (name and target), a lone name or a lone target."""

    kind: str  # "label" | "row" | "name" | "value"
    line_no: int
    text: str | None = None  # label text or lone target
    name: str | None = None
    target: str | None = None
    how: str | None = None  # for rows read from one piece in an unusual shape


@dataclass
class Row:
    name: str
    target: str | None
    line_no: int
    pos: int  # event index
    target_certain: bool
    alternatives: list[Event] = field(default_factory=list)
    value_event: Event | None = None
    level1: str | None = None
    level1_certain: bool = False


@dataclass
class Draft:
    form: Form
    seq: int
    rows: list[Row]
    labels: list[tuple[int, str]]  # (event index, printed label)
    stray_values: list[Event]


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    drafts = [read_form(lines, region, seq, issues) for seq, region in enumerate(split_forms(lines), 1)]
    memory = SiblingMemory(drafts)
    for draft in drafts:
        settle(draft, memory, issues)
    if len(drafts) > 1:
        _check_cut_off_end(drafts[-1], drafts[:-1], issues)
    return [draft.form for draft in drafts], issues


def _check_cut_off_end(last: Draft, others: list[Draft], issues: list[Issue]) -> None:
    """The last form lacks an 一级 group that every other form of the document prints: the file ends in it."""
    printed = [{_family(label) for _, label in draft.labels} for draft in others]
    common = set.intersection(*printed) - {None}
    missing = common - {_family(label) for _, label in last.labels}
    if missing and last.form.is_complete:
        last.form.is_complete = False
        shown = {_family(label): label for draft in others for _, label in draft.labels}
        names = "、".join(shown[family] for family in sorted(missing))
        note = _Notes(issues, last.seq)
        note.warning(
            "form_truncated_end",
            f"the last form prints no {names} group, which every other form of the document has: "
            "the file ends inside its indicator table; kept as a partial form",
            last.form.line_end,
        )


def read_form(lines: list[str], region: Region, seq: int, issues: list[Issue]) -> Draft:
    content = [i for i in range(region.start, region.end) if lines[i].strip()]
    form = Form(
        form_type=region.form_type,
        line_start=content[0] + 1 if content else region.start + 1,
        line_end=content[-1] + 1 if content else region.start + 1,
    )
    note = _Notes(issues, seq)
    fields = FieldReader(form, issues, seq)
    if region.title is not None:
        form.fiscal_year = _year_near(lines, region.title)
    pieces = build_pieces(lines, region.start, region.end)
    used = read_budget_figures(lines, region, fields, note)
    pieces = [p for p in pieces if p.index not in used]
    _read_header_fields(pieces, form, fields, note)
    _read_category(pieces, form, note)
    zone = _indicator_zone(pieces)
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


@dataclass
class _Notes:
    """Issue helper bound to one form."""

    issues: list[Issue]
    seq: int

    def info(self, code: str, message: str, line_no: int | None) -> None:
        self.issues.append(Issue(Severity.INFO, code, message, line_no, self.seq))

    def warning(self, code: str, message: str, line_no: int | None) -> None:
        self.issues.append(Issue(Severity.WARNING, code, message, line_no, self.seq))


def _year_near(lines: list[str], title: int) -> int | None:
    """The year printed in the title or on the line or two after it ("(2018年 )")."""
    nearby = [lines[title]] + [line for line in lines[title + 1 : title + 4] if line.strip()][:2]
    for line in nearby:
        year = find_year(line)
        if year:
            return year
    return None


# --- header fields and 项目类型 ---------------------------------------------------------------------------


def _read_header_fields(pieces: list[Piece], form: Form, fields: FieldReader, note: _Notes) -> None:
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
        if piece.narrative or _is_layout(piece) or _has_box(piece.text) or _item_line(piece.text):
            break
        if piece.key in lexicon.LEVEL1_LABELS or _budget_tokens(piece.text):
            break
        form.project_name = piece.text
        note.info(
            "project_name_by_position",
            f"项目名称 is printed apart from its value; read {piece.text!r}, the line after "
            f"申报单位名称 (line {pieces[unit_at].line_no}), as the project name",
            piece.line_no,
        )
        return


def _read_category(pieces: list[Piece], form: Form, note: _Notes) -> None:
    """项目类型 checkboxes: the ticked option(s) of the category row; the performance-type row is noted."""
    options: list[tuple[str, bool, int]] = []
    carry = ""
    for piece in pieces:
        if not _has_box(piece.text):
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


def _budget_tokens(line: str) -> list[tuple[str, str, str | None]] | None:
    """A line made only of budget labels, unit markers and numbers → [(kind, text, attr)]; else None."""
    text = unicodedata.normalize("NFKC", line).strip()
    tokens: list[tuple[str, str, str | None]] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace() or text[pos] == ":":
            pos += 1
            continue
        match = _BUDGET_LABEL.match(text, pos)
        if match:
            end = match.end()
            unit = _UNIT_MARK.match(text, end)
            end = unit.end() if unit else end
            tokens.append(("label", text[pos:end], lexicon.BUDGET_LABELS[match.group()]))
            pos = end
            continue
        match = _NUMBER.match(text, pos)
        if match:
            tokens.append(("number", match.group(), None))
            pos = match.end()
            continue
        return None
    return tokens if any(kind == "label" for kind, _, _ in tokens) else None


def _numbers_only(line: str) -> list[str]:
    """'305500' or '850000 850000' → the numbers; a line holding anything else → []."""
    text = unicodedata.normalize("NFKC", line).strip()
    return _NUMBER.findall(text) if re.fullmatch(r"(?:\d[\d,]*(?:\.\d+)?\s*)+", text) else []


@dataclass
class _Pending:
    text: str
    line_no: int
    order: int  # token position on its line


def read_budget_figures(lines: list[str], region: Region, fields: FieldReader, note: _Notes) -> set[int]:
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
                f"{_UNIT_MARK.sub('', label.text)} (line {label.line_no}) takes {number.text}, "
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
        tokens = _budget_tokens(text)
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
            if labels and not _UNIT_MARK.search(labels[-1].text):
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


def read_budget_items(pieces: list[Piece], zone: int | None, form: Form, note: _Notes) -> None:
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
        parsed = _item_line(piece.text)
        if parsed:
            items.append((piece, *parsed))
        elif (zone is None or k < zone) and _LONE_NUMBER.match(unicodedata.normalize("NFKC", piece.text)):
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
            and not (p.narrative or _is_layout(p) or _has_box(p.text) or _item_line(p.text))
            and len(p.text.split()) == 1
            and not _LONE_NUMBER.match(p.key)
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


# --- indicators: pieces → events → rows --------------------------------------------------------------------


def _indicator_zone(pieces: list[Piece]) -> int | None:
    """Index of the first piece of the indicator table: its header or its first 一级 label, moved back
    over the rows printed right before it (a file that starts in the middle of the table has no header)."""
    for k, piece in enumerate(pieces):
        if piece.narrative:
            continue
        if piece.key in lexicon.LEVEL1_LABELS or (_is_layout(piece) and _is_indicator_header(piece)):
            while k and _inside_table(pieces[k - 1]):
                k -= 1
            return k
    return None


def _inside_table(piece: Piece) -> bool:
    """A row-shaped piece, or one of the labels printed inside the indicator table (备注, 分解目标)."""
    if piece.narrative or _has_box(piece.text) or _item_line(piece.text) or _budget_tokens(piece.text):
        return False
    if _is_layout(piece):
        return _is_indicator_header(piece) or label_key(piece.text) in lexicon.INDICATOR_TABLE_LABELS
    return _form_title(piece.text) is None and piece.key not in lexicon.FIELD_LABELS


def indicator_events(pieces: list[Piece], note: _Notes) -> list[Event]:
    events: list[Event] = []
    for piece in pieces:
        if piece.narrative or _is_layout(piece) or _has_box(piece.text) or _item_line(piece.text):
            continue
        if piece.key in lexicon.LEVEL1_LABELS:
            events.append(Event("label", piece.line_no, text=piece.key))
            continue
        if piece.key in lexicon.LEVEL2_LABELS:
            note.info(
                "level2_label_ignored",
                f"二级 label {piece.text!r} outside a table row; ignored",
                piece.line_no,
            )
            continue
        events.extend(_piece_events(piece))
    return events


def _piece_events(piece: Piece) -> list[Event]:
    tokens = piece.text.split()
    line = piece.line_no
    if len(tokens) == 1:
        token = tokens[0]
        glued = _TARGET_FIRST.match(token)
        if glued and not is_target_like(glued.group(2)):
            return [
                Event(
                    "row", line, name=glued.group(2), target=glued.group(1), how="target printed before name"
                )
            ]
        glued = _NAME_FIRST.match(token)
        if glued and fold(glued.group(1)).endswith(lexicon.INDICATOR_NAME_SUFFIXES):
            return [
                Event(
                    "row",
                    line,
                    name=glued.group(1),
                    target=glued.group(2),
                    how="name and target run together",
                )
            ]
        if is_target_like(token):
            return [Event("value", line, text=token)]
        return [Event("name", line, name=token)]
    kinds = [is_target_like(t) for t in tokens]
    if len(tokens) >= 4 and len(tokens) % 2 == 0 and kinds == [False, True] * (len(tokens) // 2):
        return [
            Event("row", line, name=tokens[k], target=tokens[k + 1], how="several rows on one line")
            for k in range(0, len(tokens), 2)
        ]
    if len(tokens) == 2 and kinds == [True, False]:
        return [Event("row", line, name=tokens[1], target=tokens[0], how="target printed before name")]
    if kinds[-1]:
        return [Event("row", line, name=" ".join(tokens[:-1]), target=tokens[-1])]
    return [Event("row", line, name=tokens[0], target=" ".join(tokens[1:]))]


def pair_names_and_values(events: list[Event]) -> tuple[list[Row], list[Event]]:
    """Rows from row events, and lone names paired with lone targets: order kept, least total distance."""
    names = [k for k, e in enumerate(events) if e.kind == "name"]
    values = [k for k, e in enumerate(events) if e.kind == "value"]
    n, m = len(names), len(values)
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    step: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j and abs(names[i - 1] - values[j - 1]) <= _MAX_PAIR_GAP:
                pairs, cost = best[i - 1][j - 1]
                options.append(((pairs + 1, cost - abs(names[i - 1] - values[j - 1])), "pair"))
            if i:
                options.append((best[i - 1][j], "name"))
            if j:
                options.append((best[i][j - 1], "value"))
            best[i][j], step[i][j] = max(options, key=lambda option: option[0])
    paired: dict[int, int] = {}
    i, j = n, m
    while i or j:
        move = step[i][j]
        if move == "pair":
            paired[names[i - 1]] = values[j - 1]
            i, j = i - 1, j - 1
        elif move == "name":
            i -= 1
        else:
            j -= 1
    rows: list[Row] = []
    for k, event in enumerate(events):
        if event.kind == "row":
            rows.append(Row(event.name or "", event.target, event.line_no, k, target_certain=True))
        elif event.kind == "name":
            value_at = paired.get(k)
            value = events[value_at] if value_at is not None else None
            row = Row(
                event.name or "", value.text if value else None, event.line_no, k, False, value_event=value
            )
            row.alternatives = [events[v] for v in _candidates(names, values, k, value_at, events)]
            rows.append(row)
    taken = set(paired.values())
    stray = [events[v] for v in values if v not in taken]
    return rows, stray


def _candidates(
    names: list[int], values: list[int], name_at: int, chosen: int | None, events: list[Event]
) -> list[int]:
    """Other lone targets this name could as well have taken: those between its neighbouring lone names
    that are nearer to it than to any other name, or all of them when its own target is nearer another name."""
    k = names.index(name_at)
    low = names[k - 1] if k else -1
    high = names[k + 1] if k + 1 < len(names) else 10**9
    window = [v for v in values if low < v < high and v != chosen]
    if chosen is not None:
        chosen_text = fold(events[chosen].text or "")
        window = [v for v in window if fold(events[v].text or "") != chosen_text]
    if chosen is not None and _nearest_name(names, chosen) != name_at:
        return window
    return [v for v in window if _nearest_name(names, v) == name_at]


def _nearest_name(names: list[int], value_at: int) -> int:
    return min(names, key=lambda n: (abs(n - value_at), n))


# --- 一级: where the labels are, what the names say, what sibling forms say ---------------------------------


def _family(label: str | None) -> int | None:
    return _LEVEL1_RANK.get(fold(label)) if label else None


def _is_management(name: str) -> bool:
    return any(word in name for word in lexicon.INPUT_MANAGEMENT_KEYWORDS)


def place_rows(draft: Draft, events: list[Event], note: _Notes) -> None:
    """一级 by label position (labels open their rows, or close them when printed back to back), then by name."""
    labels = draft.labels
    if not labels:
        if draft.rows:
            note.warning("no_level1_labels", "indicator rows found but no 一级 label", draft.rows[0].line_no)
        return
    trailing_at = _labels_after_rows(labels, events)
    if trailing_at is not None:
        note.warning(
            "level1_labels_after_rows",
            "一级 labels are printed back to back (or after the last row), so each label follows "
            "its rows here: rows take the next label printed after them",
            trailing_at,
        )
    management = next((label for _, label in labels if _family(label) == 0), None)
    orphans = 0
    for row in draft.rows:
        before = [label for pos, label in labels if pos < row.pos]
        after = [label for pos, label in labels if pos > row.pos]
        if trailing_at is None:
            row.level1, row.level1_certain = (before[-1], True) if before else (after[0], False)
            orphans += not before
        else:
            row.level1, row.level1_certain = (after[0], False) if after else (before[-1], False)
        if management and _is_management(row.name):
            if row.level1 != management:
                note.warning(
                    "level1_by_indicator_name",
                    f"{row.name!r} is printed among the {row.level1} rows but is a budget/finance/management "
                    f"indicator; filed under {management}",
                    row.line_no,
                )
            row.level1, row.level1_certain = management, True
    if orphans:
        note.warning(
            "indicators_before_first_label",
            f"{orphans} indicator row(s) come before any 一级 label; they take the first label after them",
            draft.rows[0].line_no,
        )


def _labels_after_rows(labels: list[tuple[int, str]], events: list[Event]) -> int | None:
    """Line of a label with no row between it and the next, different label (or the end): labels trail."""
    rowish = [k for k, e in enumerate(events) if e.kind in ("row", "name")]
    for n, (pos, label) in enumerate(labels):
        following = labels[n + 1][0] if n + 1 < len(labels) else len(events)
        if any(pos < k < following for k in rowish):
            continue
        if n + 1 < len(labels) and fold(labels[n + 1][1]) == fold(label):
            continue  # the same label printed again at a page break
        return events[pos].line_no
    return None


class SiblingMemory:
    """Indicators read with certainty, by (unit, name): evidence for the same indicator on a sibling form."""

    def __init__(self, drafts: list[Draft]) -> None:
        self.level1: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        self.target: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        for draft in drafts:
            unit = fold(draft.form.unit_name or "")
            for row in draft.rows:
                key = (unit, fold(row.name))
                if row.level1_certain and row.level1:
                    self.level1.setdefault(key, []).append((draft.seq, row.level1, row.line_no))
                if row.target_certain and row.target:
                    self.target.setdefault(key, []).append((draft.seq, row.target, row.line_no))

    @staticmethod
    def _lookup(table: dict, draft: Draft, name: str) -> tuple[str, int, int] | None:
        entries = [
            e for e in table.get((fold(draft.form.unit_name or ""), fold(name)), []) if e[0] != draft.seq
        ]
        if not entries or len({fold(value) for _, value, _ in entries}) != 1:
            return None
        seq, value, line = entries[0]
        return value, seq, line

    def level1_for(self, draft: Draft, name: str) -> tuple[str, int, int] | None:
        return self._lookup(self.level1, draft, name)

    def target_for(self, draft: Draft, name: str) -> tuple[str, int, int] | None:
        return self._lookup(self.target, draft, name)


def settle(draft: Draft, memory: SiblingMemory, issues: list[Issue]) -> None:
    """Settle uncertain rows from sibling forms, note every guess, and build the form's indicators in order."""
    note = _Notes(issues, draft.seq)
    printed = {fold(label): label for _, label in draft.labels}
    stray = list(draft.stray_values)
    for row in draft.rows:
        if not row.level1_certain and row.level1 is not None:
            sibling = memory.level1_for(draft, row.name)
            if sibling and fold(sibling[0]) in printed and fold(sibling[0]) != fold(row.level1):
                note.warning(
                    "level1_from_sibling_form",
                    f"{row.name!r}: the labels here suggest {row.level1}; the same indicator of this unit on "
                    f"form {sibling[1]} (line {sibling[2]}) is under {sibling[0]}, which this form also prints",
                    row.line_no,
                )
                row.level1 = printed[fold(sibling[0])]
        if not row.target_certain:
            _settle_target(draft, row, memory, stray, note)
    for value in stray:
        note.warning(
            "stray_target_value",
            f"target value {value.text!r} has no indicator name to go with; ignored",
            value.line_no,
        )
    ordered = sorted(draft.rows, key=_order_key)
    if [id(row) for row in ordered] != [id(row) for row in draft.rows]:
        note.info(
            "indicators_reordered",
            "indicator rows are read out of their 一级 order; put back in the form's order "
            "(一级 groups in printed order, rows in reading order within a group)",
            draft.rows[0].line_no,
        )
    draft.form.indicators = [
        Indicator(level1=row.level1, level2=None, name=row.name, target=row.target, line_no=row.line_no)
        for row in ordered
    ]
    _check_form(draft.form, note)


def _order_key(row: Row) -> int:
    family = _family(row.level1)
    return family if family is not None else len(lexicon.LEVEL1_ORDER)


def _settle_target(draft: Draft, row: Row, memory: SiblingMemory, stray: list[Event], note: _Notes) -> None:
    if row.value_event is None:
        note.warning("target_not_found", f"{row.name!r}: no target value found for it", row.line_no)
        return
    chosen = row.value_event
    alternatives = [e for e in row.alternatives if e in stray]
    sibling = memory.target_for(draft, row.name)
    if sibling and fold(sibling[0]) != fold(chosen.text or ""):
        match = next((e for e in alternatives if fold(e.text or "") == fold(sibling[0])), None)
        if match is not None:
            stray.remove(match)
            stray.append(chosen)
            row.target, row.value_event = match.text, match
            note.warning(
                "target_from_sibling_form",
                f"{row.name!r}: lone targets {chosen.text!r} (line {chosen.line_no}) and {match.text!r} "
                f"(line {match.line_no}) follow it; took {match.text!r}, the target of the same indicator of "
                f"this unit on form {sibling[1]} (line {sibling[2]})",
                row.line_no,
            )
            return
    shown = ", ".join(f"{e.text!r} (line {e.line_no})" for e in row.alternatives)
    if row.alternatives:
        note.warning(
            "ambiguous_target_pairing",
            f"{row.name!r} is printed without its target; took {chosen.text!r} (line {chosen.line_no}), "
            f"pairing lone names and lone targets in reading order; other candidates: {shown}",
            row.line_no,
        )
    else:
        note.info(
            "target_apart_from_name",
            f"{row.name!r} takes the lone target {chosen.text!r} printed on line {chosen.line_no}",
            row.line_no,
        )


def _check_form(form: Form, note: _Notes) -> None:
    line = form.line_start
    if not form.indicators:
        form.is_complete = False
        note.warning("no_indicators", "the form has no indicator table", line)
    for attr, label in (("project_name", "项目名称"), ("unit_name", "申报单位名称"), ("fiscal_year", "年度")):
        if getattr(form, attr) is None and form.is_complete:
            note.warning(f"missing_{attr}", f"{label} not found on the form", line)
    if form.amount_unit is None and any(
        getattr(form, a) is not None for a in ("budget_total", "budget_current", "prior_year_budget")
    ):
        note.warning("amount_unit_unknown", "amounts printed without a unit", line)
