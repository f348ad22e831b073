"""Export: every mart to xlsx, csv and parquet, from a real DuckDB file in a temp folder.

The xlsx is checked by reading its XML straight out of the zip, so the test sees exactly what
Excel will: no formula elements, shared strings, number formats, frozen pane and autofilter.
"""

from __future__ import annotations

import csv
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.export import (
    NOTES_HEADERS,
    Column,
    ExportError,
    column_kind,
    column_role,
    csv_cell,
    csv_sql,
    export_marts,
    export_order,
    like_for_like,
    neutralise_csv,
    plain_float,
    plain_float_sql,
    safe_file_stem,
    sheet_names,
)
from ingest.xlsx import column_letter as xlsx_column_letter
from tests.conftest import MARTS as CONFTEST_MARTS
from tests.conftest import SAMPLES

MARTS_SQL = """
create schema marts;
create table marts.fct_budget_yoy (
    project_id varchar,
    fiscal_year integer,
    budget_current_yuan decimal(18, 2),
    delta_yuan decimal(18, 2),
    execution_rate decimal(9, 4),
    target varchar,
    is_new boolean,
    source_document_ids varchar[],
    built_on date
);
insert into marts.fct_budget_yoy values
    ('p4', 2022, 5.50, 5.50, 0.5, '+1', true, ['=cmd'], null),
    ('p2', 2021, 1000.00, 0.00, 1.0, '>=95%', false, ['doc-c'], null),
    ('p1', 2020, 12345678.90, -2456458.00, 0.9802, '=100%', true, ['doc-a', 'doc-b'], date '2024-05-06'),
    ('p5', 2022, 1.00, 1.00, 0.25, '@sum', false, null, null),
    ('p3', 2021, null, null, null, '-abc', null, [], null);
create table marts.dim_units (
    unit_id integer,
    unit_name varchar,
    aliases varchar[],
    updated_at timestamp
);
insert into marts.dim_units values
    (2, '-', [], null),
    (1, '上海市房屋管理局', ['市房管局', '房管局'], timestamp '2024-01-02 03:04:05');
-- IDs and provenance first, human columns after, rows in no order: as a mart may come
create table marts.fct_forms (
    document_id varchar,
    project_key varchar,
    source_file varchar,
    source_line integer,
    form_type varchar,
    unit_name varchar,
    fiscal_year integer,
    project_name varchar,
    category_source varchar,
    winner_reason varchar,
    target_operator varchar,
    target varchar,
    execution_rate_stated double,
    execution_rate_diff double,
    n_indicators integer
);
insert into marts.fct_forms values
    ('d4', 'k4', 'c.txt', 5, 'target', null, 2021, '项目丙', 'label', 'a reason nobody listed',
     null, '-5%', 1e-20, 1e16, 0),
    ('d2', 'k2', 'a.txt', 30, 'self_eval', '甲单位', 2020, '项目乙', 'default',
     'tie on completeness, indicators and budget figures; smallest document_id',
     '=', '=HYPERLINK("http://x","y")', 1.0, -1.5e-07, 7),
    ('d3', 'k3', 'b.txt', 40, 'self_eval', '乙单位', 2021, '项目甲', 'name', 'more indicators (12 vs 9)',
     '=', '=1.00(次)', 0.9802, 6.7e-05, 3),
    ('d1', 'k1', 'a.txt', 3, 'target', '甲单位', 2020, '项目乙', 'label', 'only source',
     '≥', '≥95%', null, null, 12);
"""

MARTS_YML = """\
version: 2
models:
  - name: fct_budget_yoy
    description: one row per project per fiscal year
    columns:
      - name: project_id
        config: {meta: {label_zh: 项目编号}}
      - name: budget_current_yuan
        config: {meta: {label_zh: "项目当年预算(元)"}}
      - name: delta_yuan
        config: {meta: {label_zh: "预算增减(元)"}}
      - name: execution_rate
        config: {meta: {label_zh: 执行率}}
      - name: target
        config: {meta: {label_zh: 指标目标值}}
      - name: source_document_ids
        description: no label, so the header stays the column name
  - name: dim_units
    columns:
      - name: unit_name
        config: {meta: {label_zh: 单位名称}}
  - name: fct_forms
    description: >-
      One row per form,
      for the export tests.
    columns:
      - name: form_type
        description: 表格类型. `target` or `self_eval`.
        config: {meta: {label_zh: 表格类型}}
      - name: execution_rate_stated
        description: 执行率(填报). The printed rate, a fraction.
        config: {meta: {label_zh: 执行率(填报)}}
      - name: execution_rate_diff
        config: {meta: {label_zh: 执行率差异}}
"""

