"""Shared pytest fixtures. Kept out of tests/fixtures/, which is dbt's unit-test fixture folder."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The tables CONTRACT.md promises (binding names), checked by several test files.
RAW_TABLES = ("documents", "projects", "indicators", "budget_items", "parse_issues")
MARTS = frozenset(
    {
        "dim_units",
        "dim_projects",
        "fct_budget_yoy",
        "fct_execution",
        "fct_indicators",
        "agg_indicator_coverage",
        "agg_unit_rollup",
        "fct_budget_items",
        "fct_form_quality",
        "fct_self_eval_scores",
        "fct_target_drift",
        "agg_project_target_drift",
    }
)
SAMPLES = REPO / "data" / "samples"


def pytest_configure(config: pytest.Config) -> None:
    """`make test` runs the tests in parallel workers (pytest-xdist). Every dbt run of a worker, in
    this process or in a `jixiao` it starts, gets a target/ and logs/ of its own: dbt rewrites its
    manifest and partial-parse cache there, and two processes writing one file would race."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ["DBT_TARGET_PATH"] = str(REPO / "target" / worker)
        os.environ["DBT_LOG_PATH"] = str(REPO / "logs" / worker)


# The longest test files, longest first (pytest --durations, 2026-12-03). Workers are handed whole
# files in collection order; starting these first keeps one of them from running alone at the end.
LONGEST_FILES = (
    "test_incremental_build.py",
    "test_readme_commands.py",
    "test_export.py",
    "test_fuzz.py",
    "test_pdf_scan.py",
    "test_kill.py",
    "test_cross_year.py",
    "test_ingest_cli.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: k for k, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's order is kept


def sample(prefix: str) -> Path:
    """The bundled sample document whose name starts with prefix ("000", "004", …)."""
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture
def samples_dir(tmp_path: Path) -> Path:
    """A private copy of the sample folder, so tests may change files freely."""
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    return folder


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples ingested and built once per run, through the real CLI: `make test`'s dbt build of
    the samples (every model, seed, data test and unit test must pass). Read it only.

    The parallel workers share it: the first to ask builds it under a lock in the run's temp folder
    and the others wait for it, since a build costs half a minute and DuckDB lets any number of
    processes read one file.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # popen-gwN's parent: the run's own folder, shared by its workers
    folder = root / "sample_warehouse"
    folder.mkdir(exist_ok=True)
    db, built = folder / "warehouse.duckdb", folder / "built"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not built.exists():
            db.unlink(missing_ok=True)  # a build that failed in another worker starts again
            for command in (["ingest", str(SAMPLES)], ["build"]):
                result = subprocess.run(
                    [sys.executable, "-m", "ingest.cli", *command, "--db", str(db)],
                    capture_output=True, text=True, timeout=600,
                )  # fmt: skip
                assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            built.touch()
    return db
