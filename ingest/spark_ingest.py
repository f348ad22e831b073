"""The ingest on Apache Spark: the same parser on the executors, the raw tables as a Parquet lake.

`jixiao ingest --engine spark PATH --lake DIR` (on a cluster, `spark-submit deploy/spark_submit.py`: see
README "Scaling out"). Files are listed and read by Spark (`binaryFile`), hashed in the JVM, and
parsed by ``ingest.parse.parse_bytes`` in ``mapPartitions``; rows are built by ``raw_tables.to_tables``
and typed by ``raw_tables.RAW_SCHEMAS``, so the lake has the columns and types of DuckDB's raw.*.

Lake layout (``LAKE_TABLES``): one folder per raw table; projects, indicators and budget_items
partitioned by the form's ``fiscal_year`` (indicators and budget_items carry that year as their
partition column; the dbt views drop it), documents, parse_issues and document_paths not (a
document holds forms of several years).

Re-ingest is idempotent per document_id, as in DuckDB: content already in the lake (same sha256,
same parser version) is not parsed; a path whose content changed points at its new document, and a
document no path refers to any more is removed with all its rows. A parser exception on one file is
a ``failed`` document with a ``parser_crashed`` issue, never a failed job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from . import PARSER_VERSION
from .model import Document, Issue, Severity
from .pipeline import MAX_FILE_BYTES, too_large_document
from .raw_tables import PATHS_SCHEMA, RAW_SCHEMAS, to_tables

LAKE_TABLES = ("documents", "projects", "indicators", "budget_items", "parse_issues", "document_paths")
YEAR_PARTITIONED = ("projects", "indicators", "budget_items")
FORM_YEAR_TABLES = ("indicators", "budget_items")  # partitioned by their form's year
PARSER = "ingest.parse:parse_bytes"
BATCH = 200  # documents per to_tables call on an executor

# Local mode unless spark-submit (or the caller) already chose a master: modest memory, few
# shuffle partitions (the machine is shared; a cluster sets its own).
LOCAL_CONF = {
    "spark.master": os.environ.get("JIXIAO_SPARK_MASTER", "local[2]"),
    "spark.driver.memory": os.environ.get("JIXIAO_SPARK_DRIVER_MEMORY", "2g"),
    "spark.sql.shuffle.partitions": os.environ.get("JIXIAO_SPARK_SHUFFLE_PARTITIONS", "2"),
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


@dataclass
class LakeSummary:
    seen: int = 0
    unchanged: int = 0
    duplicates: int = 0
    removed: int = 0
    statuses: Counter = field(default_factory=Counter)  # of the documents parsed in this run
    notes: list[str] = field(default_factory=list)  # failed documents, with their first error
    lake_counts: dict[str, int] = field(default_factory=dict)

    @property
    def parsed(self) -> int:
        return sum(self.statuses.values())

    def lines(self) -> list[str]:
        s = self.statuses
        lines = [
            f"files: {self.seen} seen, {self.parsed} documents parsed ({s['parsed']} parsed, "
            f"{s['partial']} partial, {s['failed']} failed), {self.unchanged} unchanged, "
            f"{self.duplicates} duplicate content",
            f"documents removed (no path refers to them any more): {self.removed}",
        ]
        counts = ", ".join(f"{table} {n:,}" for table, n in self.lake_counts.items())
        return [*lines, f"in the lake now: {counts}", *self.notes]


def spark_session():
    from pyspark.sql import SparkSession

    # the executors' Python is this one (the venv that has the parser), unless told otherwise
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("jixiao ingest")
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: a local session
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
    return builder.getOrCreate()


def lake_schema(table: str):
    """The Spark schema of a lake table: RAW_SCHEMAS (one source of truth), plus the partition year."""
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import IntegerType, StructField

    arrow = PATHS_SCHEMA if table == "document_paths" else RAW_SCHEMAS[table]
    schema = from_arrow_schema(arrow, prefer_timestamp_ntz=True)
    if table in FORM_YEAR_TABLES:
        schema = schema.add(StructField("fiscal_year", IntegerType()))
    return schema


def resolve(name: str) -> Callable[..., Document]:
    """``module:function`` → the function, imported where it runs (on the executor)."""
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def crashed_document(data: bytes, source_path: str, exc: BaseException) -> Document:
    message = f"the parser raised {type(exc).__name__}: {exc}"
    return Document(
        hashlib.sha256(data).hexdigest(),
        source_path,
        len(data),
        None,
        "unknown",
        issues=[Issue(Severity.ERROR, "parser_crashed", message)],
    )


def parse_partition(
    rows: Iterable, parser: str, max_file_bytes: int, ingested_at: dt.datetime, ocr: bool = True
) -> Iterator[tuple[str, tuple]]:
    """Runs on an executor: (source_path, content) rows in, (table, row) records out."""
    parse = resolve(parser)
    batch: list[Document] = []
    for source_path, content in rows:
        data = bytes(content)
        if len(data) > max_file_bytes:
            document = too_large_document(
                hashlib.sha256(data).hexdigest(), source_path, len(data), max_file_bytes
            )
        else:
            try:
                document = parse(data, source_path, ocr=ocr)
            except Exception as exc:  # one file's crash is that file's failed row, not the job's
                document = crashed_document(data, source_path, exc)
        batch.append(document)
        if len(batch) >= BATCH:
            yield from table_rows(batch, ingested_at)
            batch = []
    yield from table_rows(batch, ingested_at)


def table_rows(documents: list[Document], ingested_at: dt.datetime) -> Iterator[tuple[str, tuple]]:
    if not documents:
        return
    tables = to_tables(documents, ingested_at)
    years = dict(
        zip(
            tables["projects"].column("project_key").to_pylist(),
            tables["projects"].column("fiscal_year").to_pylist(),
            strict=True,
        )
    )
    for name, table in tables.items():
        columns = [column.to_pylist() for column in table.columns]
        if name in FORM_YEAR_TABLES:
            columns.append([years[key] for key in columns[0]])
        for row in zip(*columns, strict=True):
            yield name, row


def ingest_to_lake(
    paths: list[str],
    lake: str,
    spark=None,
    parser: str = PARSER,
    max_file_bytes: int = MAX_FILE_BYTES,
    ocr: bool = True,
) -> LakeSummary:
    """Parse the files under ``paths`` on Spark and bring the lake at ``lake`` up to date."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    spark = spark or spark_session()
    ingested_at = dt.datetime.now().replace(microsecond=0)
    summary = LakeSummary()
    lake = qualified(spark, lake)

    listing = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(qualified_all(spark, paths))
    )
    shown = shown_path(spark, paths)
    hashed = listing.select(
        shown(F.col("path")).alias("source_path"), F.sha2(F.col("content"), 256).alias("document_id")
    ).persist(StorageLevel.MEMORY_AND_DISK)

    existing = {table: read_table(spark, lake, table) for table in LAKE_TABLES}
    known = (
        existing["documents"].where(F.col("parser_version") == PARSER_VERSION).select("document_id")
        if existing["documents"] is not None
        else spark.createDataFrame([], "document_id string")
    )
    fresh = hashed.join(known, "document_id", "left_anti")
    owners = fresh.groupBy("document_id").agg(F.min("source_path").alias("source_path"))
    summary.seen = hashed.count()
    n_fresh = fresh.count()
    summary.unchanged = summary.seen - n_fresh
    summary.duplicates = n_fresh - owners.count()

    # the owners' bytes are read again and parsed there: neither paths nor content go to the driver
    work = listing.select(shown(F.col("path")).alias("source_path"), "content").join(
        owners.select("source_path"), "source_path"
    )
    records = work.rdd.mapPartitions(
        lambda rows: parse_partition(rows, parser, max_file_bytes, ingested_at, ocr)
    ).persist(StorageLevel.MEMORY_AND_DISK)
    incoming = {
        table: spark.createDataFrame(
            records.filter(lambda r, t=table: r[0] == t).map(lambda r: r[1]), lake_schema(table)
        )
        for table in RAW_SCHEMAS
    }
    for status, n in incoming["documents"].groupBy("status").count().collect():
        summary.statuses[status] = n
    for row in (
        incoming["documents"]
        .where(F.col("status") == "failed")
        .join(incoming["parse_issues"].where(F.col("severity") == "error"), "document_id")
        .groupBy("source_path")
        .agg(F.min(F.concat_ws(": ", "code", "message")).alias("first_error"))
        .orderBy("source_path")
        .limit(50)
        .collect()
    ):
        summary.notes.append(f"failed {row.source_path}: {row.first_error}")

    paths_now, removed_ids = moved_paths(spark, existing, hashed, ingested_at)
    replaced = incoming["documents"].select("document_id").unionByName(removed_ids).distinct()
    summary.removed = removed_ids.count()
    # a path new or moved, a document parsed or removed: otherwise nothing is written
    if paths_now is not None or summary.parsed or summary.removed:
        paths_now = existing["document_paths"] if paths_now is None else paths_now
        documents = with_moved_source_paths(keep(existing["documents"], replaced), paths_now)
        write_table(spark, lake, "documents", union(documents, incoming["documents"]))
        write_table(spark, lake, "document_paths", paths_now)
        for table in ("projects", "indicators", "budget_items", "parse_issues"):
            write_table(spark, lake, table, union(keep(existing[table], replaced), incoming[table]))
    records.unpersist()
    hashed.unpersist()
    summary.lake_counts = {table: read_table(spark, lake, table).count() for table in LAKE_TABLES}
    return summary