# Export order: fiscal_year leads (no unit or project here), the IDs go last.
YOY_HEADERS = [
    "fiscal_year",
    "项目当年预算(元)",
    "预算增减(元)",
    "执行率",
    "指标目标值",
    "is_new",
    "built_on",
    "项目编号",
    "source_document_ids",
]
UNIT_HEADERS = ["单位名称", "aliases", "updated_at", "unit_id"]
FORMS_COLUMNS = [
    "unit_name",
    "fiscal_year",
    "project_name",
    "form_type",
    "category_source",
    "winner_reason",
    "target_operator",
    "target",
    "execution_rate_stated",
    "execution_rate_diff",
    "n_indicators",
    "source_file",
    "source_line",
    "document_id",
    "project_key",
]
FORMS_HEADERS = [
    {
        "form_type": "表格类型",
        "execution_rate_stated": "执行率(填报)",
        "execution_rate_diff": "执行率差异",
    }.get(c, c)
    for c in FORMS_COLUMNS
]
MARTS = ["dim_units", "fct_budget_yoy", "fct_forms"]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute(MARTS_SQL)
    return db


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project_dir = tmp_path / "project"
    (project_dir / "models" / "marts").mkdir(parents=True)
    (project_dir / "models" / "marts" / "_marts__models.yml").write_text(MARTS_YML, encoding="utf-8")
    return project_dir


@pytest.fixture
def exported(warehouse: Path, project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    export_marts(warehouse, out, project_dir=project)
    return out


# --- reading an xlsx without openpyxl ----------------------------------------------------------

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
BUILTIN_NUM_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}


@dataclass
class Cell:
    type: str  # s (shared string), inlineStr, b, n, e ...
    value: str | None
    num_format: str
    bold: bool


@dataclass
class Sheet:
    xml: str
    cells: dict[str, Cell]


def read_xlsx(path: Path) -> dict[str, Sheet]:
    with zipfile.ZipFile(path) as z:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        styles = ET.fromstring(z.read("xl/styles.xml"))
        num_formats = dict(BUILTIN_NUM_FORMATS)
        for nf in styles.findall("m:numFmts/m:numFmt", NS):
            num_formats[int(nf.get("numFmtId"))] = nf.get("formatCode")
        fonts_bold = [f.find("m:b", NS) is not None for f in styles.findall("m:fonts/m:font", NS)]
        xfs = [
            (num_formats[int(xf.get("numFmtId", 0))], fonts_bold[int(xf.get("fontId", 0))])
            for xf in styles.findall("m:cellXfs/m:xf", NS)
        ]
        rels = {
            r.get("Id"): r.get("Target")
            for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).findall("rel:Relationship", NS)
        }
        sheets = {}
        for s in ET.fromstring(z.read("xl/workbook.xml")).findall("m:sheets/m:sheet", NS):
            xml = z.read("xl/" + rels[s.get(f"{{{NS['r']}}}id")]).decode("utf-8")
            cells = {}
            for c in ET.fromstring(xml).iter(f"{{{NS['m']}}}c"):
                v = c.find("m:v", NS)
                value = None if v is None else v.text
                if c.get("t") == "s":
                    value = strings[int(value)]
                elif c.get("t") == "inlineStr":
                    value = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                num_format, bold = xfs[int(c.get("s", 0))]
                cells[c.get("r")] = Cell(c.get("t", "n"), value, num_format, bold)
            sheets[s.get("name")] = Sheet(xml, cells)
    return sheets


def header_row(sheet: Sheet) -> list[str]:
    return sheet_rows(sheet)[0]


def sheet_rows(sheet: Sheet) -> list[list[str | None]]:
    """The sheet's cell values row by row, an empty cell as None."""
    grid: dict[int, dict[int, str | None]] = {}
    for ref, cell in sheet.cells.items():
        letters, number = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
        column = 0
        for ch in letters:
            column = column * 26 + ord(ch) - 64
        grid.setdefault(int(number), {})[column - 1] = cell.value
    width = max(max(row) for row in grid.values()) + 1
    return [[grid[r].get(c) for c in range(width)] for r in sorted(grid)]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# --- what gets written -------------------------------------------------------------------------


