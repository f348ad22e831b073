"""Export every mart to xlsx, csv and parquet.

``export_marts(db_path, out_dir)`` discovers the tables and views in the warehouse's ``marts``
schema (sorted by name, nothing hard-coded), opens the warehouse read-only, and writes:

- ``marts.xlsx`` — one workbook, one sheet per mart (sheet name = mart name, cut to Excel's 31
  characters and made unique). Chinese header row in bold, frozen, with an autofilter over the
  data. Number formats follow the naming contract: ``*_yuan`` ``#,##0.00``, ``*_rate`` ``0.00%``
  (rates are fractions), integers ``0``, other decimals to their scale; dates and timestamps as
  Excel dates; booleans as Excel's own TRUE/FALSE; LIST columns joined with ``"; "``; NULL as an
  empty cell. There is no per-mart workbook: one file with tabs is what analysts pass around,
  and the per-mart files are the csv and parquet.
  The workbook never holds a formula. Indicator targets such as ``=100%``, ``>=95%``, ``-5`` or
  ``@x`` are text and are written as shared strings, never as formulas, links or numbers. The
  sheets are streamed by ``ingest.xlsx``: DuckDB renders each row's XML, so a 350,000-row mart
  takes seconds, not the minute a Python call per cell took.
- ``<mart>.csv`` — one per mart, UTF-8 with a BOM (``utf-8-sig``) so Excel on Windows reads the
  Chinese, same Chinese header row. CSV carries no types, so Excel would evaluate a text cell
  that starts with ``=`` ``+`` ``-`` ``@`` tab, CR or NUL: such text cells (and the header) get a
  leading single quote, the OWASP / ASVS neutralisation for CSV injection. Numeric, date and
  boolean columns are never touched, so a negative delta stays ``-2456458.00``. Decimals are
  written exactly (``str(Decimal)``, no float), booleans as ``TRUE``/``FALSE``.
- ``<mart>.parquet`` — one per mart via DuckDB ``COPY``: original ASCII column names and types
  (decimals stay decimals, lists stay lists).

Headers come from ``label_zh`` in the dbt yml under ``<project_dir>/models/marts/``
(``columns[].config.meta.label_zh``), falling back to the column name.

Every file is written under a temporary name in ``out_dir`` and renamed into place, so a reader
never sees half a file and a failed export leaves the previous file as it was. File names come
from mart names only, after ``safe_file_stem`` has refused anything that could leave ``out_dir``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from . import xlsx
from .load import busy_error

FORMATS = ("xlsx", "csv", "parquet")
MARTS_SCHEMA = "marts"
WORKBOOK_NAME = "marts.xlsx"
PROJECT_DIR = Path(__file__).resolve().parent.parent

# Excel's limits: rows per sheet (header included), columns per sheet, sheet-name length.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLS = 16_384
SHEET_NAME_MAX = 31

FETCH_BATCH = 10_000
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

INTEGER_TYPES = frozenset(
    {"tinyint", "smallint", "integer", "bigint", "hugeint",
     "utinyint", "usmallint", "uinteger", "ubigint", "uhugeint"}
)  # fmt: skip
FLOAT_TYPES = frozenset({"float", "double"})
TIMESTAMP_TYPES = frozenset(
    {"timestamp", "timestamp with time zone", "timestamp_s", "timestamp_ms", "timestamp_ns"}
)

NUMERIC_KINDS = frozenset({"money", "rate", "integer", "decimal", "float"})
TEXT_KINDS = frozenset({"text", "list"})


class ExportError(Exception):
    """The export cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type as printed, e.g. DECIMAL(18,2)
    kind: str  # money / rate / integer / decimal / float / date / timestamp / boolean / list / text
    scale: int = 0


@dataclass(frozen=True)
class Mart:
    name: str
    columns: tuple[Column, ...]
    n_rows: int


def export_marts(
    db_path: Path,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    project_dir: Path = PROJECT_DIR,
) -> list[Path]:
    """Write every mart in ``db_path`` to ``out_dir`` in ``formats``; return the paths written."""
    wanted = check_formats(formats)
    labels = load_labels(Path(project_dir))
    out_dir = Path(out_dir)
    with open_warehouse(Path(db_path)) as conn:
        marts = discover_marts(conn)
        for mart in marts:
            safe_file_stem(mart.name)
        if "xlsx" in wanted:
            check_fits_xlsx(marts)
        make_out_dir(out_dir)
        written: list[Path] = []
        for fmt in wanted:
            if fmt == "xlsx":
                written.append(write_xlsx(conn, marts, labels, out_dir / WORKBOOK_NAME))
                continue
            for mart in marts:
                path = out_dir / f"{safe_file_stem(mart.name)}.{fmt}"
                if fmt == "csv":
                    written.append(write_csv(conn, mart, headers_for(mart, labels), path))
                else:
                    written.append(write_parquet(conn, mart, path))
    return written


