"""`jixiao ingest` end to end: real files, a real DuckDB file, checked with SQL."""

from __future__ import annotations

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
    # 000 starts mid-form: a partial document, so the exit code says "some input failed or is partial".
    assert result.returncode == 1, result.stderr
    assert "files: 5 seen, 5 documents parsed" in result.stdout
    assert "forms: 52, indicators: 885" in result.stdout
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
    assert "0 documents parsed" in result.stdout and "5 unchanged" in result.stdout
    assert "reconciliation: 5 seen = 0 parsed + 0 partial + 0 failed + 5 unchanged" in result.stdout


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
