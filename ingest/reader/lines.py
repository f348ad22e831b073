"""Repairs of whole lines before they are cut into cells: two ways a copy breaks one table cell
over several lines that only the lines around it show; rows a blank line parts; a sheet saved as
CSV."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Page numbers and preview-site page markers ("- 3 -", "第2页"): never a wrapped cell's part.
PAGE_MARKER = re.compile(r"^(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")


_SPACED_TARGET = re.compile(r"\s[=≥≤<>＝＜＞≧≦]+\s?\d")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def join_wrapped_pipe_cells(texts: list[str]) -> list[str]:
    """A copy printed one cell per line, each closed by " |", shows a cell wrapped over two lines as a
    short line without the bar before the line that closes it ("打造金安国际网球" | "公开赛等系列品牌赛事 |"):
    the two are one cell, on the line that closes it; the wrapped part's own line is left empty."""
    filled = [t for t in texts if t]
    closed = sum(1 for t in filled if t.endswith("|") and t.count("|") == 1)
    if not filled or closed < 0.5 * len(filled):
        return texts
    out = list(texts)
    for k in range(len(out) - 1):
        text, after = out[k], out[k + 1]
        if (
            text
            and "|" not in text
            and len(text) <= 12
            and has_han(text)
            and after.endswith("|")
            and after.count("|") == 1
            and not PAGE_MARKER.match(text)
        ):
            out[k], out[k + 1] = "", text + after
    return out


def join_vertical_labels(texts: list[str], is_label: Callable[[str], bool]) -> list[str]:
    """A merged cell printed one character a line ("产" | "出" | "指" | "标 数量指标 维护…", blank
    lines between or not, each maybe closed by a bar or a tab): the characters are put back in
    front of the line they end on, where together they make a label."""
    out = list(texts)
    if sum(1 for text in out if len(text.rstrip("\t |")) == 1) < 2:
        return _join_wrapped_labels(out, is_label)  # no run of two single characters: the common case
    k = 0
    while k < len(out):
        run, j = [], k  # the lines of single characters from k, and the line after them
        while j < len(out) and (len(out[j].rstrip("\t |")) == 1 and has_han(out[j]) or not out[j] and run):
            run += [j] if out[j] else []
            j += 1
        j = run[-1] + 1 if run else j
        while run and j < len(out) and not out[j]:
            j += 1
        if len(run) >= 2 and j < len(out) and out[j]:
            chars = "".join(out[r].rstrip("\t |") for r in run)
            words = out[j].replace("|", " ").split()
            head = words[0] if words else ""
            if any(is_label(chars + head[:n]) for n in range(len(head) + 1)):
                for r in run:
                    out[r] = ""
                # a whole label before a row of cells is a cell of its own ("产出指标 | 数量指标 |")
                # (and before words parted by spaces, a space: "产出指标 数 量 指 标")
                cut = next((sep for sep in ("\t", "|", " ") if sep in out[j] and is_label(chars)), "")
                out[j] = chars + cut + out[j]
        k = max(j, k + 1)
    return _join_wrapped_labels(out, is_label)


def _join_wrapped_labels(texts: list[str], is_label: Callable[[str], bool]) -> list[str]:
    """A category label wrapped over short lines, one cell a line ("服务对象" | "满意度" | "指标"): the
    pieces are joined on the last line when together, and only together, they make a label."""
    out = list(texts)
    for j, text in enumerate(out):
        if text not in ("指标", "目标"):
            continue
        before = [k for k in range(j - 1, max(j - 7, -1), -1) if out[k]][:3]  # blank lines skipped
        for n in range(len(before), 1, -1):
            run = sorted(before[:n])
            pieces = [out[k] for k in run]
            if (
                all(len(p) <= 4 and has_han(p) and "|" not in p for p in pieces)
                and is_label("".join(pieces) + text)
                and not is_label(pieces[0])
            ):
                for k in run:
                    out[k] = ""
                out[j] = "".join(pieces) + text
                break
    return out


def line_blocks(texts: list[str]) -> dict[int, int] | None:
    """One cell a line with blank lines parting the rows (a web table's text: a line per cell, a
    blank line after each row): each line's block, by its first line. None unless the text has no
    separators or runs of spaces, no line holds a target after a space (pdftotext's row, "…小区数
    ≥120个", its name wrapped over lines) and most of its five or more blocks hold several lines."""
    block_of: dict[int, int] = {}
    block, sizes = -1, Counter()
    for row, text in enumerate(texts):
        text = text.strip()
        if not text:
            block = -1
            continue
        if "\t" in text or "|" in text or "  " in text or _SPACED_TARGET.search(text):
            return None
        block = row if block < 0 else block
        block_of[row] = block
        sizes[block] += 1
    if len(sizes) < 5 or sum(1 for size in sizes.values() if size >= 2) < 0.5 * len(sizes):
        return None
    return block_of


def block_rows(lines: list[str]) -> list[str] | None:
    """The lines with each block of ``line_blocks`` as one tab-separated row on its first line."""
    block_of = line_blocks(lines)
    if block_of is None:
        return None
    out = [""] * len(lines)
    for row, block in block_of.items():
        out[block] = (out[block] + "\t" if out[block] else "") + lines[row].strip()
    return out


def csv_rows(lines: list[str]) -> list[str] | None:
    """A sheet saved as CSV ("序号,项目名称,预算数,…" | "1,村组干部报酬,\"3,309,840.00\",,"): each row as
    tab-separated cells on the line it starts on (a quoted cell may go on over lines). None unless
    the text reads as a sheet's CSV: no tabs, hardly a bar, commas on most lines, and most rows of
    several cells as wide as one another (three or more)."""
    content = [line for line in lines if line.strip()]
    if len(content) < 5 or any("\t" in line for line in content):
        return None
    if sum("," in line for line in content) < 0.6 * len(content) or sum(
        "|" in line for line in content
    ) > 0.1 * len(content):
        return None
    reader = csv.reader(lines)
    rows, start = [], 0
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num
    except csv.Error:
        return None
    widths = Counter(len(row) for _, row in rows if len(row) >= 2)
    if not widths:
        return None
    width, count = widths.most_common(1)[0]
    if width < 3 or count < 0.5 * sum(widths.values()):
        return None
    out = [""] * len(lines)
    for at, row in rows:
        out[at] = "\t".join(cell.strip() for cell in row)  # one cell: the line, its quotes read
    return out
