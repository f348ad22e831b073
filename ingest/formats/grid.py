"""A table's grid of cells, merged areas spread, as lines for the form reader.

Spreadsheets, Word tables and HTML tables all come down to the same thing: rows of cells, some
cells merged over an area. How a merged area spreads decides what the reader sees:

- across columns, it is one cell, as a person sees it: a title or a 项目名称 value merged over
  five columns is neither five copies the reader would take for five values nor a cell followed by
  four blank ones (a 年度资金总额 label merged over two columns would push its figures one
  column right of their header, which is merged the same way);
- down rows, its text is repeated on every row of the area: a 一级 "产出指标" merged over the six
  rows of its indicators labels each of them, as a form that prints it on every row does.

One line per row, cells joined by tabs, trailing empty cells dropped; each cell keeps its own
reference, so a value can be traced to the cell it was read from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .source import SourceLine, cell_text


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged area, 0-based and inclusive: rows top..bottom, columns left..right."""

    top: int
    left: int
    bottom: int
    right: int


def grid_lines(
    rows: list[list[object]],
    merges: Iterable[Merge],
    cell_ref: Callable[[int, int], str],
    row_ref: Callable[[int, int], str],
) -> list[SourceLine]:
    """``rows[r][c]`` is the value of a cell (None or "" when empty); ``cell_ref(r, c)`` names a cell,
    ``row_ref(r, last_column)`` a row. A merged area's value is its top-left cell's."""
    texts: list[list[str | None]] = [[cell_text(value) for value in row] for row in rows]
    width = max((len(row) for row in texts), default=0)
    for row in texts:
        row.extend([""] * (width - len(row)))
    origin: dict[tuple[int, int], tuple[int, int]] = {}  # a covered cell -> its area's top-left cell
    for merge in merges:
        top, left = merge.top, merge.left
        if top >= len(texts) or left >= width:
            continue
        for r in range(top, min(merge.bottom, len(texts) - 1) + 1):
            for c in range(left, min(merge.right, width - 1) + 1):
                if (r, c) != (top, left):
                    # down rows: repeated in the area's first column; across columns: one cell
                    texts[r][c] = texts[top][left] if c == left else None
                    origin[(r, c)] = (top, left)
    lines = []
    for r, row in enumerate(texts):
        last = max((c for c, text in enumerate(row) if text), default=-1)
        kept = [c for c in range(last + 1) if row[c] is not None]
        refs = tuple(cell_ref(*origin.get((r, c), (r, c))) for c in kept)
        text = "\t".join(row[c] for c in kept)
        lines.append(SourceLine(text, row_ref(r, max(last, 0)), cells=refs))
    return lines


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a spreadsheet's column name."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
