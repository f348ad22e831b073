"""Export every mart to xlsx, csv and parquet.

``export_marts(db_path, out_dir)`` discovers the tables and views in the warehouse's ``marts``
schema (sorted by name, nothing hard-coded), opens the warehouse read-only, and writes:

- ``marts.xlsx`` — one workbook: a ``说明`` sheet first (every exported column's definition, see
  below), then one sheet per mart (sheet name = mart name, cut to Excel's 31 characters and made
  unique). Chinese header row in bold, frozen, with an autofilter over the data. Number formats
  follow the naming contract: ``*_yuan`` ``#,##0.00``; every rate ``0.00%`` (rates are fractions; a
  rate is a number column with ``rate`` among the words of its name: ``execution_rate``,
  ``execution_rate_stated``, ``execution_rate_diff``, ``coverage_rate`` …); integers ``0``, other
  decimals to their scale; dates and timestamps as Excel dates; booleans as Excel's own TRUE/FALSE;
  LIST columns joined with ``"; "``; NULL as an empty cell.
  The workbook never holds a formula. Indicator targets such as ``=100%``, ``>=95%``, ``-5`` or
  ``@x`` are text and are written as shared strings, never as formulas, links or numbers. The
  sheets are streamed by ``ingest.xlsx``: DuckDB renders each row's XML, so a 350,000-row mart
  takes seconds, not the minute a Python call per cell took.
- ``<mart>.csv`` — one per mart, UTF-8 with a BOM (``utf-8-sig``) so Excel on Windows reads the
  Chinese, same Chinese header row, same columns and rows as the sheet. Decimals are written
  exactly (``str(Decimal)``, no float); doubles (the rates) in plain notation, never scientific
  (``0.000067``, not ``6.7e-05``); booleans as ``TRUE``/``FALSE``. CSV carries no types, so Excel
  would evaluate a text cell that starts with ``=`` ``+`` ``-`` ``@`` tab, CR or NUL (see
  ``neutralise_csv``): a text that is an operator and a figure (``=100%``, ``=1.00(次)``, the bare
  operator ``=``) is written with the full-width ``＝`` (U+FF1D), which no spreadsheet evaluates;
  any other such text (``=HYPERLINK(…)``, ``-5%``, ``@SUM(1,2)``) gets a leading single quote, the
  OWASP / ASVS neutralisation. Numeric, date and boolean columns are never touched, so a negative
  delta stays ``-2456458.00``.
- ``<mart>.parquet`` — one per mart via DuckDB ``COPY``: the mart's own ASCII column names, types
  (decimals stay decimals, lists stay lists) and values (codes such as ``target`` untranslated),
  in the same column and row order as the csv.
- ``说明.md`` — with csv or parquet: the ``说明`` sheet as Markdown.

The same for every mart, decided by column names, not per mart:

- **Column order** (``export_order``): what a person reads first — ``unit_name``, ``fiscal_year``,
  ``project_name``, ``form_type`` where the mart has them, then the mart's other columns (its
  categories and figures) in the mart's order; then provenance (``source_file``, ``source_line``,
  ``target_source_file`` …: ``source_file``/``source_line`` in the name); then the hash IDs and keys
  (names ending in ``_id``, ``_ids``, ``_key``, ``_keys``: ``project_id``, ``source_document_ids``).
- **Row order** (``order_by_sql``): by every column in that order, ascending, NULL last; so two
  builds of the same data export the same bytes, and rows come by unit, year, project.
- **Values** (``VALUE_LABELS``): the marts' fixed English vocabularies are shown in Chinese in the
  xlsx and csv (``form_type`` ``target``/``self_eval`` → 目标表/自评表, ``category_source``
  ``label``/``name``/``default`` → 按标签/按名称/默认, ``document_status``, ``winner_reason``);
  a value outside the vocabulary is shown as it is. The marts themselves (and the parquet) keep
  the codes. ``issue_codes`` stays in codes: they are ``raw.parse_issues.code``.
- **说明**: one row per exported column — header, column name, kind, like-for-like (可比口径),
  translated values, and the column's description from the dbt docs — after general notes.

Headers and descriptions come from the dbt yml under ``<project_dir>/models/marts/``
(``columns[].config.meta.label_zh`` and ``description``), falling back to the column name.

Every file is written under a temporary name in ``out_dir`` and renamed into place, so a reader
never sees half a file and a failed export leaves the previous file as it was. File names come
from mart names only, after ``safe_file_stem`` has refused anything that could leave ``out_dir``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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
NOTES_NAME = "说明"  # the xlsx sheet, and 说明.md beside the csv / parquet files
PROJECT_DIR = Path(__file__).resolve().parent.parent

# Excel's limits: rows per sheet (header included), columns per sheet, sheet-name length.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLS = 16_384
SHEET_NAME_MAX = 31

FETCH_BATCH = 10_000
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
# An operator and a figure, as indicator targets print them: "=100%", "=1.00(次)", "=3名", or the
# bare operator "=". In a CSV such text starts with the full-width "＝" instead: nothing to
# evaluate (no letters, so no function, link or DDE call), and it reads as printed.
FULLWIDTH_EQUALS = "\uff1d"
CJK = "\u4e00-\u9fff"
OPERATOR_FIGURE = f"=[0-9.,%％ ()（）{CJK}]*"  # a full match, in Python re and DuckDB (RE2) alike
_OPERATOR_FIGURE = re.compile(OPERATOR_FIGURE)

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

# Column order: these lead, in this order, where a mart has them (unit, year, project, form type).
LEADING_COLUMNS = ("unit_name", "fiscal_year", "project_name", "form_type")
ID_SUFFIXES = ("_id", "_ids", "_key", "_keys")
_SOURCE = re.compile(r"(^|_)source_(file|line)(_|$)")


@dataclass(frozen=True)
class ValueLabels:
    """How a column's fixed vocabulary is shown: exact values, then full-match patterns.

    A pattern is (regex, replacement with ``\\1`` groups, how the 说明 describes it); the regex
    must mean the same in Python ``re`` and DuckDB's RE2 (plain classes and groups only).
    """

    exact: dict[str, str]
    patterns: tuple[tuple[str, str, str], ...] = ()

    def show(self, value: str) -> str:
        if value in self.exact:
            return self.exact[value]
        for pattern, replacement, _ in self.patterns:
            if re.fullmatch(pattern, value):
                return re.sub(pattern, replacement, value)
        return value

    def described(self) -> str:
        """For the 说明: ``target → 目标表; self_eval → 自评表``."""
        pairs = [f"{code} → {label}" for code, label in self.exact.items()]
        return "; ".join(pairs + [described for *_, described in self.patterns])


# The marts' fixed English vocabularies, as the xlsx and csv show them. Keyed by column name, in
# whichever mart the column is. The marts and the parquet keep the codes; a value not listed here
# is shown as it is. When a model adds a value, add it here (tests/test_export.py checks that the
# samples' exports hold no English in these columns).
VALUE_LABELS: dict[str, ValueLabels] = {
    "form_type": ValueLabels({"target": "目标表", "self_eval": "自评表"}),
    "category_source": ValueLabels({"label": "按标签", "name": "按名称", "default": "默认"}),
    "document_status": ValueLabels({"parsed": "已解析", "partial": "部分解析", "failed": "解析失败"}),
    "achievement_source": ValueLabels({"value": "按数值", "result_phrase": "按结论"}),
    "drift_status": ValueLabels(
        {
            "kept": "保持",
            "loosened": "放宽",
            "tightened": "收紧",
            "changed": "变更",
            "dropped": "删除",
            "added": "新增",
        }
    ),
    "match_method": ValueLabels({"exact": "同名", "fuzzy": "近似名称"}),
    "winner_reason": ValueLabels(
        {
            "only source": "唯一来源",
            "complete form; another copy is cut off": "表格完整，另一份不完整",
            "tie on completeness, indicators and budget figures; smallest document_id": (
                "完整性、指标数和预算数均相同，取 document_id 最小的一份"
            ),
        },
        (
            (
                r"more indicators \(([0-9]+) vs ([0-9]+)\)",
                r"指标更多（\1 比 \2）",
                "more indicators (m vs n) → 指标更多（m 比 n）",
            ),
            (
                r"more budget figures stated \(([0-9]+) vs ([0-9]+)\)",
                r"填报的预算数更多（\1 比 \2）",
                "more budget figures stated (m vs n) → 填报的预算数更多（m 比 n）",
            ),
        ),
    ),
}

KIND_LABELS = {
    "money": "金额(元)",
    "rate": "比率(小数，xlsx 显示为百分比)",
    "integer": "整数",
    "decimal": "小数",
    "float": "小数",
    "date": "日期",
    "timestamp": "时间",
    "boolean": "是/否(TRUE/FALSE)",
    "list": "列表(以“; ”分隔)",
    "text": "文本",
}


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
    columns: tuple[Column, ...]  # in export order (``export_order``), not the mart's own
    n_rows: int


@dataclass(frozen=True)
class ColumnDoc:
    label: str | None = None
    description: str = ""


@dataclass(frozen=True)
class MartDoc:
    description: str = ""
    columns: dict[str, ColumnDoc] = field(default_factory=dict)


def export_marts(
    db_path: Path,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    project_dir: Path = PROJECT_DIR,
    sheet_rows: int = XLSX_MAX_ROWS - 1,
) -> list[Path]:
    """Write every mart in ``db_path`` to ``out_dir`` in ``formats``; return the paths written.
    A mart with more rows than a sheet holds (``sheet_rows``, Excel's limit less the header) is
    split over numbered sheets in the workbook; its csv and parquet stay whole."""
    wanted = check_formats(formats)
    docs = load_docs(Path(project_dir))
    labels = labels_from(docs)
    out_dir = Path(out_dir)
    with open_warehouse(Path(db_path)) as conn:
        marts = discover_marts(conn)
        for mart in marts:
            safe_file_stem(mart.name)
        if "xlsx" in wanted:
            check_fits_xlsx(marts)
        make_out_dir(out_dir)
        notes = notes_rows(marts, docs, labels)
        written: list[Path] = []
        for fmt in wanted:
            if fmt == "xlsx":
                split = split_notes(marts, sheet_rows)
                written.append(
                    write_xlsx(conn, marts, labels, out_dir / WORKBOOK_NAME, notes + split, sheet_rows)
                )
                continue
            for mart in marts:
                path = out_dir / f"{safe_file_stem(mart.name)}.{fmt}"
                if fmt == "csv":
                    written.append(write_csv(conn, mart, headers_for(mart, labels), path))
                else:
                    written.append(write_parquet(conn, mart, path))
        if {"csv", "parquet"} & set(wanted):
            written.append(write_notes_markdown(marts, docs, labels, notes, out_dir / f"{NOTES_NAME}.md"))
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


def load_docs(project_dir: Path) -> dict[str, MartDoc]:
    """Every mart's description and its columns' ``label_zh`` and description, from the dbt yml.

    This is the one place headers and definitions are read. A missing folder means no docs (headers
    fall back to column names), not an error; a yml that does not parse is an error.
    """
    docs: dict[str, MartDoc] = {}
    marts_dir = project_dir / "models" / "marts"
    if not marts_dir.is_dir():
        return docs
    for path in sorted([*marts_dir.rglob("*.yml"), *marts_dir.rglob("*.yaml")]):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ExportError(f"cannot read column labels from {path}: {exc}") from exc
        for model in _dicts(doc.get("models") if isinstance(doc, dict) else None):
            if not model.get("name"):
                continue
            columns = {
                str(column["name"]): ColumnDoc(_label_zh(column), _text(column.get("description")))
                for column in _dicts(model.get("columns"))
                if column.get("name")
            }
            docs[str(model["name"])] = MartDoc(_text(model.get("description")), columns)
    return docs


def load_labels(project_dir: Path) -> dict[str, dict[str, str]]:
    """Map mart -> column -> Chinese header, from ``label_zh`` in the marts' dbt yml."""
    return labels_from(load_docs(project_dir))


def labels_from(docs: dict[str, MartDoc]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for mart, doc in docs.items():
        for column, column_doc in doc.columns.items():
            if column_doc.label:
                labels.setdefault(mart, {})[column] = column_doc.label
    return labels


def _dicts(value: Any) -> Iterator[dict]:
    """The dict items of a yml list, skipping anything malformed."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


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
    return Mart(name, export_order(columns), n_rows)


def _decimal_scale(typ: duckdb.sqltypes.DuckDBPyType) -> int:
    return dict(typ.children).get("scale", 0) if typ.id == "decimal" else 0


def column_kind(name: str, type_id: str) -> str:
    """How a column is shown: money and rates by the naming contract, the rest by DuckDB type.

    Money ends in ``_yuan``; a rate has ``rate`` among the words of its name (``execution_rate``,
    ``execution_rate_stated``, ``execution_rate_diff``): the marts keep rates as fractions.
    """
    numeric = type_id in INTEGER_TYPES or type_id in FLOAT_TYPES or type_id == "decimal"
    if numeric and name.endswith("_yuan"):
        return "money"
    if numeric and "rate" in name.lower().split("_"):
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


def column_role(name: str) -> str:
    """``id`` (hash IDs and keys), ``source`` (file and line of the printed form) or ``human``."""
    lower = name.lower()
    if lower.endswith(ID_SUFFIXES) or lower in ("id", "key"):
        return "id"
    if _SOURCE.search(lower):
        return "source"
    return "human"


def export_order(columns: Iterable[Column]) -> tuple[Column, ...]:
    """Human columns first (unit, year, project, form type, then the rest in the mart's order),
    then provenance (source file and line), then the hash IDs and keys."""
    columns = list(columns)
    lead = {name: i for i, name in enumerate(LEADING_COLUMNS)}
    rank = {"human": 0, "source": 1, "id": 2}

    def key(item: tuple[int, Column]) -> tuple[int, int, int]:
        position, column = item
        return (rank[column_role(column.name)], lead.get(column.name, len(lead)), position)

    return tuple(column for _, column in sorted(enumerate(columns), key=key))


def order_by_sql(mart: Mart) -> str:
    """Every column in export order, ascending, NULL last: a total, meaningful and stable order.

    Over ``shown_relation`` (the sheet); ``shown_order_sql`` is the same order over the mart itself.
    """
    return ", ".join(f"{quote_ident(c.name)} asc nulls last" for c in mart.columns) or "1"


def qualified(name: str) -> str:
    return f"{quote_ident(MARTS_SCHEMA)}.{quote_ident(name)}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def mart_rows(conn: duckdb.DuckDBPyConnection, mart: Mart) -> Iterator[tuple]:
    """Stream a mart's rows, columns and rows in export order, in batches."""
    columns = ", ".join(quote_ident(c.name) for c in mart.columns)
    cursor = conn.execute(f"select {columns} from {qualified(mart.name)} order by {shown_order_sql(mart)}")
    while batch := cursor.fetchmany(FETCH_BATCH):
        yield from batch


def shown_value_sql(column: Column) -> str:
    """SQL for a column's value as the xlsx and csv show it: a fixed vocabulary in Chinese."""
    v = quote_ident(column.name)
    labels = VALUE_LABELS.get(column.name)
    if labels is None or column.kind != "text":
        return v
    whens = [f"when {v} = {quote_sql(code)} then {quote_sql(label)}" for code, label in labels.exact.items()]
    whens += [
        f"when regexp_full_match({v}, {quote_sql(p)}) then regexp_replace({v}, {quote_sql(p)}, {quote_sql(r)})"
        for p, r, _ in labels.patterns
    ]
    return f"(case {' '.join(whens)} else {v} end)"


def shown_relation(mart: Mart) -> str:
    """The mart as the xlsx shows it: columns in export order, vocabularies translated."""
    columns = ", ".join(f"{shown_value_sql(c)} as {quote_ident(c.name)}" for c in mart.columns)
    return f"(select {columns} from {qualified(mart.name)})"


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


def shown_order_sql(mart: Mart) -> str:
    """``order_by_sql`` over the values as shown, so the csv, the sheet and the parquet agree."""
    return ", ".join(f"{shown_value_sql(c)} asc nulls last" for c in mart.columns) or "1"


def write_parquet(conn: duckdb.DuckDBPyConnection, mart: Mart, path: Path) -> Path:
    columns = ", ".join(quote_ident(c.name) for c in mart.columns)
    with replacing(path) as tmp:
        target = str(tmp).replace("'", "''")
        conn.execute(
            f"copy (select {columns} from {qualified(mart.name)} order by {shown_order_sql(mart)})"
            f" to '{target}' (format parquet)"
        )
    return path


def write_csv(conn: duckdb.DuckDBPyConnection, mart: Mart, headers: list[str], path: Path) -> Path:
    """The header row from Python, the rows from DuckDB's ``COPY … (format csv)`` with each value's
    text made in SQL (``csv_sql``, the same text ``csv_cell`` gives): no Python call per cell."""
    columns = ", ".join(csv_sql(column, shown_value_sql(column)) for column in mart.columns)
    with replacing(path) as tmp:
        rows = tmp.with_name(tmp.name + ".rows")
        try:
            target = str(rows).replace("'", "''")
            # One thread: DuckDB's parallel CSV writer may emit row groups out of order, and an
            # export must come out the same every time (one thread is as fast here anyway). The
            # rows are sorted first and their text made after: a projection keeps its input's order,
            # and the sort then carries the mart's values only, not their text too (half the memory).
            conn.execute("set threads = 1")
            try:
                conn.execute(
                    f"copy (select {columns} from (select * from {qualified(mart.name)}"
                    f" order by {shown_order_sql(mart)})) to '{target}' (format csv, header false)"
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


def csv_sql(column: Column, value: str | None = None) -> str:
    """SQL for a column's CSV text, as ``csv_cell`` writes it (NULL stays an empty field).

    ``value`` is the SQL of the value to write (the column itself unless given).
    """
    v = value or quote_ident(column.name)
    if column.kind == "boolean":
        return f"case when {v} then 'TRUE' when not {v} then 'FALSE' end"
    if column.kind == "timestamp" and column.type.upper() == "TIMESTAMP":  # isoformat: no .000000
        return (
            f"case when microsecond({v}) % 1000000 = 0 then strftime({v}, '%Y-%m-%d %H:%M:%S') "
            f"else strftime({v}, '%Y-%m-%d %H:%M:%S.%f') end"
        )
    if column.type.lower() in FLOAT_TYPES:
        return plain_float_sql(v)
    if column.kind == "list":
        text = f"array_to_string(list_transform({v}, x -> cast(x as varchar)), '; ')"
    elif column.kind == "text":
        text = f"cast({v} as varchar)"
    else:
        return f"cast({v} as varchar)"
    starts = ", ".join(f"chr({ord(ch)})" for ch in CSV_FORMULA_STARTS)
    return (
        f"case when regexp_full_match({text}, {quote_sql(OPERATOR_FIGURE)}) "
        f"then {quote_sql(FULLWIDTH_EQUALS)} || substr({text}, 2) "
        f"when left({text}, 1) in ({starts}) then chr(39) || {text} else {text} end"
    )


def plain_float_sql(v: str) -> str:
    """SQL for a double's shortest round-trip text in plain notation (``plain_float``).

    DuckDB writes ``6.7e-05`` and ``1e+16`` as Python's ``repr`` does; the mantissa's digits are
    moved across the exponent: ``0.000067``, ``10000000000000000``.
    """
    s = f"cast({v} as varchar)"
    sign = f"regexp_extract({s}, '^-?')"
    digits = f"replace(regexp_extract({s}, '^-?([0-9.]+)e', 1), '.', '')"
    exp = f"cast(regexp_extract({s}, 'e([-+][0-9]+)$', 1) as integer)"
    return (
        f"case when {s} not like '%e%' then {s} "
        f"when {exp} < 0 then {sign} || '0.' || repeat('0', -{exp} - 1) || {digits} "
        f"when length({digits}) <= {exp} + 1 then {sign} || {digits} || repeat('0', {exp} + 1 - length({digits})) "
        f"else {sign} || left({digits}, {exp} + 1) || '.' || substr({digits}, {exp} + 2) end"
    )


def plain_float(value: float) -> str:
    """A float as its shortest round-trip text, in plain notation: 6.7e-05 → ``0.000067``."""
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text


def csv_cell(value: Any, kind: str, column: str | None = None) -> str:
    """A value's CSV text (Python twin of ``csv_sql``): ``column`` picks its shown vocabulary."""
    labels = VALUE_LABELS.get(column or "")
    if labels is not None and kind == "text" and isinstance(value, str):
        value = labels.show(value)
    text = plain_text(value)
    return neutralise_csv(text) if kind in TEXT_KINDS else text


def neutralise_csv(text: str) -> str:
    """Text Excel would evaluate as a formula, made inert: an operator and a figure (``=100%``, ``=``)
    gets the full-width ``＝``; anything else starting with = + - @ tab CR NUL a single quote (OWASP)."""
    if _OPERATOR_FIGURE.fullmatch(text):
        return FULLWIDTH_EQUALS + text[1:]
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def plain_text(value: Any) -> str:
    """A value as exact text: decimals without float, floats without exponent, lists joined with
    '; ', NULL as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return plain_float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(item) for item in value)
    return str(value)


# --- 说明: every exported column's definition -------------------------------------------------


NOTES_HEADERS = ("表", "表头", "列名", "类型", "可比口径", "导出取值", "说明")
ALL_MARTS = "（全部）"
MART_ROW = "（表）"
GENERAL_NOTES = (
    (
        "列的顺序",
        "每张表先列人读的列：单位名称、年度、项目名称、表格类型，然后是类别和数字；再列来源文件和来源行；"
        "最后是哈希 ID 列（名称以 _id、_ids、_key、_keys 结尾，如 项目ID、来源文档）。",
    ),
    (
        "行的顺序",
        "按各列从左到右升序排列，空值在后：先按单位、年度、项目。同样的数据两次构建，导出的 CSV 逐字节相同，"
        "可以逐周比较。",
    ),
    (
        "金额和比率",
        "金额单位为元。比率是小数（0.9802 即 98.02%）：xlsx 中以百分比格式显示，CSV 中写小数，"
        "从不使用科学计数法（写 0.000067，不写 6.7e-05）。",
    ),
    (
        "可比口径",
        "“可比”的数字只含当年和上年预算都填报的项目（agg_unit_rollup 的 可比项目… 列），它们的差就是同比变化；"
        "“非可比”的合计含新项目和未填上年预算的项目，两年的项目不同，合计之差不是同比变化。",
    ),
    (
        "中文取值",
        "表格类型、类别依据、文档解析状态、采用理由 的英文代码在 xlsx 和 CSV 中显示为中文（见各列“导出取值”）；"
        "仓库中的 marts 和 parquet 文件保留代码。问题代码（issue_codes）保留代码，即 raw.parse_issues.code。",
    ),
    (
        "CSV 中的运算符",
        "CSV 不带类型，Excel 会把以 = + - @ 开头的文本当作公式。由运算符和数字组成的文本（指标值 =100%、"
        "=1.00(次)，运算符列的 =）在 CSV 中以全角“＝”开头；其他以这些字符开头的文本（如 -5%、=HYPERLINK(…)）"
        "前加一个单引号 '，去掉它就是原文。xlsx 和 parquet 中是原文，数字列从不改动。",
    ),
    (
        "来源",
        "来源文件、来源行：该行依据的表格在哪个文件、从哪一行开始。汇总表（agg_…）和 dim_units 汇总多张表格，"
        "没有单一来源。",
    ),
    ("定义的出处", "各列的定义取自 dbt 文档（models/marts/_marts__models.yml），与 dbt docs 一致。"),
)


@dataclass(frozen=True)
class NoteRow:
    table: str
    header: str
    column: str = ""
    kind: str = ""
    like_for_like: str = ""
    values: str = ""
    text: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.table, self.header, self.column, self.kind, self.like_for_like, self.values, self.text)


def notes_rows(
    marts: Sequence[Mart], docs: dict[str, MartDoc], labels: dict[str, dict[str, str]]
) -> list[NoteRow]:
    """The 说明: general notes, then per mart its description and every exported column."""
    rows = [NoteRow(ALL_MARTS, topic, text=text) for topic, text in GENERAL_NOTES]
    for mart in marts:
        doc = docs.get(mart.name, MartDoc())
        headers = headers_for(mart, labels)
        names = {c.name for c in mart.columns}
        order = "、".join(headers[:3]) + ("，再依次按其余各列" if len(headers) > 3 else "")
        rows.append(NoteRow(mart.name, MART_ROW, text=f"{doc.description} 行序：按 {order}，升序。".strip()))
        for column, header in zip(mart.columns, headers, strict=True):
            column_doc = doc.columns.get(column.name, ColumnDoc())
            labels_of = VALUE_LABELS.get(column.name)
            rows.append(
                NoteRow(
                    mart.name,
                    header,
                    column.name,
                    KIND_LABELS.get(column.kind, column.kind),
                    like_for_like(column.name, column_doc.description, names),
                    labels_of.described() if labels_of and column.kind == "text" else "",
                    column_doc.description,
                )
            )
    return rows


def like_for_like(name: str, description: str, mart_columns: set[str]) -> str:
    """Whether a figure compares like with like across years, from its name and its dbt docs."""
    words = name.lower().split("_")
    if "comparable" in words:
        return "可比：只含当年和上年预算都填报的项目"
    unlike = re.search(r"not (a )?like[- ]for[- ]like", description, re.IGNORECASE)
    if unlike or (name.startswith("total_") and f"comparable_{name[len('total_') :]}" in mart_columns):
        return "非可比：合计，两年的项目不同"
    if "yoy" in words:
        return "可比：同一项目表上的当年与上年"
    return ""


def write_notes_markdown(
    marts: Sequence[Mart],
    docs: dict[str, MartDoc],
    labels: dict[str, dict[str, str]],
    notes: Sequence[NoteRow],
    path: Path,
) -> Path:
    """说明.md: the 说明 sheet as Markdown, one section per mart."""
    lines = ["# 导出说明", ""]
    lines += [f"- **{row.header}**：{row.text}" for row in notes if row.table == ALL_MARTS]
    for mart in marts:
        lines += ["", f"## {mart.name}", ""]
        lines += [row.text for row in notes if row.table == mart.name and row.header == MART_ROW]
        lines += ["", "| " + " | ".join(NOTES_HEADERS[1:]) + " |", "|" + "---|" * (len(NOTES_HEADERS) - 1)]
        lines += [
            "| " + " | ".join(_md_cell(cell) for cell in row.cells()[1:]) + " |"
            for row in notes
            if row.table == mart.name and row.header != MART_ROW
        ]
    with replacing(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


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
NOTES_TABLE = "export_notes"


def check_fits_xlsx(marts: Iterable[Mart]) -> None:
    """Refuse before writing anything if a mart has more columns than a sheet (rows are split)."""
    for mart in marts:
        if len(mart.columns) > XLSX_MAX_COLS:
            raise ExportError(
                f"mart {mart.name} ({len(mart.columns)} columns) does not fit on an Excel sheet:"
                " export it with --format csv or --format parquet"
            )


def sheet_parts(mart: Mart, sheet_rows: int) -> int:
    """How many sheets the mart's rows take (at least one, for the header)."""
    return max(1, -(-mart.n_rows // sheet_rows))


def split_notes(marts: Iterable[Mart], sheet_rows: int) -> list[NoteRow]:
    """A 说明 row for each mart split over several sheets."""
    rows = []
    for mart in marts:
        parts = sheet_parts(mart, sheet_rows)
        if parts > 1:
            text = (
                f"共 {mart.n_rows:,} 行，超过 Excel 一个工作表的 {sheet_rows:,} 行：按行序分在"
                f" {mart.name}_1 至 {mart.name}_{parts} 共 {parts} 个工作表。CSV 和 Parquet 文件是完整的一个表。"
            )
            rows.append(NoteRow(mart.name, "分表", text=text))
    return rows


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
    conn: duckdb.DuckDBPyConnection,
    marts: list[Mart],
    labels: dict[str, dict[str, str]],
    path: Path,
    notes: Sequence[NoteRow] = (),
    sheet_rows: int = XLSX_MAX_ROWS - 1,
) -> Path:
    """One workbook: the 说明 sheet, then one sheet per mart (numbered sheets for a mart longer than
    a sheet), written by ``ingest.xlsx``."""
    parts = [
        (mart, k, sheet_parts(mart, sheet_rows))
        for mart in marts
        for k in range(sheet_parts(mart, sheet_rows))
    ]
    names = sheet_names(
        [NOTES_NAME, *(mart.name if n == 1 else f"{mart.name}_{k + 1}" for mart, k, n in parts)]
    )
    sheets = []
    for (mart, k, n), sheet_name in zip(parts, names[1:], strict=True):
        order_by = order_by_sql(mart)  # over the shown values: the csv's order
        relation = shown_relation(mart)
        if n > 1:
            relation = (
                f"(select * from {relation} order by {order_by} limit {sheet_rows} offset {k * sheet_rows})"
            )
        sheets.append(
            xlsx.Sheet(
                name=sheet_name,
                relation=relation,
                headers=tuple(headers_for(mart, labels)),
                columns=tuple(xlsx.Column(c.name, c.kind, _num_format(c)) for c in mart.columns),
                order_by=order_by,
            )
        )
    # The 说明 sheet is streamed like the marts, from a temp table (a read-only warehouse allows those).
    notes_table = f"temp.main.{quote_ident(NOTES_TABLE)}"
    text_columns = [f"c{i}" for i in range(len(NOTES_HEADERS))]
    conn.execute(
        f"create or replace temp table {notes_table} (n integer, {', '.join(f'{c} varchar' for c in text_columns)})"
    )
    try:
        if notes:
            conn.executemany(
                f"insert into {notes_table} values (?, {', '.join('?' for _ in text_columns)})",
                [(n, *row.cells()) for n, row in enumerate(notes)],
            )
        notes_sheet = xlsx.Sheet(
            name=names[0],
            relation=notes_table,
            headers=NOTES_HEADERS,
            columns=tuple(xlsx.Column(c, "text") for c in text_columns),
            order_by="n",
        )
        with replacing(path) as tmp:
            xlsx.write_workbook(
                conn, [notes_sheet, *sheets], tmp, shown_width, COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX
            )
    finally:
        conn.execute(f"drop table if exists {notes_table}")
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
    """Display width in Excel character units: CJK and other wide characters count double."""
    if text.isascii():
        return max(map(len, text.split("\n")))
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )
