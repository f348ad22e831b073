"""HTML pages to lines: the text before, between and after tables as paragraphs (the form's title,
year and 金额单位 lines), and each table row as a line, rowspan/colspan spread as grid.py says.

A table that holds other tables is page layout: its cells are walked like the page, and only tables
without tables inside become grids. Scripts, styles and the <head> are not read. Cells are named
"table 2, row 5, cell 3" (1-based, counting the grids in page order; a spanned cell by its first).
"""

from __future__ import annotations

import re

from ..decode import decode
from .grid import Merge, grid_lines
from .source import SourceLine, cell_text

_SKIPPED = {"script", "style", "head", "noscript", "template", "select", "option"}
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "center", "blockquote", "pre", "tr", "dl", "dt", "dd", "form", "body", "main", "caption",
}  # fmt: skip
MAX_SPAN = 1000  # a rowspan or colspan past this is damage, not layout


def looks_like_html(data: bytes, name: str) -> bool:
    """A page, not a text file holding a few tags (sample 004's TSV has <p> and <input> in cells)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<table")):
        return True
    if head.startswith(b"<?xml") and b"<html" in head:
        return True
    return name.lower().endswith((".htm", ".html")) and b"<table" in data[:1_000_000].lower()


def html_lines(data: bytes) -> tuple[list[SourceLine], str | None]:
    """The page's lines, and the encoding its bytes were decoded with."""
    import lxml.html

    decoded = decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", decoded.text or "")
    root = lxml.html.document_fromstring(text) if text.strip() else None
    if root is None:
        return [], decoded.encoding
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li"):  # paragraphs inside a cell are lines of its text
        block.tail = "\n" + (block.tail or "")
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return walker.lines, decoded.encoding


class _Walker:
    def __init__(self) -> None:
        self.lines: list[SourceLine] = []
        self.text: list[str] = []
        self.n_paragraphs = 0
        self.n_tables = 0

    def flush(self) -> None:
        text = cell_text("".join(self.text))
        self.text = []
        if text:
            self.n_paragraphs += 1
            self.lines.append(SourceLine(text, f"paragraph {self.n_paragraphs}"))

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED:
            return
        if tag == "table" and not element.xpath(".//table"):
            self.flush()
            self.n_tables += 1
            self.lines += _table_lines(element, self.n_tables)
        else:
            block = tag in _BLOCKS or tag in ("table", "td", "th")
            if block:
                self.flush()
            self.text.append(element.text or "")
            for child in element:
                self.walk(child)
                self.text.append(child.tail or "")
            if block:
                self.flush()


def _span(cell, name: str) -> int:
    try:
        value = int(str(cell.get(name, "1")).strip() or 1)
    except ValueError:
        return 1
    return min(max(value, 1), MAX_SPAN)


def _table_lines(table, number: int) -> list[SourceLine]:
    rows: list[list[str]] = []
    merges: list[Merge] = []
    taken: set[tuple[int, int]] = set()  # cells covered by a span from an earlier row
    trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(trs):
        row: list[str] = []
        c = 0
        for cell in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            down = min(_span(cell, "rowspan"), len(trs) - r)
            across = _span(cell, "colspan")
            row.extend([""] * (c + across - len(row)))
            row[c] = cell.text_content()
            if down > 1 or across > 1:
                merges.append(Merge(r, c, r + down - 1, c + across - 1))
                taken.update((rr, cc) for rr in range(r + 1, r + down) for cc in range(c, c + across))
            c += across
        rows.append(row)
    return grid_lines(
        rows,
        merges,
        cell_ref=lambda r, c: f"table {number}, row {r + 1}, cell {c + 1}",
        row_ref=lambda r, _last: f"table {number}, row {r + 1}",
    )
