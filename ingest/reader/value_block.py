"""A table whose values come as one block before its names: PDF text in scrambled reading order
prints a table's values, its names and its 二级 labels as separate runs, each in row order."""

from __future__ import annotations

from .. import lexicon
from ..model import Indicator
from . import values as v
from .categories import category_text, header_role, is_level2, level1_of
from .cell import Cell
from .rows import DESCRIPTIONS, indicator


def scrambled_rows(cells: list[Cell], slots: list[str]) -> tuple[list[Indicator], list[str]] | None:
    """PDF text in scrambled reading order prints a table's values as one block and its names and
    二级 labels as others, each in row order. When the values come as whole rows before the names,
    the k-th name takes the k-th row of values and, where their counts agree, the k-th 二级."""
    value_slots = [s for s in slots if s not in ("deviation_reason", "note", *DESCRIPTIONS)]
    width = len(value_slots)
    leading = seen_names = 0  # values printed before the second name: more than a row's worth
    for cell in cells:
        text = v.nfkc(cell.text).replace(" ", "")
        if v.looks_like_target(text) or v.number(text) is not None:
            leading += 1
        elif (
            not (is_level2(cell) or level1_of(cell) or header_role(cell.key))
            and v.has_han(text)
            or v.is_blank(text)
            and cell.col >= 0
        ):
            seen_names += 1  # a name, or a separated row's name cell printed blank ("-")
            if seen_names == 2:
                break
    if width < 2 or leading < 2 * width:
        return None
    values, names, level2s = [], [], []
    for cell in cells:
        text = v.nfkc(cell.text).replace(" ", "")
        if level1_of(cell) or header_role(cell.key):
            continue
        if is_level2(cell):
            level2s.append(category_text(cell))
        elif v.looks_like_target(text) or v.number(text) is not None:
            values.append(text)
        elif names and len(text) <= 2 and v.has_han(text):
            names[-1] = (names[-1][0] + text, names[-1][1])  # a name's last characters, printed apart
        elif v.has_han(text):
            names.append((text, cell.line_no))
    groups = len(values) // width
    if groups < 2 or len(names) != groups:
        return None
    rows = []
    for k, (name, line_no) in enumerate(names):
        row = dict(zip(value_slots, values[k * width : (k + 1) * width], strict=True))
        level2 = level2s[k] if len(level2s) == groups else None
        parents = lexicon.LEVEL2_PARENTS.get(level2 or "", (None,))
        rows.append(indicator(name, row, parents[0], level2, line_no))
    return rows, values[groups * width :]