# --- inputs ------------------------------------------------------------------------------------


def check_formats(formats: Sequence[str] | str) -> list[str]:
    """Normalise the requested formats, keeping their order; refuse unknown ones."""
    if isinstance(formats, str):  # ``"csv"`` means one format, not three letters
        formats = [formats]
    wanted: list[str] = []
    for fmt in formats:
        norm = str(fmt).strip().lower()
        if norm not in FORMATS:
            raise ExportError(f"unknown export format {fmt!r}: choose from {', '.join(FORMATS)}")
        if norm not in wanted:
            wanted.append(norm)
    if not wanted:
        raise ExportError(f"no export format given: choose from {', '.join(FORMATS)}")
    return wanted


def load_labels(project_dir: Path) -> dict[str, dict[str, str]]:
    """Map mart -> column -> Chinese header, from ``label_zh`` in the marts' dbt yml.

    This is the one place headers are decided. Columns without ``label_zh`` are absent here and
    fall back to their name in ``headers_for``. A missing folder means no labels, not an error.
    """
    labels: dict[str, dict[str, str]] = {}
    marts_dir = project_dir / "models" / "marts"
    if not marts_dir.is_dir():
        return labels
    for path in sorted([*marts_dir.rglob("*.yml"), *marts_dir.rglob("*.yaml")]):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ExportError(f"cannot read column labels from {path}: {exc}") from exc
        for model in _dicts(doc.get("models") if isinstance(doc, dict) else None):
            for column in _dicts(model.get("columns")):
                label = _label_zh(column)
                if label and model.get("name") and column.get("name"):
                    labels.setdefault(str(model["name"]), {})[str(column["name"])] = label
    return labels


def _dicts(value: Any) -> Iterator[dict]:
    """The dict items of a yml list, skipping anything malformed."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _label_zh(column: dict) -> str | None:
    # dbt >= 1.10 wants meta under config; accept the older top-level meta too.
    for holder in (column.get("config"), column):
        meta = holder.get("meta") if isinstance(holder, dict) else None
        if isinstance(meta, dict) and str(meta.get("label_zh") or "").strip():
            return str(meta["label_zh"]).strip()
    return None


def headers_for(mart: Mart, labels: dict[str, dict[str, str]]) -> list[str]:
    """Header row for a mart: label_zh or the column name; a repeated label gets its column name."""
    mart_labels = labels.get(mart.name, {})
    headers = [mart_labels.get(c.name, c.name) for c in mart.columns]
    repeated = {h for h in headers if headers.count(h) > 1}
    return [
        f"{h}({c.name})" if h in repeated and h != c.name else h
        for h, c in zip(headers, mart.columns, strict=True)
    ]


# --- warehouse ---------------------------------------------------------------------------------


@contextmanager
def open_warehouse(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-only, so export can run beside other readers; always close it."""
    if not db_path.is_file():
        raise ExportError(f"warehouse not found: {db_path} (run `jixiao build` first, or pass --db)")
    try:
        conn = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        busy = busy_error(db_path, exc)
        if busy:
            raise ExportError(str(busy)) from exc
        raise ExportError(f"cannot open warehouse {db_path} read-only: {exc}") from exc
    try:
        yield conn
    finally:
        conn.close()


def discover_marts(conn: duckdb.DuckDBPyConnection) -> list[Mart]:
    """Every table and view in the marts schema, sorted by name, with its columns and row count."""
    has_schema = conn.execute(
        "select count(*) from information_schema.schemata"
        " where catalog_name = current_database() and schema_name = ?",
        [MARTS_SCHEMA],
    ).fetchone()[0]
    if not has_schema:
        raise ExportError(f"the warehouse has no `{MARTS_SCHEMA}` schema: run `jixiao build` first")
    names = [
        name
        for (name,) in conn.execute(
            "select table_name from information_schema.tables"
            " where table_catalog = current_database() and table_schema = ?"
            " order by table_name",
            [MARTS_SCHEMA],
        ).fetchall()
        # dbt's scratch relations, left behind only by an interrupted build
        if not name.endswith(("__dbt_tmp", "__dbt_backup"))
    ]
    if not names:
        raise ExportError(f"the `{MARTS_SCHEMA}` schema has no mart tables: run `jixiao build` first")
    return [describe_mart(conn, name) for name in names]


