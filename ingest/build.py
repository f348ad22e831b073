"""Run dbt on a warehouse file through dbt's Python entry point, and say in a line what happened."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

# dbt's own exit codes (dbt.cli.exceptions / `dbt --help`): 0 success; 1 a model, seed or
# error-severity test failed; 2 dbt could not run (a usage error, a project that does not parse).
DBT_OK, DBT_FAILED, DBT_ERROR = 0, 1, 2

# The files dbt reads. An incremental build (below) needs every one of them as it was at the last
# whole build; dbt's and the adapter's versions go into the fingerprint too.
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt")
# Where the warehouse remembers its last whole build: one row, the project's fingerprint.
BUILD_STATE_TABLE = "main.jixiao_build_state"
# Nodes whose result depends on the project's files alone, not on the documents: the seeds (loaded
# from seeds/*.csv), the data tests that read only seeds, and the unit tests (fixtures in yml).
# With the project unchanged since a whole build in which they all passed, a build without dbt
# arguments leaves them out (dbt's eager indirect selection drops the seeds' tests with them).
KNOWN_RESULTS_EXCLUDE = ("--exclude", "resource_type:seed", "resource_type:unit_test")

# How `jixiao build` runs dbt unless the caller's own dbt arguments (placed after these, so they
# win) say otherwise: warnings and errors only, and the summary line below instead of one line
# per node. `jixiao build --log-level info` shows every node again.
QUIET_ARGS = ("--log-level", "warn")

_STATUS_COLUMN = {
    "pass": "PASS",
    "success": "PASS",
    "warn": "WARN",
    "error": "ERROR",
    "fail": "ERROR",
    "runtime error": "ERROR",
    "skipped": "SKIP",
    "no-op": "NO-OP",
}
# Exposures (the export, the report) are nodes of `dbt build` since dbt 1.10: NO-OP, nothing to build.
_KINDS = (
    ("model", "model"),
    ("seed", "seed"),
    ("test", "data test"),
    ("unit_test", "unit test"),
    ("exposure", "exposure"),
)


@dataclass
class BuildResult:
    exit_code: int
    error: str | None = None  # why dbt could not run (exit code 2)
    usage_error: bool = False  # dbt refused its arguments: dbt prints nothing about these
    statuses: Counter = field(default_factory=Counter)  # PASS / WARN / ERROR / SKIP / NO-OP
    kinds: Counter = field(default_factory=Counter)  # model / seed / test / unit_test / …
    warned: list[str] = field(default_factory=list)  # nodes that ended WARN
    failed: list[str] = field(default_factory=list)  # nodes that ended ERROR
    seconds: float = 0.0
    # test_failures tables a whole build dropped: no data test of the project owns them any more
    dropped_failures: list[str] = field(default_factory=list)
    # every seed, seed-only data test and unit test that ran ended PASS (and at least one ran)
    known_results_passed: bool = False
    # the seeds, their tests and the unit tests were left out: the project is as at the last whole build
    left_out_known: bool = False

    def summary(self) -> str:
        """One line, like dbt's ``Done.`` line, with what was built."""
        if self.error is not None:
            first_line = self.error.splitlines()[0] if self.error else "no message"
            return f"dbt build: dbt stopped before building anything ({first_line})"
        total = sum(self.statuses.values())
        if not total:
            return f"dbt build: nothing selected, nothing built ({self.seconds:.1f} s)"
        names = ["PASS", "WARN", "ERROR", "SKIP"] + sorted(
            set(self.statuses) - {"PASS", "WARN", "ERROR", "SKIP"}
        )
        counts = " ".join(f"{name}={self.statuses[name]}" for name in names)
        what = ", ".join(plural(self.kinds[kind], label) for kind, label in _KINDS if self.kinds[kind])
        line = f"dbt build: {counts} TOTAL={total} ({what}) in {self.seconds:.1f} s"
        if self.dropped_failures:
            line += (
                f"; dropped {plural(len(self.dropped_failures), 'test_failures table')} of data tests"
                " the project no longer has"
            )
        if self.left_out_known:
            line += (
                "; seeds, their tests and unit tests not run: the project is unchanged since the last"
                " whole build, where they passed (`jixiao build --full-refresh` runs everything)"
            )
        return line


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def run_dbt(args: list[str], db_path: Path) -> bool:
    """`dbt <args>` against db_path with this repository's project and profiles; True on success."""
    return invoke(args, db_path).exit_code == DBT_OK


def build(db_path: Path, dbt_args: list[str], colours: bool = True) -> BuildResult:
    """`dbt build` on db_path, quietly (warnings and errors only); ``dbt_args`` come last and win.

    A build without dbt arguments on a warehouse whose last whole build ran this very project (and
    passed its seeds, their tests and the unit tests) leaves those out: their results cannot have
    changed. Every other node runs. A build without arguments, or with only --full-refresh, that
    runs them all and sees them pass records the project's fingerprint for the next one.
    """
    whole = all(arg == "--full-refresh" for arg in dbt_args)
    fingerprint = project_fingerprint() if whole else None
    leave_out = whole and not dbt_args and last_whole_build(db_path) == fingerprint
    args = ["build", *QUIET_ARGS, *([] if colours else ["--no-use-colors"]), *dbt_args]
    result = invoke([*args, *(KNOWN_RESULTS_EXCLUDE if leave_out else ())], db_path)
    result.left_out_known = leave_out
    if whole and not leave_out and result.error is None:
        record_whole_build(db_path, fingerprint if result.known_results_passed else None)
    if whole and result.error is None:
        result.dropped_failures = drop_stale_failures(db_path)
    return result


