"""The same dbt project on Spark: every mart built on local Spark (local[2]) from the Spark ingest's
lake equals the mart DuckDB builds from the DuckDB ingest, row for row and type for type, amounts
exactly; and `jixiao export --marts` writes the same files from either. On the samples, a
generated collection (bench/generate.py) and the two-year collection of tests/test_cross_year.py,
whose renamed projects and indicators put rows in fct_target_drift and agg_project_target_drift
through the name similarity both engines must score alike. Marked `spark`: `make test-spark` runs it."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.generate import generate
from ingest.parquet_marts import warehouse_over_parquet
from tests.conftest import MARTS, REPO, SAMPLES

pytestmark = pytest.mark.spark

CROSS_YEAR = REPO / "tests" / "documents" / "cross_year"  # tests/test_cross_year.py's collection
GENERATED = 30  # documents made from the samples: other units, years, amounts, encodings


def jixiao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=1800, env=env
    )
    assert done.returncode == 0, f"jixiao {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both engines, each from its own ingest of the same files; the Spark run one step at a time."""
    root = tmp_path_factory.mktemp("engines")
    docs = [root / "samples", root / "generated", root / "cross_year"]
    shutil.copytree(SAMPLES, docs[0])
    shutil.copytree(CROSS_YEAR, docs[2])
    generate(docs[1], GENERATED, seed=7)  # (its manifest goes beside the folder, not into it)
    env = {**os.environ, "JIXIAO_SPARK_DIR": str(root / "spark")}
    db, lake = root / "warehouse.duckdb", root / "lake"
    jixiao("ingest", *map(str, docs), "--db", str(db), env=env)
    jixiao("build", "--db", str(db), env=env)
    jixiao("ingest", "--engine", "spark", *map(str, docs), "--lake", str(lake), env=env)
    spark_build = jixiao("build", "--engine", "spark", "--lake", str(lake), env=env)
    assert "ERROR=0" in spark_build.stdout and "SKIP=0" in spark_build.stdout, spark_build.stdout
    return {"duckdb": db, "spark_marts": root / "spark" / "warehouse" / "marts.db", "root": root}


def test_every_mart_is_built_on_spark(built: dict[str, Path]) -> None:
    assert {p.name for p in built["spark_marts"].iterdir() if p.is_dir()} >= MARTS


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_spark_mart_equals_duckdb_mart(built: dict[str, Path], mart: str) -> None:
    spark_db = warehouse_over_parquet(built["spark_marts"])
    with duckdb.connect() as con:
        con.execute(f"attach '{built['duckdb']}' as duck (read_only)")
        con.execute(f"attach '{spark_db}' as spark (read_only)")
        ours, theirs = (
            con.sql(f"select * from duck.marts.{mart}"),
            con.sql(f"select * from spark.marts.{mart}"),
        )
        assert theirs.columns == ours.columns
        assert [str(t) for t in theirs.types] == [str(t) for t in ours.types]  # decimal(18,2) stays so
        n = con.sql(f"select count(*) from duck.marts.{mart}").fetchone()[0]
        only_duckdb = con.sql(f"select * from duck.marts.{mart} except all select * from spark.marts.{mart}")
        only_spark = con.sql(f"select * from spark.marts.{mart} except all select * from duck.marts.{mart}")
        assert n > 0
        assert only_duckdb.fetchall() == [] and only_spark.fetchall() == []


def test_export_reads_spark_marts_and_writes_the_same_files(built: dict[str, Path]) -> None:
    env = dict(os.environ)
    duck_out, spark_out = built["root"] / "out-duckdb", built["root"] / "out-spark"
    jixiao("export", "--db", str(built["duckdb"]), "--format", "csv", "--out", str(duck_out), env=env)
    done = jixiao(
        "export", "--marts", str(built["spark_marts"]), "--format", "csv", "--out", str(spark_out), env=env
    )
    assert f"export: {len(MARTS)} marts" in done.stdout
    names = sorted(p.name for p in duck_out.iterdir())
    assert names == sorted(p.name for p in spark_out.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(duck_out, spark_out, names, shallow=False)
    assert (mismatch, errors) == ([], [])