def test_export_writes_every_format_and_returns_the_paths(warehouse: Path, project: Path, tmp_path: Path):
    out = tmp_path / "out" / "nested"
    written = export_marts(warehouse, out, project_dir=project)
    assert written == [
        out / "marts.xlsx",
        *(out / f"{m}.csv" for m in MARTS),
        *(out / f"{m}.parquet" for m in MARTS),
        out / "说明.md",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


def test_formats_pick_what_is_written(warehouse: Path, project: Path, tmp_path: Path):
    assert export_marts(warehouse, tmp_path / "a", formats="csv", project_dir=project) == [
        *(tmp_path / "a" / f"{m}.csv" for m in MARTS),
        tmp_path / "a" / "说明.md",
    ]
    assert export_marts(warehouse, tmp_path / "b", formats=["PARQUET", "xlsx"], project_dir=project) == [
        *(tmp_path / "b" / f"{m}.parquet" for m in MARTS),
        tmp_path / "b" / "marts.xlsx",
        tmp_path / "b" / "说明.md",
    ]
    # the workbook carries its own 说明 sheet
    assert export_marts(warehouse, tmp_path / "c", formats="xlsx", project_dir=project) == [
        tmp_path / "c" / "marts.xlsx"
    ]


def test_export_replaces_old_files_and_leaves_no_temporary_files(
    warehouse: Path, project: Path, tmp_path: Path
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "marts.xlsx").write_text("stale")
    (out / "fct_budget_yoy.csv").write_text("stale")
    (out / "说明.md").write_text("stale")
    export_marts(warehouse, out, project_dir=project)
    export_marts(warehouse, out, project_dir=project)
    assert zipfile.is_zipfile(out / "marts.xlsx")
    assert read_csv(out / "fct_budget_yoy.csv")[0] == YOY_HEADERS
    assert (out / "说明.md").read_text(encoding="utf-8").startswith("# 导出说明")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_export_closes_the_warehouse(exported: Path, warehouse: Path):
    # A read-only connection left open in this process would make a read-write one fail.
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create table marts.after_export as select 1 as x")


# --- column and row order ----------------------------------------------------------------------


def test_human_columns_lead_then_provenance_then_ids():
    names = [
        "indicator_id", "project_year_id", "project_id", "unit_id", "fiscal_year", "form_type", "unit_name",
        "project_name", "indicator_seq", "level1", "target", "execution_rate_stated", "source_file",
        "source_line", "target_source_file", "target_source_line", "source_document_ids", "source_project_keys",
        "winning_project_key", "note",
    ]  # fmt: skip
    ordered = [c.name for c in export_order(Column(n, "VARCHAR", "text") for n in names)]
    assert ordered == [
        "unit_name", "fiscal_year", "project_name", "form_type", "indicator_seq", "level1", "target",
        "execution_rate_stated", "note",
        "source_file", "source_line", "target_source_file", "target_source_line",
        "indicator_id", "project_year_id", "project_id", "unit_id", "source_document_ids",
        "source_project_keys", "winning_project_key",
    ]  # fmt: skip
    assert [
        column_role(n) for n in ("document_id", "project_key", "source_line_end", "source_document_ids")
    ] == [
        "id",
        "id",
        "source",
        "id",
    ]


def test_every_format_has_the_same_column_and_row_order(exported: Path):
    rows = read_csv(exported / "fct_forms.csv")
    assert rows[0] == FORMS_HEADERS
    # by unit (乙 < 甲 by code point, no unit last), year, project, then the shown 表格类型 (目标表 < 自评表)
    assert [row[-2] for row in rows[1:]] == ["d3", "d1", "d2", "d4"]
    sheet = sheet_rows(read_xlsx(exported / "marts.xlsx")["fct_forms"])
    assert sheet[0] == FORMS_HEADERS
    assert [row[-2] for row in sheet[1:]] == ["d3", "d1", "d2", "d4"]
    table = pq.read_table(exported / "fct_forms.parquet")
    assert table.column_names == FORMS_COLUMNS
    assert table.column("document_id").to_pylist() == ["d3", "d1", "d2", "d4"]
    assert [r[0] for r in read_csv(exported / "fct_budget_yoy.csv")[1:]] == [
        "2020",
        "2021",
        "2021",
        "2022",
        "2022",
    ]
    assert [r[7] for r in read_csv(exported / "fct_budget_yoy.csv")[1:]] == ["p1", "p2", "p3", "p5", "p4"]


def test_the_same_rows_in_any_order_give_the_same_bytes(warehouse: Path, project: Path, tmp_path: Path):
    export_marts(warehouse, tmp_path / "a", formats="csv", project_dir=project)
    with duckdb.connect(str(warehouse)) as conn:
        for mart in MARTS:
            conn.execute(f"create table marts.tmp as select * from marts.{mart} order by random()")
            conn.execute(f"drop table marts.{mart}; alter table marts.tmp rename to {mart}")
    export_marts(warehouse, tmp_path / "b", formats="csv", project_dir=project)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


# --- csv ---------------------------------------------------------------------------------------


def test_csv_has_bom_and_chinese_headers(exported: Path):
    for name, headers in [
        ("fct_budget_yoy", YOY_HEADERS),
        ("dim_units", UNIT_HEADERS),
        ("fct_forms", FORMS_HEADERS),
    ]:
        path = exported / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert read_csv(path)[0] == headers


def test_csv_neutralises_formula_text_but_not_numbers(exported: Path):
    rows = read_csv(exported / "fct_budget_yoy.csv")[1:]
    assert rows == [
        [
            "2020",
            "12345678.90",
            "-2456458.00",
            "0.9802",
            "＝100%",
            "TRUE",
            "2024-05-06",
            "p1",
            "doc-a; doc-b",
        ],
        ["2021", "1000.00", "0.00", "1.0000", ">=95%", "FALSE", "", "p2", "doc-c"],
        ["2021", "", "", "", "'-abc", "", "", "p3", ""],
        ["2022", "1.00", "1.00", "0.2500", "'@sum", "FALSE", "", "p5", ""],
        ["2022", "5.50", "5.50", "0.5000", "'+1", "TRUE", "", "p4", "'=cmd"],
    ]
    assert read_csv(exported / "dim_units.csv")[1:] == [
        ["'-", "", "", "2"],
        ["上海市房屋管理局", "市房管局; 房管局", "2024-01-02 03:04:05", "1"],
    ]


def test_csv_shows_vocabularies_in_chinese_doubles_in_plain_notation_and_operators_full_width(exported: Path):
    rows = read_csv(exported / "fct_forms.csv")[1:]
    assert rows == [
        ["乙单位", "2021", "项目甲", "自评表", "按名称", "指标更多（12 比 9）", "＝", "＝1.00(次)",
         "0.9802", "0.000067", "3", "b.txt", "40", "d3", "k3"],
        ["甲单位", "2020", "项目乙", "目标表", "按标签", "唯一来源", "≥", "≥95%", "", "", "12", "a.txt", "3", "d1", "k1"],
        ["甲单位", "2020", "项目乙", "自评表", "默认", "完整性、指标数和预算数均相同，取 document_id 最小的一份", "＝",
         "'=HYPERLINK(\"http://x\",\"y\")", "1.0", "-0.00000015", "7", "a.txt", "30", "d2", "k2"],
        ["", "2021", "项目丙", "目标表", "按标签", "a reason nobody listed", "", "'-5%",
         "0.00000000000000000001", "10000000000000000", "0", "c.txt", "5", "d4", "k4"],
    ]  # fmt: skip
    assert not re.search(r"\d[eE][-+]?\d", (exported / "fct_forms.csv").read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=", "＝"),
        ("=100%", "＝100%"),
        ("=100.00(%)", "＝100.00(%)"),
        ("=15000.00 (幢)", "＝15000.00 (幢)"),
        ("=3名", "＝3名"),
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("=1(份)+A1", "'=1(份)+A1"),
        ("-5%", "'-5%"),
        ("+1", "'+1"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t1", "'\t1"),
        ("≥95%", "≥95%"),
        (">=95%", ">=95%"),
        ("合规", "合规"),
    ],
)
def test_csv_operator_rule_in_python_and_sql_alike(text: str, shown: str):
    assert neutralise_csv(text) == shown
    with duckdb.connect() as conn:
        (got,) = conn.execute(f"select {csv_sql(Column('t', 'VARCHAR', 'text'), '$1')}", [text]).fetchone()
    assert got == shown


def test_plain_float_sql_matches_python_and_never_writes_an_exponent():
    rng = random.Random(9)
    values = [0.0, 1.0, -1.0, 0.1, 0.3, 6.7e-05, 1.4e-05, -1.5e-07, 1e-20, 2.5e-320, 1e15, 1e16, 1.5e16,
              123456789012345678.0, 1.7976931348623157e308, 0.30000000000000004, 1 / 3]  # fmt: skip
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30) for _ in range(2000)]
    with duckdb.connect() as conn:
        conn.execute("create table v (i integer, x double)")
        conn.executemany("insert into v values (?, ?)", list(enumerate(values)))
        got = [t for (t,) in conn.execute(f"select {plain_float_sql('x')} from v order by i").fetchall()]
    assert got == [plain_float(x) for x in values]
    assert not [t for t in got if "e" in t.lower()]
    assert [float(t) for t in got] == values  # exact: the shortest text that reads back the same double
    assert csv_cell(6.7e-05, "rate") == "0.000067"


