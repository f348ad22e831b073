"""Export: every mart to xlsx, csv and parquet, from a real DuckDB file in a temp folder.

The xlsx is checked by reading its XML straight out of the zip, so the test sees exactly what
Excel will: no formula elements, shared strings, number formats, frozen pane and autofilter.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.export import ExportError, export_marts, safe_file_stem, sheet_names

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
    ('p1', 2020, 12345678.90, -2456458.00, 0.9802, '=100%', true, ['doc-a', 'doc-b'], date '2024-05-06'),
    ('p2', 2021, 1000.00, 0.00, 1.0, '>=95%', false, ['doc-c'], null),
    ('p3', 2021, null, null, null, '-abc', null, [], null),
    ('p4', 2022, 5.50, 5.50, 0.5, '+1', true, ['=cmd'], null),
    ('p5', 2022, 1.00, 1.00, 0.25, '@sum', false, null, null);
create table marts.dim_units (
    unit_id integer,
    unit_name varchar,
    aliases varchar[],
    updated_at timestamp
);
insert into marts.dim_units values
    (1, '上海市房屋管理局', ['市房管局', '房管局'], timestamp '2024-01-02 03:04:05'),
    (2, '-', [], null);
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
"""

YOY_HEADERS = [
    "项目编号",
    "fiscal_year",
    "项目当年预算(元)",
    "预算增减(元)",
    "执行率",
    "指标目标值",
    "is_new",
    "source_document_ids",
    "built_on",
]
UNIT_HEADERS = ["unit_id", "单位名称", "aliases", "updated_at"]


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
    # Cells come in XML order, which is row by row, left to right.
    return [cell.value for ref, cell in sheet.cells.items() if re.fullmatch(r"[A-Z]+1", ref)]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# --- what gets written -------------------------------------------------------------------------


