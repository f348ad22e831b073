"""Project lists whose 一级 categories are columns (Anhui's 扶贫项目 tables, 项目库 lists):

    序号 | 项目名称 | 实施单位及责任人 | 资金来源及规模        | 绩效目标                          | …
                                    | 资金来源 | 资金规模(万元) | 产出指标 | 效益指标 | 满意度指标 |
    1    | 某村农机项目 | 某镇某人   | 市级     | 100           | 采购农机2台 | 受益户数≥200户,受益脱贫户数≥15户 | 满意度≥90% |

Each category cell holds the indicators: "name≥target" pieces, or one description with no target.
The list becomes a project list, the shape the form reader already reads (as outlines do,
``outline``): one tab-separated row per project, on its own line, its categories and indicators
in a run after its own columns, under a header.
"""

from __future__ import annotations

import itertools
import re

from .categories import header_role, level1_of_text
from .cell import label_key
from .cells import display_width
from .lines import PAGE_MARKER, block_rows

HEADER = "单位名称\t项目名称\t{amount}\t一级指标\t三级指标\t指标值"
_PIECE_CUT = re.compile(r"[,，;；]")
# the comparison a target starts with: signs, or words (不低于5万元)
_COMPARISON = re.compile(r"[≥≤=＝<>＜＞]|不低于|不少于|不高于|不超过|大于|小于|达到|低于|高于")


_RESPONSIBLE = re.compile(r"(?<=[镇乡街村局委办所站院校心司])[\u4e00-\u9fff]{2,3}$")


def _cells(line: str) -> list[str]:
    """A row's cells, whichever way it separates them: bars, tabs or runs of spaces."""
    if "|" in line or "\t" in line:
        return [part.strip() for part in line.split("|" if "|" in line else "\t")]
    return [part.strip() for part in re.split(r"\s{2,}", line.strip())]


# a cell of a row spaced into columns: words a single space may part, up to a run of spaces
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")


def _spaced_starts(line: str) -> list[tuple[int, str]]:
    """A spaced row's cells with the display column each starts at (a CJK character takes two)."""
    return [(display_width(line[: m.start()]), m.group()) for m in _SPACED_CELL.finditer(line)]


def _column_starts(lines: list[str], rows: list[int], width: int) -> list[int] | None:
    """Where each column of a spaced list starts: the leftmost start of its cell over the rows that
    fill every column. None for rows separated by bars or tabs, or no row filling them all."""
    full = [
        [at for at, _ in _spaced_starts(lines[k])]
        for k in rows
        if "|" not in lines[k] and "\t" not in lines[k] and len(_SPACED_CELL.findall(lines[k])) == width
    ]
    return [min(starts) for starts in zip(*full, strict=True)] if full else None


def _row_cells(line: str, width: int, starts: list[int] | None) -> list[str]:
    """A project's row as its columns, a column left empty kept in its place: by its separators in
    a bar or tab row, by where each cell starts in a row spaced into columns (as pdftotext's layout
    prints it). Filled cells in order where neither says (a row of merged or extra cells)."""
    filled = [c for c in _cells(line) if c]
    if len(filled) >= width:
        return filled
    if "|" in line or "\t" in line:
        parts = _cells(line.strip().removeprefix("|") if "|" in line else line)
        while parts and not parts[-1]:
            parts.pop()
        return parts if len(parts) == width else filled
    if starts is None:
        return filled
    out = [""] * width
    column = -1
    for at, text in _spaced_starts(line):
        later = [k for k in range(column + 1, width) if starts[k] <= at + 1]
        if not later:
            return filled  # starts left of the next column: no place in the grid
        column = later[-1]
        out[column] = text
    return out


def _is_row(line: str) -> bool:
    return len([cell for cell in _cells(line) if cell]) >= 2


def _is_numbered_row(line: str) -> bool:
    """A project's row: its first cell is its 序号, in any separator (a bar row opens with "|")."""
    filled = [cell for cell in _cells(line) if cell]
    return len(filled) >= 2 and filled[0].isdigit()


def _category_columns(lines: list[str], header_at: int) -> list[str]:
    """The category words of the header and the lines printed after it (产出指标, 效益指标 …), in order."""
    found = []
    for line in itertools.islice((line for line in lines[header_at:] if line.strip()), 6):
        for part in _cells(line):
            category = level1_of_text(part.replace(" ", "")) if part else None
            if category and len(part.replace(" ", "")) <= 8:
                found.append(part.replace(" ", ""))
    return found


