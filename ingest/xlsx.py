"""A streaming xlsx writer for whole DuckDB tables: DuckDB builds each sheet's XML, Python zips it.

A workbook is a zip of XML parts. Writing it cell by cell from Python (xlsxwriter) costs about
8 µs a cell, a minute for the 5 million cells of the marts at 2,000 documents, and holds every
cell in memory until the file is closed. Here DuckDB renders every data row as one ``<row>``
string in SQL (cell references, styles, numbers, dates as Excel serial numbers, and the index of
each text in the shared-string table), so Python only copies strings into the zip: seconds. At
most CHUNK_ROWS rows are rendered at a time, so a sheet's XML is never in memory whole (the
shared-string tables, one per text column, grow with the number of distinct texts).

What a cell becomes is decided by the caller's ``Column`` specs (kind and number format per
column); the rules are those of export.py's module docstring. Text is always a shared string (never a
formula, link or number); NULL and empty text are empty cells; text longer than Excel's 32,767
characters is cut to it (as Excel would refuse it). Column widths come from the longest shown
value per column, counting East Asian wide characters double, measured in SQL.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb

MAX_STRING = 32_767
FETCH_ROWS = 5_000
CHUNK_ROWS = 100_000  # rows rendered and sorted per query: bounds DuckDB's memory on big marts
ZIP_LEVEL = 1  # deflate level: 1 is four times faster than 6 and the file only ~15 % larger

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
BUILTIN_NUM_FORMATS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
# East Asian wide and full-width characters (Unicode EastAsianWidth W and F), counted double.
WIDE = (
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True)
class Column:
    """How one column is written: ``kind`` as in export.py, ``num_format`` an Excel number format."""

    name: str
    kind: str  # money / rate / integer / decimal / float / date / timestamp / boolean / list / text
    num_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    relation: str  # a table, view or parenthesised query, already quoted for SQL
    headers: tuple[str, ...]
    columns: tuple[Column, ...]
    order_by: str | None = None  # SQL over the relation's columns; rows in no set order without it


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def xml_text(text: str) -> str:
    """Text for a <t> element: XML-escaped, control characters as Excel's _xHHHH_."""
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return escape(text)


def display_width_sql(expr: str) -> str:
    return f"(length({expr}) + length(regexp_replace({expr}, '[^{WIDE[1:-1]}]', '', 'g')))"


