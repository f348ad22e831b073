"""Words placed on a page → rows of cells, for the PDF and OCR front-ends alike.

A page gives words with boxes (a PDF's text layer, or OCR boxes) and, where the form is a ruled
table, its ruling lines (drawn lines in a PDF, lines found in the pixels of a scan). The ruling
lines make the cells, merged cells included: a cell is the smallest rectangle whose four sides are
ruled. Each word goes to the cell holding its centre; a cell's wrapped lines are joined into one
cell text. Words outside every ruled cell (titles, 金额单位 lines, unruled tables) are grouped into
lines by position and cut into cells at wide gaps.

Coordinates are top-down (y grows down the page), in any unit; ``tolerance`` is in that unit.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .source import SourceLine


@dataclass(frozen=True, slots=True)
class Word:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    confidence: float | None = None  # OCR score 0–1; None for a PDF's text layer
    # each character's x0 and x1 where known (a PDF's text layer); OCR gives only the box
    spans: tuple[tuple[float, float], ...] = ()

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class Segment:
    """A ruling line: horizontal (``at`` is y, from–to are x) or vertical (``at`` is x, from–to are y)."""

    at: float
    start: float
    end: float


@dataclass(slots=True)
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    words: list[Word] = field(default_factory=list)

    def holds(self, word: Word) -> bool:
        x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the page: its cells' texts, box and lowest OCR score."""

    cells: list[str]
    boxes: list[tuple[float, float, float, float]]  # each cell's box: x0, top, x1, bottom
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None


# --- ruling lines → cells ------------------------------------------------------------------------


def merge_segments(segments: list[Segment], tolerance: float) -> list[Segment]:
    """Segments on (nearly) the same line, touching or overlapping, as one segment each."""
    merged: list[Segment] = []
    for segment in sorted(segments, key=lambda s: (s.at, s.start)):
        near = (i for i in range(len(merged) - 1, -1, -1) if segment.at - merged[i].at <= tolerance)
        for index in near:
            other = merged[index]
            if segment.start <= other.end + tolerance and other.start <= segment.end + tolerance:
                merged[index] = Segment(
                    other.at, min(other.start, segment.start), max(other.end, segment.end)
                )
                break
        else:
            merged.append(segment)
    return merged


def _covers(segments: list[Segment], at: float, start: float, end: float, tolerance: float) -> bool:
    return any(
        abs(s.at - at) <= tolerance and s.start <= start + tolerance and s.end >= end - tolerance
        for s in segments
    )


def ruled_cells(horizontal: list[Segment], vertical: list[Segment], tolerance: float) -> list[Cell]:
    """The cells the ruling lines enclose: for each crossing, the smallest ruled rectangle it is the
    top-left corner of (a merged cell is one rectangle, as it is drawn)."""
    horizontal = merge_segments(horizontal, tolerance)
    vertical = merge_segments(vertical, tolerance)
    points = sorted(
        {
            (v.at, h.at)
            for h in horizontal
            for v in vertical
            if h.start - tolerance <= v.at <= h.end + tolerance
            and v.start - tolerance <= h.at <= v.end + tolerance
        },
        key=lambda p: (p[1], p[0]),
    )
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in points:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    cells = []
    for x, y in points:
        below = [y2 for y2 in by_x[x] if y2 > y + tolerance and _covers(vertical, x, y, y2, tolerance)]
        right = [x2 for x2 in by_y[y] if x2 > x + tolerance and _covers(horizontal, y, x, x2, tolerance)]
        cell = _smallest_closed(x, y, below, right, horizontal, vertical, tolerance)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_closed(x, y, below, right, horizontal, vertical, tolerance) -> Cell | None:
    for y2 in below:
        for x2 in right:
            if _covers(horizontal, y2, x, x2, tolerance) and _covers(vertical, x2, y, y2, tolerance):
                return Cell(x, y, x2, y2)
    return None


def split_across_cells(words: list[Word], cells: list[Cell]) -> list[Word]:
    """A word that runs over a ruling line into the next cell cut at the line, each part a word of
    its own: an OCR box over two cells ("武汉市青山区教育局 实施单位"), or a text layer's figure set
    flush against the line before the next cell's text. Characters go by their own positions
    where the text layer gives them, else along the box by their widths (a Chinese character is
    about twice a digit's)."""
    placed = []
    for word in words:
        middle = (word.top + word.bottom) / 2
        row = sorted(
            (c for c in cells if c.top <= middle <= c.bottom and c.x0 < word.x1 and c.x1 > word.x0),
            key=lambda c: c.x0,
        )
        if len(row) < 2:
            placed.append(word)
            continue
        parts: dict[int, list] = {}
        for ch, (start, end) in zip(word.text, _character_spans(word), strict=True):
            centre = (start + end) / 2
            cell = min(
                row,
                key=lambda c: 0 if c.x0 <= centre <= c.x1 else min(abs(c.x0 - centre), abs(c.x1 - centre)),
            )
            part = parts.setdefault(id(cell), [start, end, ""])
            part[1], part[2] = end, part[2] + ch
        for start, end, text in parts.values():
            if text.strip():
                placed.append(Word(start, word.top, end, word.bottom, text.strip(), word.confidence))
    return placed