# --- xlsx --------------------------------------------------------------------------------------


def test_xlsx_has_a_notes_sheet_then_one_sheet_per_mart_with_chinese_bold_headers(exported: Path):
    sheets = read_xlsx(exported / "marts.xlsx")
    assert list(sheets) == ["说明", *MARTS]
    assert header_row(sheets["fct_budget_yoy"]) == YOY_HEADERS
    assert header_row(sheets["dim_units"]) == UNIT_HEADERS
    assert sheets["fct_budget_yoy"].cells["C1"].bold
    assert not sheets["fct_budget_yoy"].cells["C2"].bold
    assert 'tabSelected="1"' in sheets["说明"].xml


def test_xlsx_has_no_formula_cells(exported: Path):
    with zipfile.ZipFile(exported / "marts.xlsx") as z:
        sheet_parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert len(sheet_parts) == 1 + len(MARTS)
        for part in sheet_parts:
            assert not re.search(r"<f[\s>/]", z.read(part).decode("utf-8")), part
        assert "xl/calcChain.xml" not in z.namelist()


def test_xlsx_keeps_targets_as_text(exported: Path):
    cells = read_xlsx(exported / "marts.xlsx")["fct_budget_yoy"].cells
    targets = {ref: (cells[ref].type, cells[ref].value) for ref in ("E2", "E3", "E4", "E5", "E6")}
    assert targets == {
        "E2": ("s", "=100%"),
        "E3": ("s", ">=95%"),
        "E4": ("s", "-abc"),
        "E5": ("s", "@sum"),
        "E6": ("s", "+1"),
    }
    assert (cells["I2"].type, cells["I2"].value) == ("s", "doc-a; doc-b")
    assert (cells["I6"].type, cells["I6"].value) == ("s", "=cmd")
    forms = read_xlsx(exported / "marts.xlsx")["fct_forms"].cells
    assert (forms["G2"].value, forms["H2"].value, forms["H4"].value) == (
        "=",
        "=1.00(次)",
        '=HYPERLINK("http://x","y")',
    )


