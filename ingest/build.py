"""Run dbt on a warehouse file through dbt's Python entry point, and say in a line what happened."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

# dbt's own exit codes (dbt.cli.exceptions / `dbt --help`): 0 success; 1 a model, seed or
# error-severity test failed; 2 dbt could not run (a usage error, a project that does not parse).
DBT_OK, DBT_FAILED, DBT_ERROR = 0, 1, 2

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
        return f"dbt build: {counts} TOTAL={total} ({what}) in {self.seconds:.1f} s"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def run_dbt(args: list[str], db_path: Path) -> bool:
    """`dbt <args>` against db_path with this repository's project and profiles; True on success."""
    return invoke(args, db_path).exit_code == DBT_OK


def build(db_path: Path, dbt_args: list[str], colours: bool = True) -> BuildResult:
    """`dbt build` on db_path, quietly (warnings and errors only); ``dbt_args`` come last and win."""
    return invoke(["build", *QUIET_ARGS, *([] if colours else ["--no-use-colors"]), *dbt_args], db_path)


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
    return out