def describe_mart(conn: duckdb.DuckDBPyConnection, name: str) -> Mart:
    rel = conn.sql(f"select * from {qualified(name)}")
    columns = tuple(
        Column(col, str(typ), column_kind(col, typ.id), _decimal_scale(typ))
        for col, typ in zip(rel.columns, rel.types, strict=True)
    )
    n_rows = conn.execute(f"select count(*) from {qualified(name)}").fetchone()[0]
    return Mart(name, columns, n_rows)


def _decimal_scale(typ: duckdb.sqltypes.DuckDBPyType) -> int:
    return dict(typ.children).get("scale", 0) if typ.id == "decimal" else 0


def column_kind(name: str, type_id: str) -> str:
    """How a column is shown: money and rates by the naming contract, the rest by DuckDB type."""
    numeric = type_id in INTEGER_TYPES or type_id in FLOAT_TYPES or type_id == "decimal"
    if numeric and name.endswith("_yuan"):
        return "money"
    if numeric and name.endswith("_rate"):
        return "rate"
    if type_id in INTEGER_TYPES:
        return "integer"
    if type_id == "decimal":
        return "decimal"
    if type_id in FLOAT_TYPES:
        return "float"
    if type_id == "date":
        return "date"
    if type_id in TIMESTAMP_TYPES:
        return "timestamp"
    if type_id == "boolean":
        return "boolean"
    if type_id in ("list", "array"):
        return "list"
    return "text"


def qualified(name: str) -> str:
    return f"{quote_ident(MARTS_SCHEMA)}.{quote_ident(name)}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mart_rows(conn: duckdb.DuckDBPyConnection, mart: Mart) -> Iterator[tuple]:
    """Stream a mart's rows in batches rather than holding the whole table in memory."""
    cursor = conn.execute(f"select * from {qualified(mart.name)}")
    while batch := cursor.fetchmany(FETCH_BATCH):
        yield from batch


# --- outputs -----------------------------------------------------------------------------------


def safe_file_stem(name: str) -> str:
    """Return ``name`` if it is safe as a file name inside out_dir, else raise ExportError.

    Mart names come from the warehouse, and DuckDB accepts any quoted identifier, so refuse path
    separators (``:`` too, a drive on Windows), ``..`` and control characters.
    """
    bad = (
        not name
        or name.strip() in {"", "."}
        or ".." in name
        or any(ch in name for ch in "/\\:")
        or any(unicodedata.category(ch) == "Cc" for ch in name)
    )
    if bad:
        raise ExportError(f"refusing to use mart name {name!r} as a file name")
    return name


def make_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create output folder {out_dir}: {exc}") from exc


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    Same folder, so the rename is atomic; on failure the temporary file goes and ``path`` is
    left as it was.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(conn: duckdb.DuckDBPyConnection, mart: Mart, path: Path) -> Path:
    with replacing(path) as tmp:
        target = str(tmp).replace("'", "''")
        conn.execute(f"copy (select * from {qualified(mart.name)}) to '{target}' (format parquet)")
    return path


def write_csv(conn: duckdb.DuckDBPyConnection, mart: Mart, headers: list[str], path: Path) -> Path:
    """The header row from Python, the rows from DuckDB's ``COPY … (format csv)`` with each value's
    text made in SQL (``csv_sql``, the same text ``csv_cell`` gives): no Python call per cell."""
    columns = ", ".join(csv_sql(column) for column in mart.columns)
    with replacing(path) as tmp:
        rows = tmp.with_name(tmp.name + ".rows")
        try:
            target = str(rows).replace("'", "''")
            # One thread: DuckDB's parallel CSV writer may emit row groups out of order, and an
            # export must come out the same every time (one thread is as fast here anyway).
            conn.execute("set threads = 1")
            try:
                conn.execute(
                    f"copy (select {columns} from {qualified(mart.name)}) to '{target}' (format csv, header false)"
                )
            finally:
                conn.execute("reset threads")
            with tmp.open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f, lineterminator="\n").writerow([neutralise_csv(h) for h in headers])
            with tmp.open("ab") as f, rows.open("rb") as body:
                shutil.copyfileobj(body, f, 1 << 20)
        finally:
            rows.unlink(missing_ok=True)
    return path