def test_xlsx_number_formats_follow_column_names_and_types(exported: Path):
    sheets = read_xlsx(exported / "marts.xlsx")
    yoy = sheets["fct_budget_yoy"].cells
    assert (yoy["C2"].type, float(yoy["C2"].value), yoy["C2"].num_format) == ("n", -2456458.0, "#,##0.00")
    assert (float(yoy["B2"].value), yoy["B2"].num_format) == (12345678.9, "#,##0.00")
    assert (float(yoy["D2"].value), yoy["D2"].num_format) == (0.9802, "0.00%")
    assert (yoy["A2"].value, yoy["A2"].num_format) == ("2020", "0")
    assert (yoy["F2"].type, yoy["F2"].value, yoy["F3"].value) == ("b", "1", "0")
    assert yoy["G2"].type == "n" and yoy["G2"].num_format == "yyyy-mm-dd"
    # NULLs and empty lists are empty cells.
    assert "B4" not in yoy and "F4" not in yoy and "I4" not in yoy
    units = sheets["dim_units"].cells
    assert units["C3"].type == "n" and units["C3"].num_format == "yyyy-mm-dd hh:mm:ss"
    assert (units["A3"].value, units["B3"].value) == ("上海市房屋管理局", "市房管局; 房管局")
    # every rate gets a percent format, not only the *_rate names: 执行率(填报), 执行率差异
    forms = sheets["fct_forms"].cells
    assert (float(forms["I2"].value), forms["I2"].num_format) == (0.9802, "0.00%")
    assert (float(forms["J2"].value), forms["J2"].num_format) == (6.7e-05, "0.00%")
    assert forms["K2"].num_format == "0"


def test_rates_are_every_number_column_with_rate_among_its_words():
    kinds = {n: column_kind(n, "double") for n in ("execution_rate", "execution_rate_stated", "execution_rate_diff",
             "field_completeness_rate", "comparable_yoy_delta_rate", "accurate", "rated_total", "weight")}  # fmt: skip
    assert kinds == {
        "execution_rate": "rate",
        "execution_rate_stated": "rate",
        "execution_rate_diff": "rate",
        "field_completeness_rate": "rate",
        "comparable_yoy_delta_rate": "rate",
        "accurate": "float",
        "rated_total": "float",
        "weight": "float",
    }
    assert column_kind("execution_rate_holds", "boolean") == "boolean"


def test_xlsx_shows_vocabularies_in_chinese(exported: Path):
    rows = sheet_rows(read_xlsx(exported / "marts.xlsx")["fct_forms"])
    assert [row[3:6] for row in rows[1:]] == [
        ["自评表", "按名称", "指标更多（12 比 9）"],
        ["目标表", "按标签", "唯一来源"],
        ["自评表", "默认", "完整性、指标数和预算数均相同，取 document_id 最小的一份"],
        ["目标表", "按标签", "a reason nobody listed"],
    ]


def test_xlsx_header_is_frozen_and_filtered_and_columns_are_sized(exported: Path):
    sheet = read_xlsx(exported / "marts.xlsx")["fct_budget_yoy"]
    root = ET.fromstring(sheet.xml)
    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    assert pane is not None and (pane.get("ySplit"), pane.get("state")) == ("1", "frozen")
    assert root.find("m:autoFilter", NS).get("ref") == "A1:I6"
    widths = {int(c.get("min")): float(c.get("width")) for c in root.findall("m:cols/m:col", NS)}
    # "项目当年预算(元)": 7 wide characters count double, plus 3 narrow ones, plus the filter button.
    assert widths[2] >= 17 + 2
    assert widths[1] < widths[2]


def test_sheet_names_are_short_valid_and_unique():
    long = "agg_indicator_coverage_by_fiscal_year_and_level"
    names = sheet_names([long, long + "_2", "a/b:c", "History"])
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 4
    assert names[0] == long[:31]
    assert names[2] == "a_b_c"
    assert names[3] != "History"


# --- 说明 ----------------------------------------------------------------------------------------