def _leaf_columns(first: list[str], below: list[str], categories: list[str], width: int) -> list[str] | None:
    """The column names of a data row of ``width`` cells: the header's first line with its group
    cells replaced by the names printed under them (资金来源及规模 → 资金来源 | 资金规模(万元); 绩效目标
    → the categories). None when the header does not add up to the width."""
    wrapper = next((k for k, name in enumerate(first) if header_role(label_key(name)) == "wrapper"), None)
    if wrapper is None:
        return None
    before, after = first[:wrapper], first[wrapper + 1 :]
    subs = [name for name in below if name.replace(" ", "") not in categories]
    if len(before) + len(categories) + len(after) != width:
        group = next((k for k, name in enumerate(before) if subs and subs[0][:2] in name), None)
        if group is None:
            return None
        before = [*before[:group], *subs, *before[group + 1 :]]
    leaves = [*before, *categories, *after]
    return leaves if len(leaves) == width else None


def _items(text: str) -> list[tuple[str, str]]:
    """A category cell's indicators: "受益户数≥200户,受益脱贫户数≥15户" is two, each cut at its
    comparison; a cell that is not such a list is one indicator, its name the text, no target."""
    pieces = [piece.strip() for piece in _PIECE_CUT.split(text) if piece.strip()]
    cuts = [_COMPARISON.search(piece) for piece in pieces]
    if pieces and all(cut and cut.start() > 0 for cut in cuts):
        return [(piece[: cut.start()], piece[cut.start() :]) for piece, cut in zip(pieces, cuts, strict=True)]
    return [(text.strip(), "")] if text.strip() else []


def pivoted_rows(lines: list[str]) -> list[str]:
    """The lines with a project list of category columns, if they hold one, as project-list rows;
    else as given. Printed one cell a line, its rows parted by blank lines, each block is a row."""
    rows = _pivoted_rows(lines)
    if (
        rows is lines
        and any("项目名称" in line.replace(" ", "") for line in lines)
        and (blocks := block_rows(lines)) is not None
    ):
        rows = _pivoted_rows(blocks)
        return lines if rows is blocks else rows
    return rows


def _pivoted_rows(lines: list[str]) -> list[str]:
    header_at = next(
        (
            k
            for k, line in enumerate(lines)
            if "称" in line and _is_row(line) and "项目名称" in [label_key(c) for c in _cells(line)]
        ),
        None,
    )
    if header_at is None:
        return lines
    categories = _category_columns(lines, header_at)
    if len(categories) < 2:
        return lines
    rows = [k for k in range(header_at + 1, len(lines)) if _is_numbered_row(lines[k])]
    if not rows:
        return lines
    first = [c for c in _cells(lines[header_at]) if c]
    # the header's second line, a page's number left out ("- 2 -" where the page broke under the header)
    below = [
        c
        for line in lines[header_at + 1 : rows[0]]
        if not PAGE_MARKER.match(line.strip())
        for c in _cells(line)
        if c
    ]
    width = max(len([c for c in _cells(lines[k]) if c]) for k in rows)
    leaves = _leaf_columns(first, below, categories, width)
    if leaves is None:
        return lines
    keys = [label_key(name) for name in leaves]
    name_at = keys.index("项目名称")
    unit_at = next((k for k, key in enumerate(keys) if "单位" in key), None)
    amount_at = next((k for k, key in enumerate(keys) if re.search(r"资金规模|金额|预算|投资", key)), None)
    stated = re.search(r"[(（](万元|元)[)）]", leaves[amount_at]) if amount_at is not None else None
    amount_label = f"预算数({stated[1]})" if stated else "预算数"
    category_at = {keys.index(label_key(c)): c for c in categories if label_key(c) in keys}
    out = [*lines[:header_at], HEADER.format(amount=amount_label), *([""] * (len(lines) - header_at - 1))]
    starts = _column_starts(lines, rows, width)
    for k in rows:
        cells = _row_cells(lines[k], width, starts)
        if len(cells) <= name_at:
            continue
        unit = cells[unit_at] if unit_at is not None and unit_at < len(cells) else ""
        if unit_at is not None and "责任人" in keys[unit_at]:
            unit = _RESPONSIBLE.sub("", unit)  # 实施单位及责任人: "下符桥镇金宏伟" is the town and a person
        own = [
            unit,
            cells[name_at],
            cells[amount_at] if amount_at is not None and amount_at < len(cells) else "",
        ]
        indicators = [
            part
            for at, category in sorted(category_at.items())
            for part in [
                category,
                *(p for item in _items(cells[at] if at < len(cells) else "") for p in item if p),
            ]
        ]
        out[k] = "\t".join([*own, *indicators])  # every indicator of the project on the project's line
    return out
