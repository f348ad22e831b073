"""Benchmark: ingest, re-ingest, incremental ingest, dbt build and export of a synthetic collection.

    make bench                 # N = 2000
    make bench N=8000
    .venv/bin/python -m bench.run --n 2000 [--seed 7] [--jobs J] [--work build/bench]

Generates N documents (bench/generate.py) under build/bench/n<N>/ (gitignored), then runs each
step as the real command line in a fresh subprocess and measures it from outside:

- wall time, from start to exit of the command (interpreter start-up and imports included);
- peak RSS of the largest process (``ru_maxrss`` from ``wait4``, which covers the command and
  every worker it waited for) and the peak of the summed RSS of the whole process tree (sampled
  from /proc every 20 ms; shared pages are counted once per process, so it is an upper bound);
- MB/s and forms/s over the bytes and forms the step had to handle.

Beside them the floor (bench/floor.py): one plain-Python process reading, decoding and splitting
the same files into lines; ingest is shown as a multiple of it. Prints a Markdown table and
writes it to build/bench/n<N>/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.generate import generate, load_templates, write_document

REPO = Path(__file__).resolve().parent.parent
CHANGED_SHARE = 100  # one file in this many is changed for the incremental step
SAMPLE_EVERY_S = 0.02
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Step:
    name: str
    wall_s: float
    cpu_s: float
    exit_code: int
    largest_rss_mb: float
    tree_rss_mb: float
    load_before: float = 0.0  # 1-minute load average when the step started (other work on the machine)
    stdout: str = ""
    stderr: str = ""
    bytes: int | None = None
    forms: int | None = None


def jixiao_command() -> list[str]:
    script = Path(sys.executable).parent / "jixiao"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ingest.cli"]


def tree_rss_kb(root: int) -> int:
    """Summed RSS of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * PAGE_KB
    total, stack = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(name: str, command: list[str], env: dict[str, str] | None = None) -> Step:
    """Run ``command`` to its end; wall time, peak RSS (largest process and whole tree), output."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=REPO)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY_S):
                peak[0] = max(peak[0], tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Step(
            name=name,
            wall_s=wall,
            load_before=load_before,
            cpu_s=usage.ru_utime + usage.ru_stime,
            exit_code=process.returncode,
            largest_rss_mb=usage.ru_maxrss / 1024,
            tree_rss_mb=max(peak[0], usage.ru_maxrss) / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def summary_counts(stdout: str) -> dict[str, int]:
    """Figures from `jixiao ingest`'s summary lines."""
    counts = {}
    if m := re.search(r"(\d+) documents parsed", stdout):
        counts["parsed"] = int(m.group(1))
    if m := re.search(r"(\d+) unchanged", stdout):
        counts["unchanged"] = int(m.group(1))
    if m := re.search(r"forms: (\d+), indicators: (\d+)", stdout):
        counts["forms"], counts["indicators"] = int(m.group(1)), int(m.group(2))
    return counts


def warehouse_counts(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: con.sql(f"select count(*) from raw.{table}").fetchone()[0]
            for table in ("documents", "projects", "indicators")
        }


