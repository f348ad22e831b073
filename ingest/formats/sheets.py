"""Spreadsheets (XLSX, XLS, XLSB, ODS) to lines: every sheet in order, every row a line, merged
areas spread (grid.py), each cell named as a spreadsheet names it ("Sheet1!C5").

XLSX is read with openpyxl, which keeps each cell's number format: a rate stored as 0.9802 and
shown as 98.02% reads "98.02%", an amount shown with two decimals reads "296.00", as printed.
XLS, XLSB and ODS are read with python-calamine, which gives values without their formats: an
amount reads as its number, and a rate stored as a fraction reads as the fraction (README).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from .grid import Merge, column_letters, grid_lines
from .source import SourceLine

MAX_CELLS = 2_000_000  # per sheet, counting empty cells inside its used range: more is not a form


class SheetTooLarge(ValueError):
    pass


def xlsx_lines(data: bytes) -> list[SourceLine]:
    import openpyxl  # imported here: a text-only ingest never pays for it

    # data_only: a formula's value as last computed (budget systems export values, not formulas)
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    lines: list[SourceLine] = []
    try:
        for sheet in book.worksheets:
            n_rows, n_columns = sheet.max_row, sheet.max_column
            _check_size(sheet.title, n_rows, n_columns)
            rows = [
                [_shown(cell.value, cell.number_format) for cell in row]
                for row in sheet.iter_rows(min_row=1, min_col=1, max_row=n_rows, max_col=n_columns)
            ]
            merges = [
                Merge(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                for r in sheet.merged_cells.ranges
            ]
            lines += _sheet_lines(sheet.title, rows, merges)
    finally:
        book.close()
    return lines


def calamine_lines(data: bytes) -> list[SourceLine]:
    """XLS, XLSB, ODS (and XLSX, were openpyxl to fail on it) through python-calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    lines: list[SourceLine] = []
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            _check_size(name, sheet.total_height, sheet.total_width)
            rows = [[_shown(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
            merges = [Merge(top, left, bottom, right) for (top, left), (bottom, right) in _merged(sheet)]
            lines += _sheet_lines(name, rows, merges)
    finally:
        book.close()
    return lines


def _merged(sheet) -> list:
    try:
        return sheet.merged_cell_ranges or []
    except Exception:  # calamine knows merged areas of xlsx and xls only; others have none to spread
        return []


def _check_size(name: str, n_rows: int, n_columns: int) -> None:
    if n_rows * n_columns > MAX_CELLS:
        raise SheetTooLarge(
            f"sheet {name!r} spans {n_rows:,} rows × {n_columns:,} columns, over the "
            f"{MAX_CELLS:,}-cell limit; a form is a few hundred cells: delete the empty or unrelated area"
        )


def _sheet_lines(name: str, rows: list[list[object]], merges: list[Merge]) -> list[SourceLine]:
    sheet = _quoted(name)
    lines = grid_lines(
        rows,
        merges,
        cell_ref=lambda r, c: f"{sheet}!{column_letters(c)}{r + 1}",
        row_ref=lambda r, last: f"{sheet}!A{r + 1}" + (f":{column_letters(last)}{r + 1}" if last else ""),
    )
    return [*lines, SourceLine("", f"{sheet} (end)")]  # a blank line between sheets


def _quoted(name: str) -> str:
    """A sheet name as a formula writes it: 'Sheet 1'!A1 needs quotes, Sheet1!A1 does not."""
    if re.fullmatch(r"[\w\u3400-\u9fff]+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


_DECIMALS = re.compile(r"0\.(0+)")


def _shown(value: object, number_format: str | None = None) -> object:
    """A cell's value as the sheet shows it: numbers with their format's decimals and percent,
    dates as dates. Numbers go through their shortest repr to Decimal, never float arithmetic."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if not isinstance(value, int | float):
        return value
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    fmt = (number_format or "General").split(";")[0]
    percent = "%" in fmt
    if percent:
        number *= 100
    decimals = _DECIMALS.search(fmt)
    if decimals:
        text = f"{number:.{len(decimals.group(1))}f}"
    elif fmt not in ("General", "@") and re.search(r"[#0]", fmt):
        text = f"{number:.0f}"
    else:
        text = _plain(number)
    return text + ("%" if percent else "")


def _plain(number: Decimal) -> str:
    """296.0 -> 296, 0.98020 -> 0.9802, never scientific notation."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