def drop_stale_failures(db_path: Path) -> list[str]:
    """Drop the test_failures tables (and views) that no data test of the project writes any more:
    a renamed or removed test's table keeps its last rows for ever otherwise, and the report lists
    every table there that holds rows. The project's tests are read from the manifest the build
    just wrote. Returns the names dropped."""
    import duckdb

    target = PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")  # dbt's own resolution
    try:
        nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"].values()
    except (OSError, ValueError, KeyError):
        return []  # no manifest to go by: keep everything
    owned = {node["alias"] for node in nodes if node.get("resource_type") == "test"}
    try:
        with duckdb.connect(str(db_path)) as con:
            relations = con.execute(
                "select table_name, table_type from information_schema.tables where table_schema = 'test_failures'"
            ).fetchall()
            stale = sorted((name, kind) for name, kind in relations if name not in owned)
            for name, kind in stale:
                quoted = name.replace('"', '""')
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} test_failures."{quoted}"')
    except duckdb.Error:  # another process took the warehouse the moment dbt let it go: next time
        return []
    return [name for name, _ in stale]


def project_fingerprint() -> str:
    """sha256 over the dbt project's files (names and bytes) and dbt's and the adapter's versions."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb"):
        digest.update(f"{package} {version(package)}\n".encode())
    for name in PROJECT_INPUTS:
        root = PROJECT_DIR / name
        files = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(f"{path.relative_to(PROJECT_DIR).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"-")
    return digest.hexdigest()


def last_whole_build(db_path: Path) -> str | None:
    """The fingerprint the warehouse's last whole, passing build recorded; None if there is none."""
    import duckdb

    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute(f"select project_fingerprint from {BUILD_STATE_TABLE}").fetchone()
    except duckdb.Error:  # no such table (never built whole), or no warehouse: a whole build
        return None
    return row[0] if row else None


def record_whole_build(db_path: Path, fingerprint: str | None) -> None:
    """Remember the project of a whole build whose known-result nodes passed; forget it otherwise."""
    import duckdb

    try:
        with duckdb.connect(str(db_path)) as con:
            con.execute(
                f"create or replace table {BUILD_STATE_TABLE} (project_fingerprint varchar, built_at timestamp)"
            )
            if fingerprint is not None:
                con.execute(f"insert into {BUILD_STATE_TABLE} values (?, current_timestamp)", [fingerprint])
    except duckdb.Error:
        # another process took the warehouse the moment dbt let it go: the build is done and the
        # state stays as it was (a fingerprint there is of files whose seeds and unit tests passed)
        pass


def spark_build_env(lake: str) -> None:
    """The spark target's settings (profiles.yml): the lake its raw views read, where its tables go."""
    os.environ["JIXIAO_LAKE"] = lake if "://" in lake else str(Path(lake).resolve())
    spark_dir = Path(os.environ.get("JIXIAO_SPARK_DIR", PROJECT_DIR / "build" / "spark")).resolve()
    os.environ["JIXIAO_SPARK_DIR"] = str(spark_dir)


def invoke(args: list[str], db_path: Path) -> BuildResult:
    """Run dbt in this process; the exit code is the one the `dbt` command would have given."""
    from dbt.cli.main import dbtRunner  # imported late: dbt is slow to import and only build needs it

    os.environ["JIXIAO_DB"] = str(Path(db_path).resolve())
    started = time.monotonic()
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    )
    out = BuildResult(DBT_OK if result.success else DBT_FAILED, seconds=time.monotonic() - started)
    if result.exception is not None:  # a usage error or an exception: dbt exits 2 on these
        from dbt.cli.exceptions import DbtUsageException

        out.exit_code, out.error = DBT_ERROR, str(result.exception).strip() or type(result.exception).__name__
        out.usage_error = isinstance(result.exception, DbtUsageException)
        return out
    known = []  # statuses of the nodes an incremental build may leave out
    for node_result in getattr(result.result, "results", None) or []:
        node = getattr(node_result, "node", None)
        if str(getattr(node, "resource_type", "")) == "operation" and node_result.status == "success":
            continue  # the on-run-start hook (the spark target's raw views): not a node that was built
        status = _STATUS_COLUMN.get(str(node_result.status).lower(), str(node_result.status).upper())
        out.statuses[status] += 1
        out.kinds[str(getattr(node, "resource_type", "other"))] += 1
        name = getattr(node, "name", "?")
        if status == "WARN":
            out.warned.append(name)
        elif status == "ERROR":
            out.failed.append(name)
        if has_known_result(node):
            known.append(status)
    out.known_results_passed = bool(known) and all(status == "PASS" for status in known)
    return out


def has_known_result(node: object) -> bool:
    """A seed, a unit test, or a data test that reads only seeds (KNOWN_RESULTS_EXCLUDE)."""
    kind = str(getattr(node, "resource_type", ""))
    if kind in ("seed", "unit_test"):
        return True
    parents = getattr(getattr(node, "depends_on", None), "nodes", None) or []
    return kind == "test" and bool(parents) and all(parent.startswith("seed.") for parent in parents)