def test_notes_sheet_defines_every_exported_column(exported: Path):
    rows = sheet_rows(read_xlsx(exported / "marts.xlsx")["说明"])
    assert tuple(rows[0]) == NOTES_HEADERS
    general = [row for row in rows[1:] if row[0] == "（全部）"]
    assert {row[1] for row in general} >= {"列的顺序", "行的顺序", "可比口径", "CSV 中的运算符", "中文取值"}
    by_mart: dict[str, list[str]] = {}
    for row in rows[1:]:
        if row[0] != "（全部）" and row[1] != "（表）":
            by_mart.setdefault(row[0], []).append(row[2])
    assert by_mart == {
        "dim_units": ["unit_name", "aliases", "updated_at", "unit_id"],
        "fct_budget_yoy": [
            "fiscal_year", "budget_current_yuan", "delta_yuan", "execution_rate", "target", "is_new", "built_on",
            "project_id", "source_document_ids",
        ],
        "fct_forms": FORMS_COLUMNS,
    }  # fmt: skip
    forms = {row[2]: row for row in rows if row[0] == "fct_forms"}
    assert forms["form_type"][1:] == ["表格类型", "form_type", "文本", None, "target → 目标表; self_eval → 自评表",
                                      "表格类型. `target` or `self_eval`."]  # fmt: skip
    assert forms["execution_rate_stated"][3].startswith("比率")
    assert "more indicators (m vs n) → 指标更多（m 比 n）" in forms["winner_reason"][5]
    (table_row,) = [row for row in rows if row[0] == "fct_forms" and row[1] == "（表）"]
    assert table_row[6].startswith(
        "One row per form, for the export tests. 行序：按 unit_name、fiscal_year、"
    )


def test_notes_markdown_has_a_table_per_mart(exported: Path):
    text = (exported / "说明.md").read_text(encoding="utf-8")
    assert text.startswith("# 导出说明\n")
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == MARTS
    assert (
        "| 表格类型 | form_type | 文本 |  | target → 目标表; self_eval → 自评表 | 表格类型. `target` or `self_eval`. |"
        in text
    )


def test_like_for_like_comes_from_names_and_docs():
    rollup = {"total_current_budget_yuan", "comparable_current_budget_yuan", "total_executed_yuan"}
    assert like_for_like("comparable_yoy_delta_yuan", "", rollup).startswith("可比")
    assert like_for_like("n_comparable_projects", "", rollup).startswith("可比")
    assert like_for_like("total_current_budget_yuan", "", rollup).startswith("非可比")
    assert like_for_like(
        "total_budget_change_yuan", "the difference, not a like-for-like change", rollup
    ).startswith("非可比")
    assert like_for_like("total_executed_yuan", "", rollup) == ""
    assert like_for_like("yoy_delta_yuan", "", set()).startswith("可比")


# --- parquet -----------------------------------------------------------------------------------


def test_parquet_keeps_column_names_types_and_codes(exported: Path):
    path = exported / "fct_budget_yoy.parquet"
    schema = pq.read_schema(path)
    assert schema.names[:4] == ["fiscal_year", "budget_current_yuan", "delta_yuan", "execution_rate"]
    assert schema.names[-2:] == ["project_id", "source_document_ids"]
    assert schema.field("delta_yuan").type == pa.decimal128(18, 2)
    assert schema.field("source_document_ids").type == pa.list_(pa.string())
    with duckdb.connect() as conn:
        rows = conn.execute(
            "select project_id, delta_yuan, execution_rate, target, source_document_ids from read_parquet(?)",
            [str(path)],
        ).fetchall()
    assert rows[0] == ("p1", Decimal("-2456458.00"), Decimal("0.9802"), "=100%", ["doc-a", "doc-b"])
    assert rows[2] == ("p3", None, None, "-abc", [])
    forms = pq.read_table(exported / "fct_forms.parquet")
    assert forms.column("form_type").to_pylist() == ["self_eval", "target", "self_eval", "target"]
    assert forms.column("execution_rate_diff").to_pylist()[0] == 6.7e-05


# --- labels ------------------------------------------------------------------------------------


def test_headers_fall_back_to_column_names_without_yml(warehouse: Path, tmp_path: Path):
    out = tmp_path / "out"
    export_marts(warehouse, out, formats=["csv"], project_dir=tmp_path / "no-project")
    assert read_csv(out / "fct_budget_yoy.csv")[0][:3] == ["fiscal_year", "budget_current_yuan", "delta_yuan"]


def test_broken_yml_is_an_error(warehouse: Path, project: Path, tmp_path: Path):
    (project / "models" / "marts" / "broken.yml").write_text("models: [", encoding="utf-8")
    with pytest.raises(ExportError, match="broken.yml"):
        export_marts(warehouse, tmp_path / "out", project_dir=project)


# --- errors ------------------------------------------------------------------------------------


def test_missing_warehouse(tmp_path: Path):
    with pytest.raises(ExportError, match=r"warehouse not found: .*nope\.duckdb.*jixiao build"):
        export_marts(tmp_path / "nope.duckdb", tmp_path / "out", project_dir=tmp_path)
    assert not (tmp_path / "out").exists()


