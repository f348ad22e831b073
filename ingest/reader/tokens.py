"""A run of table cells as tokens: words, and the printed values (signs, numbers, units,
qualitative target words) cut out of run-together cells where they can only be values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lexicon
from ..memo import memo
from ..traditional import simplified
from . import values as v
from . import vocabulary as vocab
from .cell import Cell


@dataclass(slots=True)  # made for every cell of every row: no per-token __dict__
class Tok:
    text: str
    atom: bool  # a printed value (sign, number, unit) or qualitative target word
    cell: int  # index of the cell it was cut from
    row_start: bool  # the first data cell of a physical row holding several cells
    in_row: bool = False  # from a physical row holding several cells
    glued: bool = False
    spaced: bool = False  # printed after a space on its line
    row: int = -1  # the physical row it was printed in
    after_gap: bool = False  # its cell follows a line of empty cells (bars alone): a row ended there


def tokens_of(cells: list[Cell]) -> list[Tok]:
    toks: list[Tok] = []
    rows, rows_with_many = set(), set()  # sets, not a Counter: this runs for every run of every table
    for cell in cells:
        if cell.row in rows:
            rows_with_many.add(cell.row)
        rows.add(cell.row)
    seen_rows: set[int] = set()
    gaps: list[int] = []  # the first token of each cell after a line of empty cells
    for k, cell in enumerate(cells):
        start = cell.row in rows_with_many and cell.row not in seen_rows
        seen_rows.add(cell.row)
        if cell.after_bars:
            gaps.append(len(toks))
        text = cell.text.strip()
        if not cell.glued:
            atom = v.looks_like_target(text)
            toks.append(Tok(text, atom, k, start, cell.row in rows_with_many, False, cell.spaced, cell.row))
            continue
        pieces = _value_pieces(text)
        if pieces is None:
            toks.append(Tok(text, v.looks_like_target(text), k, start, glued=True, row=cell.row))
            continue
        for piece, atom in pieces:
            toks.append(Tok(piece, atom, k, start, glued=True))
            start = False
    for first in gaps:  # every cell gives one token or more
        toks[first].after_gap = True
    return toks


@memo(1 << 14)  # pure on the cell's text: the same run-together rows recur form after form
def _value_pieces(text: str) -> tuple[tuple[str, bool], ...] | None:
    """Run-together text cut into its words and the values in it, in order, each value marked
    True; None when no value is cut out of it."""
    position = 0
    folded = v.nfkc(text)
    atoms = _accepted_atoms(folded)
    # "已完成": one word, not a name "已" and a value "完成"; so no value beside a lone character
    bounds = [0, *(x for a in atoms for x in (a.start(), a.end())), len(folded)]
    lone = {k for k in range(len(atoms)) if _lone(folded, bounds[2 * k], bounds[2 * k + 1])
            or _lone(folded, bounds[2 * k + 2], bounds[2 * k + 3])}  # fmt: skip
    atoms = [a for k, a in enumerate(atoms) if k not in lone]
    if not atoms:
        return None
    pieces = []
    for match in atoms:
        if match.start() > position:
            pieces.append((folded[position : match.start()], False))
        pieces.append((folded[match.start() : match.end()], True))
        position = match.end()
    if position < len(folded):
        pieces.append((folded[position:], False))
    if len(pieces) >= 2 and not pieces[-2][1] and pieces[-1][1] and len(pieces[-2][0]) <= 120:
        pieces[-2:-1] = _outcome_as_target(pieces[-2][0])
    return tuple(pieces)


def _outcome_as_target(words: str) -> list[tuple[str, bool]]:
    """A self-evaluation's row run together before its score, its words target and outcome the same
    ("以最新资源面市资源采购期以当年为主资源采购期以当年为主10"): the name, then the text twice, each a
    value. Other words stay one piece."""
    for size in range((len(words) - 2) // 2, 1, -1):  # the longest repeat; a name of two characters at least
        if words[-size:] == words[-2 * size : -size] and v.has_han(words[-size:]):
            return [(words[: -2 * size], False), (words[-size:], True), (words[-size:], True)]
    return [(words, False)]


def _lone(text: str, start: int, end: int) -> bool:
    return len(text[start:end].strip()) == 1


def _accepted_atoms(text: str) -> list[re.Match]:
    """The values inside a run-together cell. Numbers always; a qualitative word ("提升", "合格")
    only where it cannot be part of a name: at the end of the cell or beside another value."""
    matches = list(v.ATOM.finditer(simplified(text)))  # one character for one: positions hold
    accepted = [bool(re.search(r"\d", m.group())) for m in matches]
    changed = True
    while changed:
        changed = False
        for k, match in enumerate(matches):
            if accepted[k]:
                continue
            at_end = match.end() == len(text)
            before = k > 0 and accepted[k - 1] and matches[k - 1].end() == match.start()
            after = k + 1 < len(matches) and accepted[k + 1] and matches[k + 1].start() == match.end()
            if at_end or before or after:
                accepted[k] = changed = True
    kept = [m for m, ok in zip(matches, accepted, strict=True) if ok]
    return [m for group in _adjacent_groups(kept) if _ends_a_row(text, group) for m in group]


def _adjacent_groups(matches: list[re.Match]) -> list[list[re.Match]]:
    groups: list[list[re.Match]] = []
    for m in matches:
        if groups and groups[-1][-1].end() == m.start():
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _ends_a_row(text: str, group: list[re.Match]) -> bool:
    """Values inside run-together text end a row when they end the text, when they are a row's
    several values ("10≥266米≥266米10"), or when one plain target follows a name ("…满意度≥90%…");
    a figure inside words ("清算8个安置小区…", "12月底到位") is part of them."""
    if len(group) >= 2:
        return True
    if group[-1].end() == len(text):
        # but the last of a list of measures is the list's ("…2.6万平方米,展示面积1万平方米": one target)
        before = text[: group[0].start()]
        return not (before.endswith(MEASURED_NAME_ENDS) and _AFTER_A_LISTED_VALUE.search(before))
    if text[group[-1].end() :].startswith(vocab.STANDARD_WORDS):
        return True  # "补助人数250人计划标准": the target, then its 绩效标准
    value, before = group[0].group(), text[: group[0].start()]
    if value[:1] in "≥≤<>" and v.has_han(before):
        return True  # "…中心经费≤70万元反映…": a comparison sign after words starts a target
    if before.endswith((")", "）")) and v.is_name_with_unit(_NAME_AFTER_FIGURE.search(before).group()):
        return True  # "…总面积(亩)30000实施…": a name closed by its unit in brackets, then its figure
    plain_target = value[:1] in v.OPERATORS or value.endswith("%") or not value[-1:].isdigit()  # "2280次"
    if plain_target and before.endswith(MEASURED_NAME_ENDS):
        # not where a unit or a list goes on after the value: "建筑面积2.6万平方米,展示面积…" is one
        # target's words
        return not text.startswith((*vocab.VALUE_UNITS, *_LIST_MARKS), group[-1].end())
    return plain_target and ends_like_a_name(before)


_LIST_MARKS = (",", "，", "、", ";", "；")
_AFTER_A_LISTED_VALUE = re.compile(r"\d[^\d,，、;；]{0,6}[,，、;；][^\d,，、;；]{1,12}$")
# The words after a run-together text's last figure: the name a figure after it may follow.
_NAME_AFTER_FIGURE = re.compile(r"[^\d]*$")
# Names of a measured quantity whose target states its unit: "补贴标准71.86元/平方米", "租用面积26970.7平方米"
MEASURED_NAME_ENDS = ("面积", "标准", "时限", "期限", "规模", "长度", "金额")


@memo(1 << 15)  # a pure function of the text, asked of each candidate name
def ends_like_a_name(text: str) -> bool:
    """Ends in a name's usual last word (…率, …数, …情况), in simplified or traditional characters."""
    return simplified(text[-2:]).endswith(lexicon.INDICATOR_NAME_SUFFIXES)
