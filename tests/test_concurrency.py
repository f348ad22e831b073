"""Two users of one warehouse, with real processes: a second writer gets a clear message and exit
code 3 within seconds — never a stack trace, never a hang — and readers work beside readers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES, sample

QUICK = 15  # seconds: a refusal must come well within this (start-up included)


def jixiao(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=120
    )
    return result, time.monotonic() - start


@contextmanager
def analyst(db: Path, read_only: bool = False) -> Iterator[int]:
    """Another process with the warehouse open (as an analyst's notebook would have); yields its PID."""
    script = (
        "import duckdb, sys\n"
        f"con = duckdb.connect({str(db)!r}, read_only={read_only})\n"
        "con.execute('select 1').fetchall()\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"  # hold the file until the test closes stdin
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc.pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse with the samples ingested and a small marts schema, without a (slow) dbt build."""
    db = tmp_path / "w.duckdb"
    result, _ = jixiao("ingest", str(sample("004")), "--db", str(db))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts; create table marts.fct_example as select 1 as n, '=1+1' as target")
    return db


def assert_refused(result: subprocess.CompletedProcess, seconds: float, db: Path, holder: str) -> None:
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert seconds < QUICK
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"jixiao: the warehouse {db} is in use by {holder}")
    assert line.endswith("retry when it has finished, or use --db to work on another file")


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_ingest_while_an_analyst_holds_the_warehouse_is_refused(warehouse: Path, read_only: bool) -> None:
    before = duckdb_counts(warehouse)
    with analyst(warehouse, read_only=read_only) as pid:
        result, seconds = jixiao("ingest", str(sample("001")), "--db", str(warehouse))
        assert_refused(result, seconds, warehouse, f"PID {pid}")
    assert duckdb_counts(warehouse) == before


def test_build_and_export_against_a_locked_warehouse_are_refused(warehouse: Path, tmp_path: Path) -> None:
    with analyst(warehouse) as pid:
        result, seconds = jixiao("build", "--db", str(warehouse))
        assert_refused(result, seconds, warehouse, f"PID {pid}")
        result, seconds = jixiao("export", "--db", str(warehouse), "--out", str(tmp_path / "out"))
        assert_refused(result, seconds, warehouse, f"PID {pid}")
    assert not (tmp_path / "out").exists()


def test_export_reads_beside_another_reader(warehouse: Path, tmp_path: Path) -> None:
    with analyst(warehouse, read_only=True):
        result, _ = jixiao(
            "export", "--db", str(warehouse), "--out", str(tmp_path / "out"), "--format", "csv"
        )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "fct_example.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "n,target",
        "1,'=1+1",
    ]


def test_a_second_ingest_during_an_ingest_is_refused_and_the_first_completes(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    text = sample("002").read_text(encoding="utf-8")  # the slowest layout to parse
    for i in range(60):
        (folder / f"doc_{i:03}.txt").write_text(text + f"\n第{i}份\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    first = subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", "ingest", str(folder), "--db", str(db), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not db.exists():  # the first ingest has created and opened the warehouse
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        second, seconds = jixiao("ingest", str(SAMPLES), "--db", str(db))
        assert first.poll() is None, "the first ingest ended before the second started: make it longer"
        assert_refused(second, seconds, db, f"PID {first.pid}")
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert "60 documents parsed" in out
    assert duckdb_counts(db)["documents"] == 60


def duckdb_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
            for t in ("documents", "projects", "indicators", "document_paths")
        }