def test_warehouse_without_marts_schema(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema raw; create table raw.documents (document_id varchar)")
    with pytest.raises(ExportError, match=r"no `marts` schema: run `jixiao build`"):
        export_marts(db, tmp_path / "out", project_dir=tmp_path)


def test_empty_marts_schema(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema marts")
    with pytest.raises(ExportError, match=r"no mart tables: run `jixiao build`"):
        export_marts(db, tmp_path / "out", project_dir=tmp_path)


def test_unknown_format(warehouse: Path, tmp_path: Path):
    with pytest.raises(ExportError, match=r"unknown export format 'xls': choose from xlsx, csv, parquet"):
        export_marts(warehouse, tmp_path / "out", formats=["csv", "xls"], project_dir=tmp_path)
    assert not (tmp_path / "out").exists()


def test_a_mart_past_excels_row_limit_is_split_at_that_limit(tmp_path: Path):
    """1,048,576 rows: one more than a sheet holds under its header. The export still succeeds."""
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema marts; create table marts.big as select range as i from range(1048576)")
    export_marts(db, tmp_path / "out", formats=["xlsx"], project_dir=tmp_path)
    with zipfile.ZipFile(tmp_path / "out" / "marts.xlsx") as z:
        workbook = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', workbook)
        assert names == ["说明", "big_1", "big_2"]
        rows = [z.read(f"xl/worksheets/sheet{k}.xml").decode().count("<row ") for k in (2, 3)]
    assert rows == [1_048_576, 2]  # header + 1,048,575 rows, then header + the last row


# --- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../evil", "a/b", "a\\b", "..", "", "c:evil", "a\nb", "a\x00b", "tab\there"]
)
def test_safe_file_stem_refuses_names_that_could_escape(name: str):
    with pytest.raises(ExportError, match="refusing"):
        safe_file_stem(name)


def test_safe_file_stem_accepts_ordinary_names():
    assert safe_file_stem("fct_budget_yoy") == "fct_budget_yoy"
    assert safe_file_stem("单位汇总") == "单位汇总"


def test_mart_with_a_path_in_its_name_is_refused(warehouse: Path, project: Path, tmp_path: Path):
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute('create table marts."../escape" as select 1 as x')
    with pytest.raises(ExportError, match=r"refusing to use mart name '\.\./escape'"):
        export_marts(warehouse, tmp_path / "out" / "inner", project_dir=project)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("escape*"))