def moved_paths(spark, existing: dict, hashed, seen_at: dt.datetime):
    """raw.document_paths after this run, or None when no path is new or moved; and the orphans.

    As in DuckDB (load._move_paths): a path belongs to the document it holds now; a document that
    no path refers to any more is removed.
    """
    from pyspark.sql import functions as F

    incoming = hashed.select("document_id", "source_path").distinct()
    old = existing["document_paths"]
    empty_ids = spark.createDataFrame([], "document_id string")
    if old is None:
        return incoming.withColumn("seen_at", F.lit(seen_at).cast("timestamp_ntz")), empty_ids
    new_pairs = incoming.join(
        old.select("document_id", "source_path"), ["document_id", "source_path"], "left_anti"
    )
    if new_pairs.isEmpty():
        return None, empty_ids
    moved = old.join(incoming.withColumnRenamed("document_id", "now"), "source_path").where(
        F.col("document_id") != F.col("now")
    )
    kept = old.join(moved.select("document_id", "source_path"), ["document_id", "source_path"], "left_anti")
    paths_now = kept.unionByName(new_pairs.withColumn("seen_at", F.lit(seen_at).cast("timestamp_ntz")))
    orphans = (
        moved.select("document_id")
        .distinct()
        .join(paths_now.select("document_id"), "document_id", "left_anti")
    )
    return paths_now.localCheckpoint(), orphans.localCheckpoint()


