"""`jixiao ingest` end to end: real files, a real DuckDB file, checked with SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import RAW_TABLES, sample


def jixiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.sql(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}


def test_ingest_samples_writes_every_raw_table_and_a_summary(samples_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(samples_dir), "--db", str(db))
    # 000 starts mid-form: a partial document is a warning in the summary, not a failure.
    assert result.returncode == 0, result.stderr
    assert "files: 5 seen, 5 documents parsed" in result.stdout
    assert "forms: 52, indicators: 885" in result.stdout
    assert f"partial {samples_dir / sample('000').name}: form_truncated_start" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select layout, status, n_projects from raw.documents order by source_path").fetchall()
        failed_reasons = con.sql(
            "select count(*) from raw.parse_issues i join raw.documents d using (document_id) "
            "where d.status = 'failed' and i.severity = 'error'"
        ).fetchone()[0]
    assert rows == [
        ("tsv_target", "partial", 28),
        ("pdftext_target", "parsed", 4),
        ("tsv_self_eval", "parsed", 15),
        ("pdf_scrambled_target", "parsed", 4),
        ("tsv_district_target", "parsed", 1),
    ]
    assert failed_reasons == 0


def test_reingest_is_idempotent_and_replaces_only_the_changed_document(
    samples_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    jixiao("ingest", str(samples_dir), "--db", str(db))
    before = counts(db)
    jixiao("ingest", str(samples_dir), "--db", str(db))
    assert counts(db) == before

    changed = samples_dir / sample("004").name
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("小区物联网建设\t100%", "小区物联网建设\t=90%")
    )
    jixiao("ingest", str(changed), "--db", str(db))
    after = counts(db)
    assert after == before  # same shape: the old version of 004 was replaced, nothing else touched
    with duckdb.connect(str(db), read_only=True) as con:
        targets = con.sql(
            "select i.target from raw.indicators i join raw.projects p using (project_key) "
            "where i.name = '小区物联网建设'"
        ).fetchall()
        n_000 = con.sql("select n_projects from raw.documents where layout = 'tsv_target'").fetchone()[0]
    assert targets == [("=90%",)]
    assert n_000 == 28


def test_unknown_text_still_gets_a_document_row_and_an_issue(tmp_path: Path) -> None:
    note = tmp_path / "minutes.txt"
    note.write_text("会议纪要\n今天讨论了天气。\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(note), "--db", str(db))
    assert result.returncode == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select layout, status from raw.documents").fetchall() == [("unknown", "failed")]
        assert con.sql("select severity, code from raw.parse_issues").fetchall() == [
            ("error", "unknown_layout")
        ]


def test_missing_path_is_reported_not_fatal(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(sample("004")), str(tmp_path / "nope"), "--db", str(db))
    assert result.returncode == 1
    assert "skipped" in result.stdout and "does not exist" in result.stdout
    assert counts(db)["projects"] == 1


def test_same_content_under_two_names_is_one_document(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(sample("004").read_bytes())
    b.write_bytes(sample("004").read_bytes())
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(a), str(b), "--db", str(db))
    assert result.returncode == 0, result.stdout
    assert "1 duplicate content" in result.stdout
    assert counts(db)["documents"] == 1


def test_unchanged_reingest_parses_nothing(samples_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    jixiao("ingest", str(samples_dir), "--db", str(db))
    result = jixiao("ingest", str(samples_dir), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "0 documents parsed" in result.stdout and "5 unchanged" in result.stdout
    assert "reconciliation: 5 seen = 0 parsed + 0 partial + 0 failed + 5 unchanged" in result.stdout
    # … and says what the warehouse holds, so a re-ingest does not read as an empty warehouse
    assert "in the warehouse now: 5 documents (4 parsed, 1 partial), 52 forms, 885 indicators" in (
        result.stdout.splitlines()
    )


def test_an_unchanged_reingest_imports_no_arrow_and_no_reader(samples_dir: Path, tmp_path: Path) -> None:
    """A run that parses nothing hashes the files and records their paths: it needs DuckDB, not
    pyarrow and numpy (0.2 s of a re-ingest's 0.5 s at N = 2,000), the formats, the readers or a
    process pool."""
    db = tmp_path / "w.duckdb"
    jixiao("ingest", str(samples_dir), "--db", str(db))
    (samples_dir / sample("004").name).rename(samples_dir / "renamed.txt")  # known content, a new path
    run = "import sys; from ingest.cli import main; code = main(); print(*sys.modules); sys.exit(code)"
    result = subprocess.run(
        [sys.executable, "-c", run, "ingest", str(samples_dir), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    *summary, imported = result.stdout.splitlines()
    assert "reconciliation: 5 seen = 0 parsed + 0 partial + 0 failed + 5 unchanged" in "\n".join(summary)
    unneeded = ("pyarrow", "numpy", "ingest.raw_tables", "ingest.parse", "ingest.reader", "ingest.formats")
    assert [module for module in imported.split() if module.startswith(unneeded)] == []
    assert "ingest.detect" not in imported.split() and "concurrent.futures.process" not in imported.split()
    with duckdb.connect(str(db), read_only=True) as con:
        paths = con.sql("select source_path from raw.document_paths").fetchall()
    assert (str(samples_dir / "renamed.txt"),) in paths


def test_parallel_and_serial_ingest_build_identical_warehouses(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(20):  # enough files for the process pool; each a distinct document
        text = sample("004").read_text(encoding="utf-8").replace("296.00", f"{296 + i}.00")
        (folder / f"doc_{i:02}.txt").write_text(text, encoding="utf-8")
    tables = {}
    for jobs in ("1", "2"):
        db = tmp_path / f"jobs{jobs}.duckdb"
        jixiao("ingest", str(folder), "--db", str(db), "--jobs", jobs)
        with duckdb.connect(str(db), read_only=True) as con:
            tables[jobs] = {
                t: con.sql(f"select * exclude (ingested_at) from raw.{t} order by all").fetchall()
                if t == "documents"
                else con.sql(f"select * from raw.{t} order by all").fetchall()
                for t in RAW_TABLES
            }
    assert tables["1"] == tables["2"]
    assert len(tables["2"]["projects"]) == 20


# --- what the command line says: exit codes, messages, help ----------------------------------------


def test_a_run_where_no_given_path_exists_is_a_usage_error_and_writes_no_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(tmp_path / "data" / "sampels"), str(tmp_path / "nope"), "--db", str(db))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"jixiao: no such file or folder: {tmp_path / 'data' / 'sampels'}")
    assert not db.exists() and list(tmp_path.iterdir()) == []
    # an existing warehouse is left as it was
    jixiao("ingest", str(sample("004")), "--db", str(db))
    before = counts(db), db.stat().st_mtime_ns
    assert jixiao("ingest", str(tmp_path / "nope"), "--db", str(db)).returncode == 2
    assert (counts(db), db.stat().st_mtime_ns) == before


def test_db_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "w.duckdb"
    result = jixiao("ingest", str(sample("004")), "--db", str(db))
    assert result.returncode == 3
    (line,) = result.stderr.splitlines()
    assert line == (
        f"jixiao: cannot write the warehouse {db}: its folder {db.parent} does not exist "
        "(create it, or choose another --db)"
    )
    for command in ("build", "export", "check"):
        result = jixiao(command, "--db", str(db))
        assert result.returncode == 3 and f"its folder {db.parent} does not exist" in result.stderr, command


def test_an_empty_folder_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = jixiao("ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 0
    assert f"jixiao: warning: no files under {tmp_path / 'empty'}: nothing ingested" in result.stderr
    assert "in the warehouse now: 0 documents, 0 forms, 0 indicators" in result.stdout


def fake_marts(db: Path, rows: int) -> None:
    """A marts schema without a (slow) dbt build."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create schema marts; "
            f"create table marts.fct_a as select range as n from range({rows}); "
            "create table marts.fct_b as select 'x' as t"
        )