def mart_rows(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0]
            for r in con.sql(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {name: con.sql(f'select count(*) from marts."{name}"').fetchone()[0] for name in names}


def run(n: int, seed: int, jobs: int | None, work: Path) -> str:
    work = work / f"n{n}"
    docs, db, out = work / "docs", work / "warehouse.duckdb", work / "out"
    work.mkdir(parents=True, exist_ok=True)
    for stale in (db, Path(f"{db}.wal"), out):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)

    print(f"generating {n} documents in {docs} …", file=sys.stderr)
    manifest = generate(docs, n, seed)
    total_bytes = manifest["bytes"]

    env = dict(os.environ)
    env.update(
        JIXIAO_DB=str(db),
        DBT_TARGET_PATH=str(work / "dbt-target"),  # keep the repo's target/ and logs/ for others
        DBT_LOG_PATH=str(work / "dbt-logs"),
    )
    jixiao = jixiao_command()
    ingest = [*jixiao, "ingest", str(docs), "--db", str(db)] + (["--jobs", str(jobs)] if jobs else [])
    steps: list[Step] = []

    def step(name: str, command: list[str], allowed: tuple[int, ...] = (0, 1)) -> Step:
        print(f"{name} …", file=sys.stderr)
        result = measure(name, command, env)
        if result.exit_code not in allowed:
            raise SystemExit(f"{name} failed with exit code {result.exit_code}:\n{result.stderr[-3000:]}")
        steps.append(result)
        return result

    notes: list[str] = []
    floor = step("floor", [sys.executable, "-m", "bench.floor", str(docs)])
    floor_figures = json.loads(floor.stdout)

    full = step("ingest, full", ingest)
    full.bytes = total_bytes
    full.forms = summary_counts(full.stdout).get("forms")
    after_full = warehouse_counts(db)

    unchanged = step("ingest, nothing changed", ingest)
    unchanged.bytes = total_bytes
    unchanged_counts = summary_counts(unchanged.stdout)

    full_build = step(
        "build (dbt build --full-refresh)", [*jixiao, "build", "--db", str(db), "--full-refresh"]
    )
    full_build.forms = after_full["projects"]

    templates = load_templates(REPO / "data" / "samples")
    changed_indexes = range(CHANGED_SHARE // 2, n, CHANGED_SHARE)
    changed_bytes = sum(write_document(docs, templates, i, seed, revision=1) for i in changed_indexes)
    changed = step(f"ingest, {len(changed_indexes)} files changed (1 %)", ingest)
    changed.bytes = changed_bytes
    changed_counts = summary_counts(changed.stdout)
    changed.forms = changed_counts.get("forms")
    after_changed = warehouse_counts(db)

    build = step("build after the 1 % changed (incremental)", [*jixiao, "build", "--db", str(db)])
    build.forms = after_changed["projects"]
    # what an analyst waits for after adding a few files, against ingesting and building from nothing
    again = changed.wall_s + build.wall_s
    notes.append(
        f"1 % changed, ingest + incremental build: {again:.2f} s = "
        f"{again / (full.wall_s + full_build.wall_s):.1%} of the full ingest + full build "
        f"({full.wall_s + full_build.wall_s:.2f} s)"
    )
    marts = mart_rows(db)
    export_cmd = [*jixiao, "export", "--db", str(db), "--out", str(out)]
    export = step("export (xlsx + csv + parquet)", export_cmd, allowed=(0, 3))
    export.forms = after_changed["projects"]
    if export.exit_code == 3 and "does not fit" in export.stderr:
        # A mart past Excel's 1,048,576 rows: jixiao refuses the workbook; time the other formats.
        notes.append(f"export: {export.stderr.strip().removeprefix('jixiao: ')}")
        steps.remove(export)
        for fmt in ("csv", "parquet"):
            step(f"export ({fmt})", [*export_cmd, "--format", fmt]).forms = after_changed["projects"]

    report = format_report(
        n=n,
        seed=seed,
        jobs=jobs,
        total_bytes=total_bytes,
        manifest=manifest,
        floor=floor,
        floor_figures=floor_figures,
        steps=steps,
        checks={
            "warehouse after full ingest": after_full,
            "nothing changed: documents parsed / unchanged": (
                unchanged_counts.get("parsed"),
                unchanged_counts.get("unchanged"),
            ),
            "1 % changed: documents parsed / unchanged": (
                changed_counts.get("parsed"),
                changed_counts.get("unchanged"),
            ),
            "warehouse after the incremental ingest": after_changed,
            "mart rows": marts,
            "dbt build exit codes (full, incremental)": (full_build.exit_code, build.exit_code),
        },
        notes=notes,
    )
    (work / "results.md").write_text(report, encoding="utf-8")
    return report


def format_report(
    *,
    n: int,
    seed: int,
    jobs: int | None,
    total_bytes: int,
    manifest: dict,
    floor: Step,
    floor_figures: dict,
    steps: list[Step],
    checks: dict,
    notes: list[str],
) -> str:
    mb = total_bytes / 1e6
    decode_s, hash_s = floor_figures["read_decode_split_s"], floor_figures["read_hash_s"]
    import duckdb

    lines = [
        f"N = {n:,} documents ({mb:.1f} MB, {manifest['forms']:,} forms, {manifest['indicators']:,} "
        f"indicators; seed {seed}), {os.cpu_count()} cores, --jobs {jobs or 'default (all cores)'}; "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; "
        f"{dt.date.today().isoformat()}",
        "",
        "| step | wall s | CPU s | MB/s | forms/s | × floor | peak RSS MB, largest process "
        "| peak RSS MB, all processes | exit | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| floor: read + decode + split into lines (1 process) | {decode_s:.2f} | | {mb / decode_s:,.0f} "
        f"| | 1.0 | {floor.largest_rss_mb:.0f} | | | {floor.load_before:.1f} |",
        f"| floor: read + SHA-256 (1 process) | {hash_s:.2f} | | {mb / hash_s:,.0f} | | "
        f"{hash_s / decode_s:.1f} | | | | |",
    ]
    for s in steps:
        if s is floor:
            continue
        rate = f"{s.bytes / 1e6 / s.wall_s:,.1f}" if s.bytes else ""
        forms = f"{s.forms / s.wall_s:,.0f}" if s.forms else ""
        times = f"{s.wall_s / decode_s:,.1f}" if s.bytes == total_bytes else ""
        lines.append(
            f"| {s.name} | {s.wall_s:.2f} | {s.cpu_s:.2f} | {rate} | {forms} | {times} "
            f"| {s.largest_rss_mb:.0f} | {s.tree_rss_mb:.0f} | {s.exit_code} | {s.load_before:.1f} |"
        )
    lines += [
        "",
        "CPU s: user + system of the command and every process it waited for. load: the 1-minute load "
        f"average when the step started (on {os.cpu_count()} cores, above 0 means other work was running). "
        "exit 1 from ingest: some documents parsed only partly (sample 000 starts mid-form), as on the samples.",
    ]
    lines += [f"- {note}" for note in notes]
    lines += ["", "Checks:", ""]
    lines += [f"- {name}: {value}" for name, value in checks.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n\n")[0])
    cli.add_argument("--n", type=int, default=2000, help="documents to generate (default 2000)")
    cli.add_argument("--seed", type=int, default=7)
    cli.add_argument("--jobs", type=int, default=None, help="passed to `jixiao ingest --jobs`")
    cli.add_argument(
        "--work", type=Path, default=REPO / "build" / "bench", help="scratch folder (gitignored)"
    )
    args = cli.parse_args(argv)
    print(run(args.n, args.seed, args.jobs, args.work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