def with_moved_source_paths(documents, paths_now):
    """A document whose own path now holds other content shows another path it is still under."""
    from pyspark.sql import functions as F

    if documents is None or paths_now is None:
        return documents
    still = paths_now.groupBy("document_id").agg(
        F.min("source_path").alias("first_path"),
        F.max(F.lit(True)).alias("_any"),
    )
    own = paths_now.select("document_id", "source_path").withColumn("_own", F.lit(True))
    joined = documents.join(own, ["document_id", "source_path"], "left").join(still, "document_id", "left")
    fixed = F.when(F.col("_own").isNull() & F.col("first_path").isNotNull(), F.col("first_path")).otherwise(
        F.col("source_path")
    )
    return joined.withColumn("source_path", fixed).select(*documents.columns)


def keep(table, replaced):
    """The rows of ``table`` whose document is not replaced in this run."""
    from pyspark.sql import functions as F

    if table is None:
        return None
    if "document_id" in table.columns:
        return table.join(replaced, "document_id", "left_anti")
    with_id = table.withColumn("document_id", F.substring_index("project_key", ":", 1))
    return with_id.join(replaced, "document_id", "left_anti").select(*table.columns)


def union(old, new):
    return new if old is None else old.unionByName(new)


def read_table(spark, lake: str, table: str):
    if not exists(spark, f"{lake}/{table}"):
        return None
    return spark.read.schema(lake_schema(table)).parquet(f"{lake}/{table}")


def write_table(spark, lake: str, table: str, frame) -> None:
    """Write next to the table, then swap: Spark cannot overwrite a folder it is reading from."""
    target, staging = f"{lake}/{table}", f"{lake}/_next_{table}"
    writer = frame.select(*lake_schema(table).names).write.mode("overwrite")
    if table in YEAR_PARTITIONED:
        writer = writer.partitionBy("fiscal_year")
    writer.parquet(staging)
    fs, jpath = _fs(spark, target)
    fs.delete(jpath, True)
    fs.rename(_fs(spark, staging)[1], jpath)


def exists(spark, path: str) -> bool:
    fs, jpath = _fs(spark, path)
    return fs.exists(jpath)


def _fs(spark, path: str):
    jvm = spark._jvm
    jpath = jvm.org.apache.hadoop.fs.Path(path)
    return jpath.getFileSystem(spark._jsc.hadoopConfiguration()), jpath


def qualified(spark, path: str) -> str:
    """The path as Spark lists it (file:/abs/path for a local path, the URI otherwise)."""
    fs, jpath = _fs(spark, path)
    return fs.makeQualified(jpath).toString()


def qualified_all(spark, paths: list[str]) -> list[str]:
    return [qualified(spark, p) for p in paths]


def shown_path(spark, paths: list[str]):
    """A column expression: a listed file's URI → its path as given (data/samples/x.txt), as DuckDB records it."""
    from pyspark.sql import functions as F

    def shown(uri):
        expression = uri
        for given in sorted(paths, key=len):
            prefix = qualified(spark, given)
            expression = F.when(
                uri.startswith(prefix),
                F.concat(F.lit(given.rstrip("/")), F.substring(uri, len(prefix) + 1, 1 << 30)),
            ).otherwise(expression)
        return expression

    return shown


def main(argv: list[str] | None = None) -> int:
    """`jixiao-spark PATH... --lake DIR`, and spark-submit deploy/spark_submit.py on a cluster."""
    import argparse

    parser = argparse.ArgumentParser(prog="jixiao-spark", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--lake", required=True, help="the lake folder or URI (file:, hdfs:, s3a: …)")
    args = parser.parse_args(argv)
    summary = ingest_to_lake(args.paths, args.lake)
    print("\n".join(summary.lines()))
    return 1 if summary.statuses["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