# --- the samples, built twice ------------------------------------------------------------------


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def two_builds(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """The samples in two warehouses — the folder at once (conftest's), then one file at a time in
    reverse order into a fresh one — each built with dbt and exported by `jixiao export`:
    (warehouse, out folder) twice."""
    tmp = tmp_path_factory.mktemp("one_at_a_time")
    one_at_a_time = tmp / "warehouse.duckdb"
    for path in sorted(SAMPLES.glob("*.txt"), reverse=True):
        ingest = jixiao("ingest", str(path), "--db", str(one_at_a_time))
        assert ingest.returncode in (0, 1), ingest.stderr
    build = jixiao("build", "--db", str(one_at_a_time))
    assert build.returncode == 0, build.stdout[-3000:]
    builds = []
    for n, db in enumerate([sample_warehouse, one_at_a_time]):
        out = tmp_path_factory.mktemp(f"out{n}")
        export = jixiao("export", "--db", str(db), "--out", str(out))
        assert export.returncode == 0, export.stderr
        builds.append((db, out))
    return builds


@pytest.fixture(scope="module")
def sample_export(two_builds: list[tuple[Path, Path]]) -> Path:
    return two_builds[0][1]


def csv_columns(path: Path) -> dict[str, list[str]]:
    """A CSV as header → the column's cells."""
    header, *rows = read_csv(path)
    return {h: [row[i] for row in rows] for i, h in enumerate(header)}


def test_two_builds_of_the_same_data_export_byte_identical_csvs(two_builds: list[tuple[Path, Path]]):
    (_, first), (_, second) = two_builds
    names = sorted(p.name for p in first.glob("*.csv"))
    assert {Path(n).stem for n in names} == set(CONFTEST_MARTS)
    assert names == sorted(p.name for p in second.glob("*.csv"))
    for name in [*names, "说明.md"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_sample_exports_lead_with_people_then_source_then_ids(sample_export: Path):
    for path in sorted(sample_export.glob("*.parquet")):
        names = pq.read_schema(path).names
        roles = [column_role(n) for n in names]
        assert roles == sorted(roles, key=["human", "source", "id"].index), path.name
        assert roles[0] == "human" and not any(
            n.endswith(("_id", "_key")) for n in names[: roles.count("human")]
        )
    for mart in ("fct_indicators", "fct_budget_yoy", "fct_execution", "fct_budget_items", "fct_form_quality"):
        header = read_csv(sample_export / f"{mart}.csv")[0]
        assert header[:3] == ["单位名称", "年度", "项目名称"], mart
        assert {"来源文件", "来源行"} <= set(header), mart
        assert header.index("来源行") < min(i for i, h in enumerate(header) if h.endswith("ID")), mart
    assert read_csv(sample_export / "fct_indicators.csv")[0][:4] == [
        "单位名称",
        "年度",
        "项目名称",
        "表格类型",
    ]


def test_sample_exports_show_chinese_values(sample_export: Path):
    indicators = csv_columns(sample_export / "fct_indicators.csv")
    assert set(indicators["表格类型"]) == {"目标表", "自评表"}
    assert set(indicators["类别依据"]) == {"按标签", "按名称", "默认"}
    assert set(csv_columns(sample_export / "fct_form_quality.csv")["文档解析状态"]) <= {
        "已解析",
        "部分解析",
        "解析失败",
    }
    reasons = set(csv_columns(sample_export / "fct_budget_yoy.csv")["采用理由"])
    assert reasons and not [r for r in reasons if re.search(r"[a-z]{3,}", r.replace("document_id", ""))]
    coverage = sheet_rows(read_xlsx(sample_export / "marts.xlsx")["agg_indicator_coverage"])
    assert coverage[0][:2] == ["年度", "表格类型"]
    assert {row[1] for row in coverage[1:]} == {"目标表", "自评表"}


def test_sample_csvs_write_plain_decimals_and_full_width_operators(sample_export: Path):
    for path in sorted(sample_export.glob("*.csv")):
        for row in read_csv(path)[1:]:
            assert not [c for c in row if re.fullmatch(r"-?\d+(\.\d+)?[eE][-+]?\d+", c)], path.name
    assert "0.000067" in csv_columns(sample_export / "fct_execution.csv")["执行率差异"]
    indicators = csv_columns(sample_export / "fct_indicators.csv")
    assert set(indicators["比较符"]) == {"＝", "≥", "≤", ">", "<", ""}
    assert indicators["指标值(原文)"].count("＝100%") == 97
    # 完成值比较符 (the actual's operator, `=` for a bare figure) came later than the count
    assert set(indicators.pop("完成值比较符")) == {"＝", ""}
    cells = [c for column in indicators.values() for c in column]
    assert sum(c.startswith("＝") for c in cells) == 514  # the cells the issue found as '= / '=100%
    assert not [c for c in cells if c.startswith("'=")]


def test_sample_xlsx_formats_every_rate_as_a_percent(sample_export: Path):
    sheets = read_xlsx(sample_export / "marts.xlsx")
    checked = set()
    for mart, sheet in sheets.items():
        if mart == "说明":
            continue
        schema = pq.read_schema(sample_export / f"{mart}.parquet")
        rows = sheet_rows(sheet)
        for index, (name, header) in enumerate(zip(schema.names, rows[0], strict=True)):
            typ = schema.field(name).type
            numeric = pa.types.is_floating(typ) or pa.types.is_decimal(typ)
            if not (numeric and ("率" in header or "占比" in header)):
                continue
            letter = xlsx_column_letter(index)
            formats = {c.num_format for ref, c in sheet.cells.items() if re.fullmatch(f"{letter}\\d+", ref)}
            assert formats - {"General"} == {"0.00%"} or len(rows) == 1, (mart, header, formats)
            checked.add(header)
    assert {
        "执行率(填报)",
        "执行率差异",
        "执行率(计算)",
        "覆盖率",
        "定量指标占比",
        "可比项目同比增减率",
    } <= checked


def test_sample_notes_define_every_exported_column(sample_export: Path):
    rows = sheet_rows(read_xlsx(sample_export / "marts.xlsx")["说明"])
    described = {(row[0], row[2]): row for row in rows[1:] if row[2]}
    exported = {
        (path.stem, name) for path in sample_export.glob("*.parquet") for name in pq.read_schema(path).names
    }
    assert set(described) == exported
    assert not [key for key, row in described.items() if not row[6]]  # every column has its dbt description
    rollup = {name: row[4] for (mart, name), row in described.items() if mart == "agg_unit_rollup"}
    assert {n for n, flag in rollup.items() if (flag or "").startswith("可比")} == {
        "n_comparable_projects",
        "comparable_current_budget_yuan",
        "comparable_prior_year_budget_yuan",
        "comparable_yoy_delta_yuan",
        "comparable_yoy_delta_rate",
    }
    assert {n for n, flag in rollup.items() if (flag or "").startswith("非可比")} == {
        "total_current_budget_yuan",
        "total_prior_year_budget_yuan",
        "total_budget_change_yuan",
    }


def test_a_mart_longer_than_a_sheet_is_split_over_numbered_sheets(
    warehouse: Path, project: Path, tmp_path: Path
):
    """Excel holds 1,048,575 rows under a header; a longer mart goes on numbered sheets, in the csv's
    row order, with a 说明 row saying so. Shown here with sheets of 3 rows (fct_forms has 4)."""
    out = tmp_path / "out"
    export_marts(warehouse, out, project_dir=project, sheet_rows=3)
    sheets = read_xlsx(out / "marts.xlsx")
    assert "fct_forms" not in sheets
    first, second = sheet_rows(sheets["fct_forms_1"]), sheet_rows(sheets["fct_forms_2"])
    assert first[0] == second[0] == FORMS_HEADERS
    assert [row[-2] for row in first[1:] + second[1:]] == ["d3", "d1", "d2", "d4"]  # the csv's order
    notes = [row for row in sheet_rows(sheets["说明"]) if row[0] == "fct_forms" and row[1] == "分表"]
    assert len(notes) == 1 and "fct_forms_1 至 fct_forms_2" in notes[0][-1]
    assert [r[-2] for r in read_csv(out / "fct_forms.csv")[1:]] == ["d3", "d1", "d2", "d4"]  # whole
    assert pq.read_table(out / "fct_forms.parquet").num_rows == 4