class Styles:
    """Cell formats: 0 default, 1 bold header, then one per number format."""

    def __init__(self) -> None:
        self.formats: dict[str, int] = {}

    def index(self, num_format: str | None) -> int:
        if not num_format:
            return 0
        return self.formats.setdefault(num_format, len(self.formats) + 2)

    def xml(self) -> str:
        custom: dict[str, int] = {}
        xfs = [
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        ]
        for code in self.formats:
            num_id = BUILTIN_NUM_FORMATS.get(code) or custom.setdefault(code, 164 + len(custom))
            xfs.append(
                f'<xf numFmtId="{num_id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            )
        num_fmts = "".join(
            f'<numFmt numFmtId="{num_id}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
            for code, num_id in custom.items()
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(custom)}">{num_fmts}</numFmts>' if custom else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


def shown_text_sql(column: Column) -> str | None:
    """SQL for the text a text cell shows (NULL for no cell), or None for a column of typed cells."""
    v = quote_ident(column.name)
    if column.kind == "list":
        text = f"array_to_string(list_transform({v}, x -> cast(x as varchar)), '; ')"
    elif column.kind == "text":
        text = f"cast({v} as varchar)"
    else:
        return None
    return f"nullif(left({text}, {MAX_STRING}), '')"


def cell_sql(column: Column, index: int, styles: Styles, strings_alias: str | None) -> str:
    """SQL for one cell's XML (NULL when the cell is empty)."""
    v = quote_ident(column.name)
    ref = f"'<c r=\"{column_letter(index)}' || r || '\"'"
    style = styles.index(column.num_format)
    s_attr = f' s="{style}"' if style else ""
    if strings_alias:
        return f"({ref} || ' t=\"s\"><v>' || {strings_alias}.idx || '</v></c>')"
    if column.kind == "boolean":
        return f"({ref} || ' t=\"b\"><v>' || (case when {v} then 1 else 0 end) || '</v></c>')"
    if column.kind in ("date", "timestamp"):
        if column.kind == "date":
            days = f"date_diff('day', DATE '1899-12-31', {v})"
        else:
            days = f"((epoch_us({v}::timestamp) - epoch_us(TIMESTAMP '1899-12-31')) / 86400000000.0)"
        serial = f"({days} + case when {days} > 59 then 1 else 0 end)"  # Excel's 1900-02-29
        as_text = f"'<c r=\"{column_letter(index)}' || r || '\" t=\"inlineStr\"><is><t>' || cast({v} as varchar) || '</t></is></c>'"
        return (
            f"(case when year({v}) between 1900 and 9999 "
            f"then {ref} || '{s_attr}><v>' || format('{{:.16G}}', cast({serial} as double)) || '</v></c>' "
            f"else {as_text} end)"
        )
    # numbers: Excel keeps doubles; an integer past 2^53 would lose digits and stays text
    number = f"cast({v} as double)"
    too_big = (
        f"when abs({number}) >= 9007199254740992 "
        f"then {ref} || ' t=\"inlineStr\"><is><t>' || cast({v} as varchar) || '</t></is></c>' "
        if column.kind == "integer"
        else ""
    )
    return (
        f"(case when isnan({number}) or isinf({number}) then {ref} || ' t=\"e\"><v>#NUM!</v></c>' "
        f"{too_big}else {ref} || '{s_attr}><v>' || format('{{:.16G}}', {number}) || '</v></c>' end)"
    )


def write_workbook(
    conn: duckdb.DuckDBPyConnection,
    sheets: Sequence[Sheet],
    path: Path,
    shown_width: Callable[[object, str], int],
    width_min: float,
    width_max: float,
) -> None:
    """Write ``sheets`` as one workbook at ``path`` (the caller makes it atomic).

    ``shown_width(value, kind)`` is the display width of a header (kind "header") or of a
    number as the sheet shows it; column widths are clamped to [width_min, width_max].
    """
    styles = Styles()
    strings = SharedStrings(conn, sorted({h for sheet in sheets for h in sheet.headers}))
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
            ranges = []
            for number, sheet in enumerate(sheets, 1):
                with z.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                    tables = {
                        i: strings.column_table(sheet.relation, text)
                        for i, c in enumerate(sheet.columns)
                        if (text := shown_text_sql(c))
                    }
                    widths = [
                        min(max(w + 1, width_min), width_max)
                        for w in _widths(conn, sheet, tables, shown_width)
                    ]
                    ranges.append(
                        _write_sheet(conn, sheet, part, styles, strings, tables, widths, number == 1)
                    )
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                strings.write(part)
            z.writestr("xl/styles.xml", styles.xml())
            z.writestr("xl/workbook.xml", _workbook_xml(sheets, ranges))
            z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
            z.writestr("_rels/.rels", _package_rels())
            z.writestr("[Content_Types].xml", _content_types(len(sheets)))
    finally:
        strings.drop()


class SharedStrings:
    """The shared-string table: the headers, then each text column's distinct values.

    Every text column gets its own DuckDB temp table (value, index), indexes continuing from the
    previous column's, and a sheet's rows are joined only to their own columns' tables: joining
    every column to one table of all strings would build that whole table once per column.
    The same text in two columns is stored twice, which Excel allows.
    """

    def __init__(self, conn: duckdb.DuckDBPyConnection, headers: list[str]) -> None:
        self.conn = conn
        self.headers = {h: i for i, h in enumerate(headers)}
        self.tables: list[str] = []
        self.count = len(headers)

    def column_table(self, relation: str, shown_sql: str) -> str:
        name = f"xlsx_strings_{len(self.tables)}"
        self.conn.execute(
            f"create or replace temp table {name} as select s, "
            f"cast(row_number() over (order by s) - 1 + {self.count} as bigint) as idx "
            f"from (select distinct {shown_sql} as s from {relation}) where s is not null"
        )
        self.tables.append(name)
        self.count += self.conn.execute(f"select count(*) from {name}").fetchone()[0]
        return name

    def write(self, part) -> None:
        part.write(
            f'{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{self.count}">'.encode()
        )
        part.write(_si(self.headers).encode())
        for name in self.tables:
            cursor = self.conn.execute(f"select s from {name} order by idx")
            while batch := cursor.fetchmany(FETCH_ROWS):
                part.write(_si(s for (s,) in batch).encode())
        part.write(b"</sst>")

    def drop(self) -> None:
        for name in self.tables:
            self.conn.execute(f"drop table if exists {name}")


def _si(strings) -> str:
    return "".join(
        f'<si><t xml:space="preserve">{xml_text(s)}</t></si>'
        if s[:1].isspace() or s[-1:].isspace()
        else f"<si><t>{xml_text(s)}</t></si>"
        for s in strings
    )


def _write_sheet(
    conn, sheet: Sheet, part, styles: Styles, strings: SharedStrings, tables: dict[int, str], widths, selected
) -> str:
    joins, cells, shown = [], [], []
    for index, column in enumerate(sheet.columns):
        text = shown_text_sql(column)
        alias = f"s{index}" if text else None
        if text:
            table = tables[index]
            shown.append(f"{text} as t{index}")
            joins.append(f"left join {table} as {alias} on {alias}.s = d.t{index}")
        cell = cell_sql(column, index, styles, alias)
        source = f"t{index}" if text else quote_ident(column.name)
        cells.append(f"(case when {source} is null then '' else {cell} end)")
    n_rows = conn.execute(f"select count(*) from {sheet.relation}").fetchone()[0]
    last = f"{column_letter(len(sheet.columns) - 1)}{n_rows + 1}"
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_xml_width(w)}" customWidth="1"/>' for i, w in enumerate(widths, 1)
    )
    header_cells = "".join(
        f'<c r="{column_letter(i)}1" s="1" t="s"><v>{strings.headers[h]}</v></c>'
        for i, h in enumerate(sheet.headers)
    )
    tab = 'tabSelected="1" ' if selected else ""
    part.write(
        (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView {tab}workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>"
            f'<row r="1">{header_cells}</row>'
        ).encode()
    )
    # Each slice numbers the rows again: only an ORDER BY over the whole row makes the slices agree.
    order = f"order by {sheet.order_by}" if sheet.order_by else ""
    columns = ", ".join(
        [f"row_number() over ({order}) + 1 as r", *(quote_ident(c.name) for c in sheet.columns), *shown]
    )
    query = (
        f"select '<row r=\"' || r || '\">' || {' || '.join(cells)} || '</row>' "
        f"from (select {columns} from {sheet.relation}) as d {' '.join(joins)} "
        "where r between ? and ? order by r"
    )
    # Rows go out in slices, so DuckDB never holds more than CHUNK_ROWS rows' XML for the sort.
    for first in range(2, n_rows + 2, CHUNK_ROWS):
        cursor = conn.execute(query, [first, first + CHUNK_ROWS - 1])
        while batch := cursor.fetchmany(FETCH_ROWS):
            part.write("".join(row for (row,) in batch).encode())
    part.write(
        (
            f'</sheetData><autoFilter ref="A1:{last}"/>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>"
        ).encode()
    )
    return f"$A$1:${column_letter(len(sheet.columns) - 1)}${n_rows + 1}"


