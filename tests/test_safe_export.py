"""Formula injection end to end: a form whose names and targets start with = + - @ goes through the
real `jixiao ingest`, `jixiao build` and `jixiao export`; the spreadsheets must show the text as
printed and never evaluate it.

xlsx cells are text cells (never a formula). In the CSV an operator and a figure (``=100%``, the bare
``=``) start with the full-width ``＝`` instead, and every other text cell starting with = + - @ tab or
CR gets a leading single quote (OWASP): either way the value stays readable — put the ``=`` back, or
strip that one quote, and it is the printed text. File names come from mart names only (and the
fixed marts.xlsx and 说明.md), so nothing a form prints can name a file.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from ingest.export import CSV_FORMULA_STARTS, FULLWIDTH_EQUALS
from tests.conftest import sample

# Second form of sample 000 (lines 35-63): a complete tab-layout target form, with its printed
# names and targets replaced by what a spreadsheet would otherwise run.
REPLACEMENTS = {
    "项目名称：\t市级城市维护项目评审及其他管理费用": "项目名称：\t-2+3城市维护项目",
    "\t资金使用合规性\t合规": '\t=HYPERLINK("http://example.invalid","点击")\t+1+1',
    "\t立项依据充分性\t充分": "\t@SUM(1,2)\t-5%",
}
INJECTED = {
    '=HYPERLINK("http://example.invalid","点击")',
    "+1+1",
    "@SUM(1,2)",
    "-5%",
    "-2+3城市维护项目",
    "=100%",
}


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("injection")
    lines = sample("000").read_text(encoding="utf-8").split("\n")[34:63]
    text = "\n".join(lines) + "\n"
    for printed, injected in REPLACEMENTS.items():
        assert printed in text, printed
        text = text.replace(printed, injected)
    form = tmp / "inbox" / "injection.txt"
    form.parent.mkdir()
    form.write_text(text, encoding="utf-8")
    db, out = tmp / "w.duckdb", tmp / "out"
    assert jixiao("ingest", str(form), "--db", str(db)).returncode == 0
    build = jixiao("build", "--db", str(db))
    assert build.returncode == 0, build.stdout[-3000:]
    export = jixiao("export", "--db", str(db), "--out", str(out), "--format", "xlsx")
    assert export.returncode == 0, export.stderr
    export = jixiao("export", "--db", str(db), "--out", str(out), "--format", "csv")
    assert export.returncode == 0, export.stderr
    return db, out


def test_the_injected_text_reaches_the_marts_as_printed(exported) -> None:
    db, _ = exported
    with duckdb.connect(str(db), read_only=True) as con:
        names = {n for (n,) in con.execute("select indicator_name from marts.fct_indicators").fetchall()}
        targets = {t for (t,) in con.execute("select target from marts.fct_indicators").fetchall()}
        (project,) = con.execute("select project_name from marts.fct_budget_yoy").fetchone()
    assert {'=HYPERLINK("http://example.invalid","点击")', "@SUM(1,2)"} <= names
    assert {"+1+1", "-5%", "=100%"} <= targets
    assert project == "-2+3城市维护项目"


def test_xlsx_holds_the_text_in_text_cells_and_no_formula(exported) -> None:
    _, out = exported
    with zipfile.ZipFile(out / "marts.xlsx") as z:
        shared = z.read("xl/sharedStrings.xml").decode("utf-8")
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    strings = {unescape(s) for s in re.findall(r"<t(?: [^>]*)?>(.*?)</t>", shared, re.DOTALL)}
    assert strings >= INJECTED  # stored once each as a shared string: what Excel shows as text
    for sheet in sheets:
        assert not re.search(r"<f[\s>/]", sheet)  # no formula element
        assert 't="str"' not in sheet and 't="e"' not in sheet  # no formula result, no error cell


def unescape(xml_text: str) -> str:
    return xml_text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def test_csv_neutralises_every_formula_start_and_stays_readable(exported) -> None:
    _, out = exported
    seen: set[str] = set()
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(CSV_FORMULA_STARTS) or is_number(cell), (path.name, cell)
                    if cell.startswith("'"):
                        seen.add(cell[1:])  # the printed text, once the quote is taken off
                    elif cell.startswith(FULLWIDTH_EQUALS):
                        seen.add("=" + cell[1:])  # an operator and a figure: the printed text
    assert seen >= INJECTED
    assert "'" + '=HYPERLINK("http://example.invalid","点击")' in cells(out)  # a formula keeps the quote
    assert "＝100%" in cells(out) and "'=100%" not in cells(out)


def cells(out: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            found.update(cell for row in csv.reader(f) for cell in row)
    return found


def is_number(cell: str) -> bool:
    """Numeric columns stay numbers: a negative amount is a number, not a formula."""
    return re.fullmatch(r"-\d+(\.\d+)?", cell) is not None


def test_export_file_names_come_from_mart_names_only(exported) -> None:
    _, out = exported
    with duckdb.connect(str(exported[0]), read_only=True) as con:
        marts = {
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    assert {p.name for p in out.iterdir()} == {"marts.xlsx", "说明.md"} | {f"{m}.csv" for m in marts}
    assert sorted(p.name for p in out.parent.iterdir()) == ["inbox", "out", "w.duckdb"]


def test_a_failed_export_leaves_the_previous_files_as_they_were(tmp_path: Path) -> None:
    from ingest.export import export_marts

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create schema marts; create table marts.fct_a as select range as n, '=A1' as t from range(50)"
        )
        con.execute("create view marts.fct_b as select range as n from range(50)")
    out = tmp_path / "out"
    export_marts(db, out, ["xlsx", "csv"], project_dir=tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with duckdb.connect(str(db)) as con:  # the second mart now fails half way through its rows
        con.execute(
            "create or replace view marts.fct_b as "
            "select case when range < 40 then range else error('the disk is full') end as n from range(50)"
        )
    for fmt in ("xlsx", "csv"):
        result = jixiao("export", "--db", str(db), "--out", str(out), "--format", fmt)
        assert result.returncode == 1
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("jixiao: export failed") and "the disk is full" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # same files, same bytes, no temp files
