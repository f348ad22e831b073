"""DOCX to lines: paragraphs and tables in document order (the title and 金额单位 paragraphs before
a table are part of the form), table cells merged across (gridSpan) or down (vMerge) spread as
grid.py says, each cell named "table 2, row 5, cell 3" (1-based; a merged cell by its first)."""

from __future__ import annotations

import io

from .grid import Merge, grid_lines
from .source import SourceLine, cell_text


def docx_lines(data: bytes) -> list[SourceLine]:
    import docx  # python-docx, imported here: a text-only ingest never pays for it
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    lines: list[SourceLine] = []
    n_paragraphs = n_tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            n_tables += 1
            lines += _table_lines(block._tbl, n_tables)
        else:
            n_paragraphs += 1
            lines.append(SourceLine(_paragraph_text(block.text), f"paragraph {n_paragraphs}"))
    return lines


def _paragraph_text(text: str) -> str:
    """A tab inside a paragraph separates cells, as in a text file ("项目名称<tab>农村…")."""
    return "\t".join(cell_text(part) for part in text.split("\t")).strip("\t")


def _table_lines(tbl, number: int) -> list[SourceLine]:
    from docx.oxml.ns import qn

    rows: list[list[str]] = []
    merges: list[Merge] = []
    open_down: dict[int, int] = {}  # column -> index in merges of the vertical area open there
    for r, tr in enumerate(tbl.tr_lst):
        row: list[str] = []
        c = tr.grid_before
        for tc in tr.tc_lst:
            span = max(tc.grid_span, 1)
            row.extend([""] * (c + span - len(row)))
            if tc.vMerge == "continue" and c in open_down:
                k = open_down[c]
                merges[k] = Merge(merges[k].top, merges[k].left, r, merges[k].right)
            else:
                paragraphs = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                row[c] = "\n".join(paragraphs)
                open_down.pop(c, None)
                if span > 1 or tc.vMerge == "restart":
                    merges.append(Merge(r, c, r, c + span - 1))
                    if tc.vMerge == "restart":
                        open_down[c] = len(merges) - 1
            c += span
        rows.append(row)
    return grid_lines(
        rows,
        merges,
        cell_ref=lambda r, c: f"table {number}, row {r + 1}, cell {c + 1}",
        row_ref=lambda r, _last: f"table {number}, row {r + 1}",
    )
