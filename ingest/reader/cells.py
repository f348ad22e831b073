"""Cells out of text (``cell.Cell``): small front-ends for each shape a line may have.

Every front-end turns a line into cells with their position (line, row, order). A document may
change shape from line to line, so the shape is decided per line:

* **tab-separated** and **pipe rows** (``| a | b |``, with empty cells kept or dropped): the
  separators are the cell boundaries;
* **runs of spaces** (pdftotext, padded web text): whitespace is the boundary, and label words
  that a wrap split apart ("一级 指标", "产 出 指 标") are put back together;
* **one cell per line**, with or without blank lines or a trailing ``|``: the same rule, a line
  being a one-cell row;
* **run-together text** with no separators at all ("项目名称农村义务教育…年度资金总额:16"): cut
  before and after every label of the vocabulary (``glued``); the values left between labels are
  split later by the reader, which knows the table's columns.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import attrgetter

from ..memo import memo
from ..text import strip_tags
from . import vocabulary as vocab
from .cell import Cell, label_key
from .glued import (
    ALL_LABELS,
    FILL_HINT,
    LABEL_HEADS,
    cut_glued,
    holds_a_form,
    is_category_label,
    split_colon,
    wrapped_run,
)
from .lines import PAGE_MARKER as _PAGE_MARKER
from .lines import has_han as _has_han
from .lines import join_vertical_labels, join_wrapped_pipe_cells, line_blocks


def cells_of(lines: list[str], page_markers: list[int] | None = None) -> list[Cell]:
    """The document as one stream of cells, whatever shape each line has. Lines that are only a
    page number ("- 3 -", "第2页") are left out; their line numbers go to ``page_markers``."""
    cells: list[Cell] = []
    page_markers = [] if page_markers is None else page_markers
    texts = [
        (strip_tags(line) if "<" in line or "&" in line else line)
        .replace("\u3000", " ")
        .replace("\xa0", " ")
        .strip(" \r\n")
        for line in lines
    ]  # strip_tags called only where a tag or an entity may be: a substring test in C for every line
    texts = join_vertical_labels(join_wrapped_pipe_cells(texts), is_category_label)
    after_bars = False
    bar_lines = 0  # lines of bars or tabs alone
    for row, text in enumerate(texts):
        if not text.replace("|", "").strip():
            # a row of empty cells: "||", or tabs alone; one bar alone only separates cells
            after_bars = after_bars or text.count("|") >= 2 or "\t" in text
            bar_lines += text != ""
            continue
        line_no = row + 1
        first = len(cells)
        shape, columns, page_marker, separated = _line_columns(text)
        if page_marker:
            page_markers.append(line_no)
            continue
        if separated is not None:  # the common line: one cell per piece, made in one go
            cells += [Cell(piece, line_no, row, col) for col, piece in separated]
        else:
            _add_columns(cells, shape, columns, line_no, row)
        if len(cells) > first:
            cells[first].after_bars, after_bars = after_bars, False
    blocks = line_blocks(texts)
    cells = _join_wrapped_cells(_join_split_labels(_cells_one_per_line(cells, bar_lines, blocks)))
    return _rows_of_blocks(cells, blocks)


def _cells_per_row(cells: list[Cell]) -> Counter:
    """How many cells each row holds: counted in C (a generator's step per cell costs more)."""
    return Counter(map(_ROW, cells))


_ROW = attrgetter("row")


def _rows_of_blocks(cells: list[Cell], block_of: dict[int, int] | None) -> list[Cell]:
    """One cell a line with blank lines parting the rows (``line_blocks``): the cells of a block are
    one row, where the lines are cells as they stand (``_cells_one_per_line`` said so; a line cut
    on its labels is still one line)."""
    if not block_of:
        return cells
    per_row = _cells_per_row(cells)
    if any(cell.glued and per_row[cell.row] == 1 for cell in cells):
        return cells
    for cell in cells:
        cell.row = block_of[cell.row]
    return cells


def _add_columns(
    cells: list[Cell],
    shape: str,
    columns: tuple[tuple[int, str, tuple[str, ...] | None], ...],
    line_no: int,
    row: int,
) -> None:
    """The cells of a line that is spaced, or separated with a whole form run together in a cell."""
    alone = len(columns) == 1
    for index, (col, part, pieces) in enumerate(columns):
        if shape == "separated" and pieces is None:  # a portal's 内容概述 cell: a whole form run together
            cells.extend(cut_glued(part, line_no, row, False))
        elif shape == "separated":
            cells.extend([Cell(piece, line_no, row, col) for piece in pieces])
        else:
            glued = cut_glued(part, line_no, row, alone)
            if glued and index:
                glued[0].spaced = True
            cells.extend(glued)


@memo(1 << 12)  # a pure function of the line's text: a document's rows recur form after form
def _line_columns(
    text: str,
) -> tuple[
    str, tuple[tuple[int, str, tuple[str, ...] | None], ...], bool, tuple[tuple[int, str], ...] | None
]:
    """A line's shape ("separated" or "spaced"), its columns that hold text (col, text, and for a
    separated cell the pieces ``split_colon`` cuts it into, None for a whole form run together),
    whether the line is a page number alone, and for a separated line none of whose cells is a
    whole form, its pieces in order with their columns (else None)."""
    if "\t" in text.strip():  # leading tabs kept: they are empty cells, and columns count them
        parts, shape = text.rstrip().split("\t"), "separated"
    elif "|" in text:
        parts, shape = text.strip().split("|"), "separated"
    elif wrapped_run(text):
        parts, shape = [re.sub(r"\s+", "", text)], "spaced"
    else:
        parts, shape = _rejoin_labels(_words(text)), "spaced"
    columns = [(col, part.strip()) for col, part in enumerate(parts) if part.strip()]
    page_marker = len(columns) == 1 and _PAGE_MARKER.match(columns[0][1]) or _PAGE_MARKER.match(text.strip())
    if shape == "separated":
        cut = tuple([(col, part, _separated_pieces(part)) for col, part in columns])
    else:
        cut = tuple([(col, part, None) for col, part in columns])
    separated = None
    if shape == "separated" and all(pieces is not None for _, _, pieces in cut):
        separated = tuple((col, piece) for col, _, pieces in cut for piece in pieces)
    return shape, cut, bool(page_marker), separated


@memo(1 << 14)  # a line that misses the line memo mostly holds the cells of other lines (a name changed)
def _separated_pieces(part: str) -> tuple[str, ...] | None:
    """A separated cell's pieces: ``split_colon``'s, each cut at its spaced label words; None for a
    whole form run together in the cell (``holds_a_form``), which ``cut_glued`` cuts instead."""
    if holds_a_form(part):
        return None
    return tuple([piece for whole in split_colon(part) for piece in _cut_spaced_labels(whole)])


def _cells_one_per_line(
    cells: list[Cell], bar_lines: int = 0, blocks: dict[int, int] | None = None
) -> list[Cell]:
    """In a document printed one cell per line, figures stand on lines of their own: a line is
    then one cell, not run-together text whose values follow its words ("本年预算安排800万元" is
    a name). Judged over the document: a quarter or more of its lone lines are figures, lines of
    bars alone ("|", "|||||") separate them as often as not, or blank lines part them in rows
    (``line_blocks``)."""
    unseparated = [cell for cell in cells if cell.col < 0]
    if len(unseparated) < 20:
        return cells  # too few to be lone lines (tab-separated text): no count of rows needed
    per_row = _cells_per_row(cells)
    lone = [cell for cell in unseparated if per_row[cell.row] == 1]
    if len(lone) < 20:
        return cells
    figures = sum(1 for cell in lone if _LONE_FIGURE.match(cell.text))
    if figures >= 0.25 * len(lone) or bar_lines >= 0.5 * len(lone) or blocks:
        for cell in lone:
            cell.glued = False
    elif _header_one_per_line(lone, per_row) and not any(_ENDS_IN_TARGET.search(cell.text) for cell in lone):
        # the header says so, unless a line ends in a name's target ("覆盖率100%"): then they run together
        for cell in lone:
            cell.glued = False
    return cells


_ENDS_IN_TARGET = re.compile(r"[\u4e00-\u9fff](?:[=≥≤<>＝≧≦]+\d|[\d.]+%$)")


def _header_one_per_line(lone: list[Cell], per_row: Counter) -> bool:
    """The indicator table's header printed one label a line (一级指标 | 二级指标 | 三级指标 | 指标值, each
    alone, blank lines between or not): its rows are printed so too."""
    rank = {row: k for k, row in enumerate(sorted(per_row))}  # rows that hold cells, in order
    run = 0
    for before, cell in zip([None, *lone], lone, strict=False):
        follows = before is not None and rank[cell.row] == rank[before.row] + 1
        run = (
            run + 1
            if cell.key in vocab.INDICATOR_HEADER and follows
            else int(cell.key in vocab.INDICATOR_HEADER)
        )
        if run >= 4:
            return True
    return False


# A figure or a quantitative target alone on its line: "800万元", "100%", "≥90%", "=12份".
_LONE_FIGURE = re.compile(r"^[=≥≤<>＝]*\s*\d[\d,.]*\s*(?:%|万元|万|元|[\u4e00-\u9fff]{1,2})?$")


# Wide characters (East Asian width W or F): CJK, Hangul, full-width forms.
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")  # fmt: skip


@memo(1 << 14)  # asked of the first cell of every line of pdftotext's layout
def display_width(text: str) -> int:
    """Columns the text takes in fixed-width output: CJK and full-width characters count two."""
    return len(text) + len(_WIDE.findall(text))


def _wrap_width(cells: list[Cell]) -> int | None:
    """The width pdftotext wrapped table cells at, where the document shows one: the widest that two
    or more cells of words reach, each the first on its line (a single long line proves nothing),
    if that is a table column's width, not a paragraph's."""
    widths = Counter(
        display_width(cell.text)
        for k, cell in enumerate(cells)
        if (k == 0 or cells[k - 1].row != cell.row)
        and cell.col < 0
        and _has_han(cell.text)
        and cell.key not in ALL_LABELS
    )
    reached = [w for w in widths if 16 <= w <= 60 and widths[w] + widths.get(w - 1, 0) >= 2]
    return max(reached) if reached else None


def _join_wrapped_cells(cells: list[Cell]) -> list[Cell]:
    """pdftotext wraps a long cell at its column's width: a cell that fills the width goes on in a
    short fragment alone on the next line ("…管理制度均已" | "建立并执行", "…完整性与 100%" | "准确率")."""
    spaced_rows = {cell.row for cell in cells if cell.spaced}
    if not spaced_rows or len(spaced_rows) < 0.2 * len({cell.row for cell in cells}):
        return cells  # not pdftotext's layout: one cell per line, or separated cells
    per_row = _cells_per_row(cells)
    wrap = _wrap_width(cells)
    if wrap is None:
        return cells
    out: list[Cell] = []
    last_han: Cell | None = None  # the last cell of words on the line before
    last_at = -1  # its index in out
    for cell in cells:
        fragment = (
            last_han is not None
            and per_row[cell.row] == 1
            and cell.row != last_han.row
            and cell.line_no - last_han.line_no <= 3
            and len(cell.key) <= 12
            and "\u4e00" <= cell.text[:1] <= "\u9fff"  # has_han of one character, without the call
            and cell.key not in ALL_LABELS
            and cell.key not in vocab.TARGET_PHRASES
            and not cell.key.endswith(("指标", "目标"))  # a wrapped category label, not a tail
            and display_width(last_han.text) >= wrap - 1
        )
        if fragment:
            out[last_at] = last_han = Cell(
                last_han.text + cell.text, last_han.line_no, last_han.row, joined=True
            )
            continue
        out.append(cell)
        if "\u4e00" <= cell.text[-1:] <= "\u9fff" and cell.key not in ALL_LABELS:
            last_han, last_at = cell, len(out) - 1
        elif cell.row != (last_han.row if last_han else None) and _has_han(cell.text):
            last_han = None
    return out


def _join_split_labels(cells: list[Cell]) -> list[Cell]:
    """A label a table cell wrapped over two lines ("项目完成" | "指标", "中央" | "主管部门") is one
    cell; so is a name whose last word ("充分性", "合理性") a one-cell-per-line copy put on a line of
    its own."""
    out: list[Cell] = []
    prev: Cell | None = None  # the last cell out
    for cell in cells:
        if prev is None:
            out.append(prev := cell)
            continue
        if prev.line_no != cell.line_no and len(prev.text) <= 8 and len(cell.text) <= 8:
            joined = label_key(prev.text + cell.text)
            known = joined in ALL_LABELS or (
                prev.key in LABEL_HEADS and joined.endswith(("主管部门", "实施单位", "名称"))
            )
            name_tail = 2 <= len(cell.key) <= 3 and cell.key.endswith("性") and not prev.key[-1:].isdigit()
            if cell.key in ("指标", "目标", "指标等") or name_tail or (known and prev.key not in ALL_LABELS):
                out[-1] = prev = Cell(prev.text + cell.text, prev.line_no, prev.row, glued=prev.glued)
                continue
        # one value: its words are not cut into values (glued: asked first, as most cells are not)
        if cell.glued and _continues_cell(prev, cell):
            out[-1] = prev = Cell(prev.text + cell.text, prev.line_no, prev.row, joined=True)
            continue
        out.append(prev := cell)
    return out


# Text no cell starts with: a line starting so continues the cell before it ("…培训制度" | "等建立健全").
_CONTINUATION = re.compile(r"^(?:等[\u4e00-\u9fff]|[、，,；;）)])")


def _continues_cell(prev: Cell, cell: Cell) -> bool:
    """A wrapped cell: alone on its line, starting with words that only continue a text, right after
    a line that ended in words."""
    return (
        cell.glued  # set on a cell alone on its line
        and prev.row != cell.row
        and _CONTINUATION.match(cell.text) is not None
        and "\u4e00" <= prev.text[-1:] <= "\u9fff"
    )


# "004 >=": Yunnan's coded 指标性质 is one cell, though one space parts it
_CODED_SIGN = re.compile(r"(?<!\S)(\d{3}) (?=[<>=≥≤]{1,2}(?:\s|$))")


# "成立95 周年", "0-6 岁儿童": pdftotext's space between a figure and the age or anniversary it counts
_FIGURE_THEN_AGE = re.compile(r"(?<=\d) (?=岁|周岁|周年)")
# and a date's words ("2021 年 12 月 31 日", "2024 年开展…"): a figure's year, month or day
_FIGURE_THEN_DATE = re.compile(r"(?<=\d) (?=[年月日])")


# A percent sign one space parts from its figure ("验收通过率 100 % 95 %", as PDF text prints it):
# the figure's, not a cell of its own (a run of spaces parts columns: "100   %" is 指标值 | 度量单位)
_FIGURE_THEN_PERCENT = re.compile(r"(?<=\d) (?=[%％])")


# So is a unit of count or measure one space after its figure, standing as a word of its own
# ("≥50 个", "≤90 万元", "400 元/人"); not a date's or a time's (年 月 日 分 周), whose words the
# year and period readers take as printed
_WORD_UNITS = sorted(
    set(vocab.VALUE_UNITS) - {"%", "年", "月", "日", "分", "周", "m", "M", "万"}, key=len, reverse=True
)
_FIGURE_THEN_UNIT = re.compile(
    r"(?<=\d) (?=(?:" + "|".join(map(re.escape, _WORD_UNITS)) + r")(?:[\s/,，;；)）]|$))"
)


# A category's stem and its 指标 a space parts ("社会效益 指标", as a cell wraps): one label, wherever
# the cell's text runs on ("社会效益 指标政策知晓率═100%", cells run together)
_STEM_SPACE_TAIL = re.compile("(" + "|".join(vocab.LEVEL2_STEMS) + ") (?=指标|目标)")


def _words(text: str) -> list[str]:
    if (" 指标" in text or " 目标" in text) and _STEM_SPACE_TAIL.search(text):
        text = _STEM_SPACE_TAIL.sub(r"\1", text)
    if (" %" in text or " ％" in text) and _FIGURE_THEN_PERCENT.search(text):
        text = _FIGURE_THEN_PERCENT.sub("", text)
    if _FIGURE_THEN_UNIT.search(text):
        text = _FIGURE_THEN_UNIT.sub("", text)
    if (" 年" in text or " 月" in text or " 日" in text) and _FIGURE_THEN_DATE.search(text):
        text = _FIGURE_THEN_DATE.sub("", text)
    if (" 岁" in text or " 周" in text) and _FIGURE_THEN_AGE.search(text):
        text = _FIGURE_THEN_AGE.sub("\ue000", text)
    elif not _CODED_SIGN.search(text):
        return text.split()
    return [word.replace("\ue000", " ") for word in _CODED_SIGN.sub("\\1\ue000", text).split()]


_UNIT_MARK = re.compile(r"^[(（](?:万元|元)[)）]$")


def _cut_spaced_labels(part: str) -> list[str]:
    """A separated cell holding words a single space parts, the first a label ("主管部门 某局",
    "项目总预算(万元) 75.00", "上年度安排资金 本年度申请资金", "(万元) 年度资金总额: 1125"): a copy that
    turned only wide gaps into separators. Cut before and after each label word, as a spaced line
    is; the other words stay one value ("1 月 1日")."""
    if " " not in part:
        return [part]
    words = _rejoin_labels(_words(part))
    first = 1 if len(words) > 2 and _UNIT_MARK.match(words[0]) else 0
    if len(words) < 2 or label_key(words[first]) not in ALL_LABELS:
        return [part]
    labelled = [label_key(word) in ALL_LABELS for word in words]
    out: list[str] = []
    for k, word in enumerate(words):
        if k > first and not labelled[k] and not labelled[k - 1]:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def _rejoin_labels(words: list[str]) -> list[str]:
    """Put back label words a wrap split with spaces: "一级 指标" → "一级指标", "产 出 指 标" → "产出指标"."""
    if len(words) < 2:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        if out and words[i][:1] in "(（" and "填" in words[i][:8] and (hint := FILL_HINT.match(words[i])):
            # "数量指标 (必填硬性指标)": the hint stays with its label, and ends the label's cell: what
            # follows it in the word (run-together cells: "(必填)受益人数(人)132") is the next cell
            out[-1] += " " + hint.group()
            if hint.end() == len(words[i]):
                i += 1
            else:
                words = [*words[:i], words[i][hint.end() :], *words[i + 1 :]]
            continue
        joined = None
        if len(words[i]) <= 6:
            for j in range(min(len(words), i + 6), i + 1, -1):
                candidate = "".join(words[i:j])
                if all(len(w) <= 6 for w in words[i:j]) and label_key(candidate) in ALL_LABELS:
                    joined = (candidate, j)
                    break
        if joined:
            out.append(joined[0])
            i = joined[1]
        else:
            out.append(words[i])
            i += 1
    return out