def test_export_writes_every_format_and_returns_the_paths(warehouse: Path, project: Path, tmp_path: Path):
    out = tmp_path / "out" / "nested"
    written = export_marts(warehouse, out, project_dir=project)
    assert written == [
        out / "marts.xlsx",
        out / "dim_units.csv",
        out / "fct_budget_yoy.csv",
        out / "dim_units.parquet",
        out / "fct_budget_yoy.parquet",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


def test_formats_pick_what_is_written(warehouse: Path, project: Path, tmp_path: Path):
    assert export_marts(warehouse, tmp_path / "a", formats="csv", project_dir=project) == [
        tmp_path / "a" / "dim_units.csv",
        tmp_path / "a" / "fct_budget_yoy.csv",
    ]
    assert export_marts(warehouse, tmp_path / "b", formats=["PARQUET", "xlsx"], project_dir=project) == [
        tmp_path / "b" / "dim_units.parquet",
        tmp_path / "b" / "fct_budget_yoy.parquet",
        tmp_path / "b" / "marts.xlsx",
    ]


def test_export_replaces_old_files_and_leaves_no_temporary_files(
    warehouse: Path, project: Path, tmp_path: Path
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "marts.xlsx").write_text("stale")
    (out / "fct_budget_yoy.csv").write_text("stale")
    export_marts(warehouse, out, project_dir=project)
    export_marts(warehouse, out, project_dir=project)
    assert zipfile.is_zipfile(out / "marts.xlsx")
    assert read_csv(out / "fct_budget_yoy.csv")[0] == YOY_HEADERS
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_export_closes_the_warehouse(exported: Path, warehouse: Path):
    # A read-only connection left open in this process would make a read-write one fail.
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create table marts.after_export as select 1 as x")


# --- csv ---------------------------------------------------------------------------------------


def test_csv_has_bom_and_chinese_headers(exported: Path):
    for name, headers in [("fct_budget_yoy", YOY_HEADERS), ("dim_units", UNIT_HEADERS)]:
        path = exported / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert read_csv(path)[0] == headers


def test_csv_neutralises_formula_text_but_not_numbers(exported: Path):
    rows = read_csv(exported / "fct_budget_yoy.csv")[1:]
    assert rows == [
        [
            "p1",
            "2020",
            "12345678.90",
            "-2456458.00",
            "0.9802",
            "'=100%",
            "TRUE",
            "doc-a; doc-b",
            "2024-05-06",
        ],
        ["p2", "2021", "1000.00", "0.00", "1.0000", ">=95%", "FALSE", "doc-c", ""],
        ["p3", "2021", "", "", "", "'-abc", "", "", ""],
        ["p4", "2022", "5.50", "5.50", "0.5000", "'+1", "TRUE", "'=cmd", ""],
        ["p5", "2022", "1.00", "1.00", "0.2500", "'@sum", "FALSE", "", ""],
    ]
    assert read_csv(exported / "dim_units.csv")[1:] == [
        ["1", "上海市房屋管理局", "市房管局; 房管局", "2024-01-02 03:04:05"],
        ["2", "'-", "", ""],
    ]


# --- xlsx --------------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_mart_with_chinese_bold_headers(exported: Path):
    sheets = read_xlsx(exported / "marts.xlsx")
    assert list(sheets) == ["dim_units", "fct_budget_yoy"]
    assert header_row(sheets["fct_budget_yoy"]) == YOY_HEADERS
    assert header_row(sheets["dim_units"]) == UNIT_HEADERS
    assert sheets["fct_budget_yoy"].cells["C1"].bold
    assert not sheets["fct_budget_yoy"].cells["C2"].bold


def test_xlsx_has_no_formula_cells(exported: Path):
    with zipfile.ZipFile(exported / "marts.xlsx") as z:
        sheet_parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert len(sheet_parts) == 2
        for part in sheet_parts:
            assert not re.search(r"<f[\s>/]", z.read(part).decode("utf-8")), part
        assert "xl/calcChain.xml" not in z.namelist()


def test_xlsx_keeps_targets_as_text(exported: Path):
    cells = read_xlsx(exported / "marts.xlsx")["fct_budget_yoy"].cells
    targets = {ref: (cells[ref].type, cells[ref].value) for ref in ("F2", "F3", "F4", "F5", "F6")}
    assert targets == {
        "F2": ("s", "=100%"),
        "F3": ("s", ">=95%"),
        "F4": ("s", "-abc"),
        "F5": ("s", "+1"),
        "F6": ("s", "@sum"),
    }
    assert (cells["H2"].type, cells["H2"].value) == ("s", "doc-a; doc-b")
    assert (cells["H5"].type, cells["H5"].value) == ("s", "=cmd")


def test_xlsx_number_formats_follow_column_names_and_types(exported: Path):
    sheets = read_xlsx(exported / "marts.xlsx")
    yoy = sheets["fct_budget_yoy"].cells
    assert (yoy["D2"].type, float(yoy["D2"].value), yoy["D2"].num_format) == ("n", -2456458.0, "#,##0.00")
    assert (float(yoy["C2"].value), yoy["C2"].num_format) == (12345678.9, "#,##0.00")
    assert (float(yoy["E2"].value), yoy["E2"].num_format) == (0.9802, "0.00%")
    assert (yoy["B2"].value, yoy["B2"].num_format) == ("2020", "0")
    assert (yoy["G2"].type, yoy["G2"].value, yoy["G3"].value) == ("b", "1", "0")
    assert yoy["I2"].type == "n" and yoy["I2"].num_format == "yyyy-mm-dd"
    # NULLs and empty lists are empty cells.
    assert "C4" not in yoy and "G4" not in yoy and "H4" not in yoy
    units = sheets["dim_units"].cells
    assert units["D2"].type == "n" and units["D2"].num_format == "yyyy-mm-dd hh:mm:ss"
    assert (units["B2"].value, units["C2"].value) == ("上海市房屋管理局", "市房管局; 房管局")


def test_xlsx_header_is_frozen_and_filtered_and_columns_are_sized(exported: Path):
    sheet = read_xlsx(exported / "marts.xlsx")["fct_budget_yoy"]
    root = ET.fromstring(sheet.xml)
    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    assert pane is not None and (pane.get("ySplit"), pane.get("state")) == ("1", "frozen")
    assert root.find("m:autoFilter", NS).get("ref") == "A1:I6"
    widths = {int(c.get("min")): float(c.get("width")) for c in root.findall("m:cols/m:col", NS)}
    # "项目当年预算(元)": 7 wide characters count double, plus 3 narrow ones, plus the filter button.
    assert widths[3] >= 17 + 2
    assert widths[1] < widths[3]


def test_sheet_names_are_short_valid_and_unique():
    long = "agg_indicator_coverage_by_fiscal_year_and_level"
    names = sheet_names([long, long + "_2", "a/b:c", "History"])
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 4
    assert names[0] == long[:31]
    assert names[2] == "a_b_c"
    assert names[3] != "History"


# --- parquet -----------------------------------------------------------------------------------


def test_parquet_keeps_column_names_and_types(exported: Path):
    path = exported / "fct_budget_yoy.parquet"
    schema = pq.read_schema(path)
    assert schema.names[:4] == ["project_id", "fiscal_year", "budget_current_yuan", "delta_yuan"]
    assert schema.field("delta_yuan").type == pa.decimal128(18, 2)
    assert schema.field("source_document_ids").type == pa.list_(pa.string())
    with duckdb.connect() as conn:
        rows = conn.execute(
            "select project_id, delta_yuan, execution_rate, target, source_document_ids"
            " from read_parquet(?) order by project_id",
            [str(path)],
        ).fetchall()
    assert rows[0] == ("p1", Decimal("-2456458.00"), Decimal("0.9802"), "=100%", ["doc-a", "doc-b"])
    assert rows[2] == ("p3", None, None, "-abc", [])


# --- labels ------------------------------------------------------------------------------------


def test_headers_fall_back_to_column_names_without_yml(warehouse: Path, tmp_path: Path):
    out = tmp_path / "out"
    export_marts(warehouse, out, formats=["csv"], project_dir=tmp_path / "no-project")
    assert read_csv(out / "fct_budget_yoy.csv")[0][:3] == ["project_id", "fiscal_year", "budget_current_yuan"]


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


def test_mart_too_big_for_a_sheet_is_refused_before_writing(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema marts; create table marts.big as select range as i from range(1048576)")
    with pytest.raises(ExportError, match=r"big \(1048576 rows.*--format csv"):
        export_marts(db, tmp_path / "out", formats=["csv", "xlsx"], project_dir=tmp_path)
    assert not (tmp_path / "out").exists()


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