NUMBER_KINDS = ("money", "rate", "integer", "decimal", "float")


def _widths(conn: duckdb.DuckDBPyConnection, sheet: Sheet, tables: dict[int, str], shown_width) -> list[int]:
    """Per column, the widest of: the header plus 2 (the filter button), every value as shown.

    Text is measured in SQL over the column's distinct values (wide characters count double); a
    number column's widest value is its minimum or its maximum, measured as the sheet shows them.
    """
    measures = []
    for index, column in enumerate(sheet.columns):
        v = quote_ident(column.name)
        if index in tables:
            measures.append(f"(select max({display_width_sql('s')}) from {tables[index]})")
        elif column.kind in NUMBER_KINDS:
            measures.append(f"[min({v}), max({v})]")
        elif column.kind == "boolean":
            measures.append(f"max(case when {v} then 4 when not {v} then 5 end)")
        else:
            measures.append(f"max(length(cast({v} as varchar)))")
    found = conn.execute(f"select {', '.join(measures)} from {sheet.relation}").fetchone()
    widths = []
    for header, column, value in zip(sheet.headers, sheet.columns, found, strict=True):
        width = shown_width(header, "header") + 2
        if column.kind in NUMBER_KINDS:
            value = max((shown_width(x, column.kind) for x in value if x is not None), default=0)
        widths.append(max(width, value or 0))
    return widths


def _xml_width(width: float) -> float:
    """Excel's stored column width for a width in characters (Calibri 11: 7 pixels a character)."""
    pixels = int(width * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


def _workbook_xml(sheets: Sequence[Sheet], ranges: list[str]) -> str:
    entries = "".join(
        f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(quote_sheet(s.name))}!{r}</definedName>"
        for i, (s, r) in enumerate(zip(sheets, ranges, strict=True))
    )
    return (
        f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        "<bookViews><workbookView/></bookViews>"
        f"<sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_rels(n_sheets: int) -> str:
    rels = [
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    ]
    rels.append(f'<Relationship Id="rId{n_sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>')
    rels.append(
        f'<Relationship Id="rId{n_sheets + 2}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'


def _package_rels() -> str:
    return (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )


def _content_types(n_sheets: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f"{sheets}"
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        "</Types>"
    )
