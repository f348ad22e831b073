"""The Spark ingest (ingest/spark_ingest.py) on a local SparkSession: the lake holds what DuckDB's
raw.* holds, re-ingest is idempotent per document, and a parser crash is a failed row, not a
failed job. Marked `spark`: `make test-spark` runs these (README "Scaling out")."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.spark_ingest import LAKE_TABLES, ingest_to_lake, spark_session
from tests.conftest import REPO, SAMPLES, sample
from tests.spark_crash_parser import MARKER

pytestmark = pytest.mark.spark

TIMESTAMPS = ("ingested_at", "seen_at")  # when a row was written: differs between any two runs


@pytest.fixture(scope="module")
def spark():
    # the executors' Python workers import the test's crashing parser by name
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "tests"), str(REPO), os.environ.get("PYTHONPATH", "")]
    )
    session = spark_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def lake_rows(lake: Path, table: str, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    # the partition folders give fiscal_year (fiscal_year=2020/), an integer as in raw.projects
    return con.sql(
        f"select * from read_parquet('{lake}/{table}/**/*.parquet', hive_partitioning = true, "
        "hive_types = {'fiscal_year': integer})"
        if table in ("projects", "indicators", "budget_items")
        else f"select * from read_parquet('{lake}/{table}/**/*.parquet')"
    )


def compare_with_duckdb(lake: Path, db: Path) -> dict[str, tuple[int, int, int]]:
    """Per raw table: (rows in DuckDB, rows only in DuckDB, rows only in the lake), timestamps aside."""
    out = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{db}' as w (read_only)")
        for table in LAKE_TABLES:
            columns = [
                c for c in con.sql(f"select * from w.raw.{table} limit 0").columns if c not in TIMESTAMPS
            ]
            listed = ", ".join(columns)
            ours, theirs = f"select {listed} from w.raw.{table}", f"select {listed} from lake"
            con.register("lake", lake_rows(lake, table, con))
            assert con.sql(ours).types == con.sql(theirs).types, table  # decimals stay decimals
            out[table] = (
                con.sql(f"select count(*) from w.raw.{table}").fetchone()[0],
                con.sql(f"select count(*) from ({ours} except all {theirs})").fetchone()[0],
                con.sql(f"select count(*) from ({theirs} except all {ours})").fetchone()[0],
            )
            con.unregister("lake")
    return out


def test_lake_holds_what_the_duckdb_ingest_writes(spark, tmp_path: Path) -> None:
    from ingest.pipeline import ingest_paths

    summary = ingest_to_lake([str(SAMPLES)], str(tmp_path / "lake"), spark=spark)
    assert (summary.seen, summary.parsed, summary.statuses["partial"]) == (5, 5, 1)
    ingest_paths([str(SAMPLES)], tmp_path / "w.duckdb", jobs=1)
    compared = compare_with_duckdb(tmp_path / "lake", tmp_path / "w.duckdb")
    assert compared["projects"][0] == 52 and compared["indicators"][0] == 885
    assert all(only_duckdb == only_lake == 0 for _, only_duckdb, only_lake in compared.values()), compared
    # the form-grain tables are partitioned by fiscal year
    assert sorted(p.name for p in (tmp_path / "lake" / "projects").glob("fiscal_year=*")) == [
        "fiscal_year=2018",
        "fiscal_year=2020",
        "fiscal_year=2024",
    ]


def test_a_parser_crash_is_a_failed_row_and_the_job_completes(spark, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(sample("004"), docs)
    shutil.copy(sample("001"), docs)
    (docs / "crashes.txt").write_bytes(sample("003").read_bytes() + b"\n" + MARKER + b"\n")

    summary = ingest_to_lake(
        [str(docs)], str(tmp_path / "lake"), spark=spark, parser="spark_crash_parser:parse_bytes"
    )

    assert (summary.seen, summary.statuses["parsed"], summary.statuses["failed"]) == (3, 2, 1)
    with duckdb.connect() as con:
        failed = lake_rows(tmp_path / "lake", "documents", con).filter("status = 'failed'").fetchall()
        issues = lake_rows(tmp_path / "lake", "parse_issues", con).filter("code = 'parser_crashed'")
        issues = issues.select("document_id, severity, message").fetchall()
        forms = lake_rows(tmp_path / "lake", "projects", con).aggregate("count(*)").fetchone()[0]
    assert len(failed) == 1 and failed[0][1].endswith("crashes.txt")
    assert [(i[0], i[1]) for i in issues] == [(failed[0][0], "error")]
    assert "RuntimeError: a parser bug" in issues[0][2]
    assert forms == 4 + 1  # the two good files' forms are in the lake
    assert any("crashes.txt" in note for note in summary.notes)


def test_reingest_skips_unchanged_files_and_replaces_a_changed_one(
    spark, samples_dir: Path, tmp_path: Path
) -> None:
    lake = str(tmp_path / "lake")
    first = ingest_to_lake([str(samples_dir)], lake, spark=spark)

    again = ingest_to_lake([str(samples_dir)], lake, spark=spark)
    assert (again.seen, again.parsed, again.unchanged, again.removed) == (5, 0, 5, 0)
    assert again.lake_counts == first.lake_counts

    changed = next(samples_dir.glob("004_*.txt"))
    old_id = hashlib.sha256(changed.read_bytes()).hexdigest()
    changed.write_bytes(changed.read_bytes() + b"\n")  # new content, the same forms
    new_id = hashlib.sha256(changed.read_bytes()).hexdigest()
    third = ingest_to_lake([str(samples_dir)], lake, spark=spark)
    assert (third.parsed, third.unchanged, third.removed) == (1, 4, 1)
    assert third.lake_counts == first.lake_counts  # the old content's rows are gone, the new ones in
    with duckdb.connect() as con:
        for table in ("documents", "projects", "parse_issues", "document_paths"):
            ids = {i for (i,) in lake_rows(Path(lake), table, con).select("document_id").fetchall()}
            assert new_id in ids and old_id not in ids, table