def csv_sql(column: Column) -> str:
    """SQL for a column's CSV text, as ``csv_cell`` writes it (NULL stays an empty field)."""
    v = quote_ident(column.name)
    if column.kind == "boolean":
        return f"case when {v} then 'TRUE' when not {v} then 'FALSE' end"
    if column.kind == "timestamp" and column.type.upper() == "TIMESTAMP":  # isoformat: no .000000
        return (
            f"case when microsecond({v}) % 1000000 = 0 then strftime({v}, '%Y-%m-%d %H:%M:%S') "
            f"else strftime({v}, '%Y-%m-%d %H:%M:%S.%f') end"
        )
    if column.kind == "list":
        text = f"array_to_string(list_transform({v}, x -> cast(x as varchar)), '; ')"
    elif column.kind == "text":
        text = f"cast({v} as varchar)"
    else:
        return f"cast({v} as varchar)"
    starts = ", ".join(f"chr({ord(ch)})" for ch in CSV_FORMULA_STARTS)
    return f"case when left({text}, 1) in ({starts}) then chr(39) || {text} else {text} end"


def csv_cell(value: Any, kind: str) -> str:
    text = plain_text(value)
    return neutralise_csv(text) if kind in TEXT_KINDS else text


def neutralise_csv(text: str) -> str:
    """Prefix a single quote to text Excel would otherwise evaluate as a formula (OWASP)."""
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def plain_text(value: Any) -> str:
    """A value as exact text: decimals without float, lists joined with '; ', NULL as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(item) for item in value)
    return str(value)


# --- xlsx --------------------------------------------------------------------------------------


NUMBER_FORMATS = {
    "money": "#,##0.00",
    "rate": "0.00%",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "timestamp": "yyyy-mm-dd hh:mm:ss",
}

COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX = 6, 60
EXCEL_EXACT_INT = 2**53  # beyond this a double loses digits: keep such integers as text


def check_fits_xlsx(marts: Iterable[Mart]) -> None:
    """Refuse before writing anything if a mart cannot fit on one sheet."""
    for mart in marts:
        if mart.n_rows + 1 > XLSX_MAX_ROWS or len(mart.columns) > XLSX_MAX_COLS:
            raise ExportError(
                f"mart {mart.name} ({mart.n_rows} rows, {len(mart.columns)} columns) does not fit"
                " on an Excel sheet: export it with --format csv or --format parquet"
            )


def sheet_names(mart_names: Iterable[str]) -> list[str]:
    """Excel sheet names: no []:*?/\\ , at most 31 characters, unique ignoring case."""
    names: list[str] = []
    seen: set[str] = set()
    for mart_name in mart_names:
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in mart_name).strip("'") or "sheet"
        name, n = base[:SHEET_NAME_MAX], 1
        while name.lower() in seen or name.lower() == "history":  # History is reserved by Excel
            n += 1
            suffix = f"~{n}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        seen.add(name.lower())
        names.append(name)
    return names


def write_xlsx(
    conn: duckdb.DuckDBPyConnection, marts: list[Mart], labels: dict[str, dict[str, str]], path: Path
) -> Path:
    """One workbook, one sheet per mart, written by ``ingest.xlsx`` (DuckDB renders the rows)."""
    sheets = [
        xlsx.Sheet(
            name=sheet_name,
            relation=qualified(mart.name),
            headers=tuple(headers_for(mart, labels)),
            columns=tuple(xlsx.Column(c.name, c.kind, _num_format(c)) for c in mart.columns),
        )
        for mart, sheet_name in zip(marts, sheet_names(m.name for m in marts), strict=True)
    ]
    with replacing(path) as tmp:
        xlsx.write_workbook(conn, sheets, tmp, shown_width, COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX)
    return path


def _num_format(column: Column) -> str | None:
    if column.kind == "decimal":
        return "0." + "0" * column.scale if column.scale else "0"
    return NUMBER_FORMATS.get(column.kind)


def shown_width(value: Any, kind: str) -> int:
    """Display width of a header (kind "header") or of a number as its sheet shows it."""
    if kind == "header":
        return display_width(value)
    if isinstance(value, int) and abs(value) >= EXCEL_EXACT_INT:
        return len(str(value))
    return display_width(shown_number(value, kind))


def shown_number(value: int | float | Decimal, kind: str) -> str:
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "rate":
        return f"{float(value):.2%}"
    return plain_text(value)


@lru_cache(maxsize=1 << 16)  # the same unit names, labels and targets fill whole columns
def display_width(text: str) -> int:
    """Width in Excel character units: CJK and other wide characters count double."""
    if text.isascii():
        return max(map(len, text.split("\n")))
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )
