"""Marts built on Spark, exported like DuckDB's: a small DuckDB file of views over their Parquet.

The spark target writes each mart as a Parquet table, one folder per mart
(build/spark/warehouse/marts.db/<mart>/part-*.parquet). `jixiao export --marts DIR` puts a view
per folder into a fresh DuckDB file's `marts` schema and hands that file to the one export, so
both engines' marts are exported by the same code, in the same formats, with the same columns.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from .export import MARTS_SCHEMA, ExportError, quote_ident, quote_sql


def warehouse_over_parquet(marts_dir: Path) -> Path:
    """A DuckDB file (in a temporary folder) whose marts.* are views over ``marts_dir``'s tables."""
    folders = sorted(p for p in Path(marts_dir).iterdir() if p.is_dir()) if Path(marts_dir).is_dir() else []
    tables = [folder for folder in folders if any(folder.rglob("*.parquet"))]
    if not tables:
        raise ExportError(
            f"no Parquet marts under {marts_dir}: run `jixiao build --engine spark` first "
            "(the local spark target writes them to build/spark/warehouse/marts.db)"
        )
    db = Path(tempfile.mkdtemp(prefix="jixiao-spark-marts-")) / "spark-marts.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"create schema {MARTS_SCHEMA}")
        for folder in tables:
            files = quote_sql(str(folder.resolve() / "**" / "*.parquet"))
            con.execute(
                f"create view {MARTS_SCHEMA}.{quote_ident(folder.name)} as "
                f"select * from read_parquet({files}, hive_partitioning = false)"
            )
    return db
