"""Indicator rows of a scrambled PDF form: pieces → events → rows (``pdf_scrambled_target``).

The indicator table starts at its header or first 一级 label (``indicator_zone``). Each piece after
that becomes one or more **events** (``indicator_events``): a 一级 label, a row (a name and its
target on one line, in whatever order and shape they were printed), a lone name or a lone target.
``pair_names_and_values`` then makes the **rows**: row events as they are, and lone names paired with
lone targets in reading order, by least total distance; every other target a name could as well have
taken is kept on the row, for ``reorder_settle`` to weigh against sibling forms. ``reorder`` writes
the rows out for the form reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lexicon
from ..text import fold
from .reorder_pieces import (
    FormNotes,
    Piece,
    budget_tokens,
    form_title,
    has_box,
    is_layout,
    is_target_like,
    item_line,
    label_key,
)

_OPS = re.escape("".join(sorted(lexicon.TARGET_OPERATORS)))
_TARGET_FIRST = re.compile(rf"^([{_OPS}]{{1,2}}\s*\d[\d.,]*%?)(\D.*)$")  # "=100.00%预算执行率"
_NAME_FIRST = re.compile(rf"^(\D+?)([{_OPS}]{{1,2}}\s*\d.*)$")  # "预算执行率≥95%"
_MAX_PAIR_GAP = 8  # pieces between a lone name and the lone target it may take


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
    """An indicator row: a row event, or a lone name with the lone target paired to it (if any)."""

    name: str
    target: str | None
    line_no: int
    pos: int  # event index
    target_certain: bool
    alternatives: list[Event] = field(default_factory=list)
    value_event: Event | None = None
    level1: str | None = None
    level1_certain: bool = False


def _is_indicator_header(piece: Piece) -> bool:
    roles = {lexicon.INDICATOR_HEADER.get(label_key(t)) for t in piece.text.split()}
    return "target" in roles or "name" in roles


def indicator_zone(pieces: list[Piece]) -> int | None:
    """Index of the first piece of the indicator table: its header or its first 一级 label, moved back
    over the rows printed right before it (a file that starts in the middle of the table has no header)."""
    for k, piece in enumerate(pieces):
        if piece.narrative:
            continue
        if piece.key in lexicon.LEVEL1_LABELS or (is_layout(piece) and _is_indicator_header(piece)):
            while k and _inside_table(pieces[k - 1]):
                k -= 1
            return k
    return None


def _inside_table(piece: Piece) -> bool:
    """A row-shaped piece, or one of the labels printed inside the indicator table (备注, 分解目标)."""
    if piece.narrative or has_box(piece.text) or item_line(piece.text) or budget_tokens(piece.text):
        return False
    if is_layout(piece):
        return _is_indicator_header(piece) or label_key(piece.text) in lexicon.INDICATOR_TABLE_LABELS
    return not form_title(piece.text) and piece.key not in lexicon.FIELD_LABELS


def indicator_events(pieces: list[Piece], note: FormNotes) -> list[Event]:
    """The indicator table's pieces as events; layout, checkbox and 子项目 pieces are skipped."""
    events: list[Event] = []
    for piece in pieces:
        if piece.narrative or is_layout(piece) or has_box(piece.text) or item_line(piece.text):
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