def test_export_keeps_every_format_asked_for_and_says_where_the_files_are(tmp_path: Path) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    jixiao("ingest", str(sample("004")), "--db", str(db))
    fake_marts(db, 3)
    result = jixiao("export", "--db", str(db), "--out", str(out), "--format", "xlsx", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fct_a.csv", "fct_b.csv", "marts.xlsx", "说明.md"]
    assert result.stdout.splitlines() == [
        f"export: 2 marts, 4 rows, to {out}/",
        f"  {out / 'marts.xlsx'}",
        f"  {out / '<mart>.csv'}: 2 files",
        f"  {out / '说明.md'}",
    ]
    assert result.stderr == ""
    verbose = jixiao("export", "--db", str(db), "--out", str(out), "--format", "parquet", "-v")
    assert verbose.stdout.splitlines()[1:] == [
        f"  {out / 'fct_a.parquet'}",
        f"  {out / 'fct_b.parquet'}",
        f"  {out / '说明.md'}",
    ]


def test_export_of_empty_marts_says_so(tmp_path: Path) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    (tmp_path / "empty").mkdir()
    jixiao("ingest", str(tmp_path / "empty"), "--db", str(db))
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create schema marts; create table marts.fct_a (n int); create table marts.fct_b (t text)"
        )
    result = jixiao("export", "--db", str(db), "--out", str(out), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"export: 2 marts, 0 rows, to {out}/")
    assert "jixiao: warning: every mart is empty" in result.stderr
    assert (out / "fct_a.csv").read_text(encoding="utf-8-sig").splitlines() == ["n"]


def test_build_on_an_empty_warehouse_says_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    (tmp_path / "empty").mkdir()
    jixiao("ingest", str(tmp_path / "empty"), "--db", str(db))
    result = jixiao("build", "--db", str(db), "--select", "resource_type:seed")  # the seeds only: quick
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("dbt build: PASS=")
    assert f"jixiao: warning: the warehouse {db} holds no documents: every mart is empty" in result.stderr


def test_build_prints_dbt_usage_errors_and_exits_with_dbt_code(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    jixiao("ingest", str(sample("004")), "--db", str(db))
    for args in (["--select", "marts", "--no-such-option"], ["--", "--no-such-option"]):
        result = jixiao("build", "--db", str(db), *args)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "jixiao: dbt: No such option '--no-such-option'" in result.stderr
        assert "dbt stopped before building anything" in result.stdout


def test_other_commands_refuse_unknown_arguments(tmp_path: Path) -> None:
    for args in (["ingest", str(sample("004")), "--select", "x"], ["export", "--bogus"], ["check", "x"]):
        result = jixiao(*args, "--db", str(tmp_path / "w.duckdb"))
        assert result.returncode == 2 and "unrecognized arguments" in result.stderr, args
        assert not (tmp_path / "w.duckdb").exists()


def test_version_and_help_for_every_command() -> None:
    version = jixiao("--version")
    assert version.returncode == 0 and version.stdout.startswith("jixiao ")
    assert "parser" in version.stdout and "dbt-core" in version.stdout
    for command in ("ingest", "build", "export", "check"):
        result = jixiao(command, "--help")
        assert result.returncode == 0
        assert "\nexit codes" in result.stdout, command
        for code in ("0", "1", "2", "3"):
            assert re.search(rf"^  {code}  \S", result.stdout, re.M), (command, code)
        assert "--db FILE" in result.stdout
    build_help = jixiao("build", "--help").stdout
    assert "[DBT_ARG ...]" in build_help and "--select fct_budget_yoy+" in build_help
