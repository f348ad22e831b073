"""Benchmark: DuckDB and local Spark side by side, in one run, on one synthetic collection.

    make bench-engines              # N = 2000
    .venv/bin/python -m bench.engines --n 2000 [--seed 7] [--work build/bench]

Generates N documents (bench/generate.py, the collection `make bench` uses), then runs, each as the
real command line in a fresh process (bench/run.py's `measure`): `jixiao ingest` and `jixiao build`
on DuckDB, then `jixiao ingest --engine spark` and `jixiao build --engine spark` on local Spark
(local[2], 2 GB driver). CPU is sampled over the whole process tree (the JVM and Spark's Python
workers are not processes the command waits for), so it counts every process that ran. The
parse CPU per document on Spark (CPU of the ingest less the cost of an empty SparkSession run,
over N) is the figure README "Scaling out" scales to 30 M forms. Writes
build/bench/engines-n<N>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import bench.run
from bench.generate import generate
from bench.run import REPO, Step, jixiao_command, mart_rows, measure

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(root: int) -> float:
    """user + system seconds of ``root`` and its live descendants, with their reaped children."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        ppid, ticks = int(fields[1]), sum(int(x) for x in fields[11:15])
        stats[int(entry.name)] = (ppid, ticks / CLOCK_TICKS)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += stats.get(pid, (0, 0.0))[1]
        stack.extend(children.get(pid, []))
    return total


def measure_tree(name: str, command: list[str], env: dict[str, str]) -> Step:
    """``measure``, with CPU as the largest sampled CPU of the process tree (the JVM included)."""
    peak = [0.0]
    stop = threading.Event()
    started = threading.Event()
    box: dict[str, Step] = {}

    def run() -> None:
        box["step"] = measure(name, command, env)

    def sample() -> None:
        started.wait()
        me = os.getpid()
        while not stop.wait(1.0):  # a scan of /proc costs CPU itself: once a second
            peak[0] = max(peak[0], tree_cpu_s(me))

    runner = threading.Thread(target=run)
    sampler = threading.Thread(target=sample, daemon=True)
    before = tree_cpu_s(os.getpid())
    sampler.start()
    runner.start()
    started.set()
    runner.join()
    stop.set()
    sampler.join()
    step = box["step"]
    step.cpu_s = max(step.cpu_s, peak[0] - before)
    return step


def run(n: int, seed: int, work: Path) -> str:
    work = work / f"engines-n{n}"
    docs, db, lake, spark_dir = work / "docs", work / "warehouse.duckdb", work / "lake", work / "spark"
    for stale in (db, lake, spark_dir):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    print(f"generating {n} documents in {docs} …", file=sys.stderr)
    manifest = generate(docs, n, seed)
    env = {
        **os.environ,
        "JIXIAO_SPARK_DIR": str(spark_dir),
        "DBT_TARGET_PATH": str(work / "dbt-target"),
        "DBT_LOG_PATH": str(work / "dbt-logs"),
    }
    jixiao = jixiao_command()
    # RSS sampled twice a second, not every 20 ms: a /proc scan costs CPU the steps would miss
    bench.run.SAMPLE_EVERY_S = 0.5
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    (empty / "one.txt").write_text("no form here\n", encoding="utf-8")
    steps: list[tuple[str, Step]] = []
    for engine, name, command in (
        ("DuckDB", "ingest", [*jixiao, "ingest", str(docs), "--db", str(db)]),
        (
            "Spark",
            "ingest of one file (start-up)",
            [*jixiao, "ingest", "--engine", "spark", str(empty), "--lake", str(work / "lake-empty")],
        ),
        ("Spark", "ingest", [*jixiao, "ingest", "--engine", "spark", str(docs), "--lake", str(lake)]),
        ("DuckDB", "build (dbt build)", [*jixiao, "build", "--db", str(db)]),
        ("Spark", "build (dbt build)", [*jixiao, "build", "--engine", "spark", "--lake", str(lake)]),
    ):
        print(f"{engine}: {name} …", file=sys.stderr)
        step = measure_tree(f"{engine}: {name}", command, env)
        if step.exit_code not in (0, 1):
            raise SystemExit(
                f"{engine} {name} failed ({step.exit_code}):\n{step.stdout[-2000:]}\n{step.stderr[-2000:]}"
            )
        steps.append((engine, step))
        # each step's figures as soon as it ends: a long run interrupted still leaves them
        print(f"  {step.wall_s:.1f} s wall, {step.cpu_s:.1f} s CPU, exit {step.exit_code}", file=sys.stderr)
    duck_marts = mart_rows(db)
    spark_marts = spark_mart_rows(spark_dir / "warehouse" / "marts.db")
    by_name = {s.name: s for _, s in steps}
    startup = by_name["Spark: ingest of one file (start-up)"]
    spark_ingest, duck_ingest = by_name["Spark: ingest"], by_name["DuckDB: ingest"]
    per_doc_ms = (spark_ingest.cpu_s - startup.cpu_s) / n * 1000
    lines = [
        f"N = {n:,} documents ({manifest['bytes'] / 1e6:.1f} MB, {manifest['forms']:,} forms, "
        f"{manifest['indicators']:,} indicators; seed {seed}), {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, {versions()}; {dt.date.today().isoformat()}",
        "",
        "| step | wall s | CPU s (process tree) | documents/s | forms/s | peak RSS MB, all processes | exit | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, s in steps:
        docs_per_s = f"{n / s.wall_s:,.0f}" if s.name.endswith(": ingest") else ""
        forms_per_s = f"{manifest['forms'] / s.wall_s:,.0f}" if "one file" not in s.name else ""
        lines.append(
            f"| {s.name} | {s.wall_s:.1f} | {s.cpu_s:.1f} | {docs_per_s} | {forms_per_s} "
            f"| {s.tree_rss_mb:.0f} | {s.exit_code} | {s.load_before:.1f} |"
        )
    lines += [
        "",
        f"- CPU per document, Spark ingest less its start-up: {per_doc_ms:.1f} ms "
        f"(DuckDB ingest, all CPU over N: {duck_ingest.cpu_s / n * 1000:.1f} ms)",
        f"- mart rows equal on both engines: {duck_marts == spark_marts} ({sum(duck_marts.values()):,} rows)",
    ]
    report = "\n".join(lines) + "\n"
    (work.parent / f"engines-n{n}.md").write_text(report, encoding="utf-8")
    return report


def spark_mart_rows(marts_dir: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect() as con:
        return {
            folder.name: con.sql(f"select count(*) from read_parquet('{folder}/**/*.parquet')").fetchone()[0]
            for folder in sorted(marts_dir.iterdir())
            if folder.is_dir()
        }


def versions() -> str:
    import duckdb
    import pyspark

    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return f"DuckDB {duckdb.__version__}, Spark {pyspark.__version__}, {java}"


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="bench.engines", description=__doc__.split("\n\n")[0])
    cli.add_argument("--n", type=int, default=2000)
    cli.add_argument("--seed", type=int, default=7)
    cli.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    args = cli.parse_args(argv)
    print(run(args.n, args.seed, args.work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