def _character_spans(word: Word) -> list[tuple[float, float]]:
    if len(word.spans) == len(word.text):
        return list(word.spans)
    weights = [0.55 if ord(ch) < 0x2E80 else 1.0 for ch in word.text]
    unit = (word.x1 - word.x0) / sum(weights)
    spans, x = [], word.x0
    for weight in weights:
        spans.append((x, x + weight * unit))
        x += weight * unit
    return spans


# --- words → text ------------------------------------------------------------------------------

_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _join_wrapped(lines: list[str]) -> str:
    """A cell's wrapped lines as one text: Chinese and figures join without a space (a wrap inside
    "387664.62" or "经济效益指标" is not a word break); only Latin words get a space back."""
    text = ""
    for line in lines:
        if text and _ASCII_LETTER.match(text[-1]) and _ASCII_LETTER.match(line[0]):
            text += " "
        text += line
    return text


def text_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines: a word joins a line its vertical middle falls within; lines top to bottom,
    words left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        middle = (word.top + word.bottom) / 2
        for line in lines:
            top = min(w.top for w in line)
            bottom = max(w.bottom for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _line_text(line: list[Word], gap: float) -> str:
    """Words of one line in one cell: a space where they stand apart, or where two Latin words or
    figures meet (the text layer split them at a space); Chinese runs joined as printed."""
    text = line[0].text
    for before, word in zip(line, line[1:], strict=False):
        apart = word.x0 - before.x1 > gap or (_ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(word.text[0]))
        text += (" " if apart else "") + word.text
    return text


def cell_text(words: list[Word]) -> str:
    if not words:
        return ""
    size = statistics.median(w.height for w in words)
    return " ".join(_join_wrapped([_line_text(line, size * 0.3) for line in text_lines(words)]).split())


def _confidence(words: list[Word]) -> float | None:
    scores = [w.confidence for w in words if w.confidence is not None]
    return min(scores) if scores else None


# --- a page → rows -------------------------------------------------------------------------------


def page_rows(words: list[Word], cells: list[Cell], tolerance: float) -> list[Row]:
    """The page's rows top to bottom. A table row is a band between two ruled lines: the cells that
    begin in it, and the cells merged down over it from a row above, whose text is repeated (a 一级
    "产出指标" merged over four indicator rows labels each of them, as in ``grid.py``). A band none
    of whose own cells holds text is no row. Words outside the ruled cells make rows of their own,
    cut into cells at wide gaps."""
    loose = []
    for word in words:
        cell = next((c for c in cells if c.holds(word)), None)
        if cell is None:
            loose.append(word)
        else:
            cell.words.append(word)
    tops: list[float] = []
    for top in sorted(c.top for c in cells):
        if not tops or top - tops[-1] > tolerance:
            tops.append(top)
    rows: list[Row] = []
    for top in tops:
        own = [c for c in cells if abs(c.top - top) <= tolerance]
        if not any(c.words for c in own):
            continue
        row_cells = sorted(
            (c for c in cells if c.top <= top + tolerance and c.bottom > top + tolerance), key=lambda c: c.x0
        )
        rows.append(
            Row(
                [cell_text(c.words) for c in row_cells],
                [(c.x0, c.top, c.x1, c.bottom) for c in row_cells],
                min(c.x0 for c in row_cells),
                top,
                max(c.x1 for c in row_cells),
                min(c.bottom for c in own),
                _confidence([w for c in own for w in c.words]),  # a repeated cell was scored on its first row
            )
        )
    rows += loose_rows(loose)
    return sorted(rows, key=lambda r: (r.top, r.x0))


def loose_rows(words: list[Word]) -> list[Row]:
    """Words without ruling lines as rows: one per text line, cut into cells where the gap between
    two words is wider than two character heights (the space between columns of an unruled table)."""
    rows = []
    for line in text_lines(words):
        size = statistics.median(w.height for w in line)
        cells: list[list[Word]] = [[line[0]]]
        for before, word in zip(line, line[1:], strict=False):
            if word.x0 - before.x1 > 2 * size:
                cells.append([word])
            else:
                cells[-1].append(word)
        texts = [_line_text(cell, size * 0.3) for cell in cells]
        rows.append(
            Row(
                [" ".join(t.split()) for t in texts],
                [(c[0].x0, min(w.top for w in c), c[-1].x1, max(w.bottom for w in c)) for c in cells],
                line[0].x0,
                min(w.top for w in line),
                max(w.x1 for w in line),
                max(w.bottom for w in line),
                _confidence(line),
            )
        )
    return rows


def source_lines(rows: list[Row], where: str, unit: str) -> list[SourceLine]:
    """Rows as the form reader's lines, each citing where it was read, its row and its box
    ("page 2, row 5, box 36,120,559,140 pt"), and each cell its own box ("page 2, row 5, cell 3,
    box 138,120,196,140 pt"; x0,top,x1,bottom from the page's top left)."""

    def box(x0: float, top: float, x1: float, bottom: float) -> str:
        return f"box {x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f} {unit}"

    return [
        SourceLine(
            "\t".join(row.cells),
            f"{where}, row {number}, {box(row.x0, row.top, row.x1, row.bottom)}",
            row.confidence,
            tuple(f"{where}, row {number}, cell {k}, {box(*b)}" for k, b in enumerate(row.boxes, start=1)),
        )
        for number, row in enumerate(rows, start=1)
    ]
