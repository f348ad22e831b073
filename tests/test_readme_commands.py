"""Every command in README.md's code blocks, run exactly as written, does what the README says.

The commands are read from README.md itself (each line of a ``` block that starts with
`.venv/bin/`, `make ` or `$ `; a `$ ` line is followed by the output the README shows), so a
command added to the README without a check here, or a check whose command left the README,
fails `test_every_readme_command_is_checked`.

They run in a fresh workspace made like a clone: a copy of the samples, the expectation files and
the dbt project in tmp, with `.venv` linked to this repository's. The commands run through bash,
in the workspace, without $JIXIAO_DB, in README order, as a new user would type them: the
`jixiao` ones first (ingest, build and its dbt selections, export, check), then plain dbt and the
SQL one-liners on the warehouse they made. `make run` gets a workspace of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

README = REPO / "README.md"

# Copied into each workspace: what the commands read, as a fresh clone has it.
WORKSPACE_FILES = ("Makefile", "pyproject.toml", "requirements.lock", "dbt_project.yml", "profiles.yml")
WORKSPACE_FOLDERS = ("data/samples", "tests/expected", "models", "seeds", "macros", "analyses", "tests/dbt")

COMMAND_PREFIXES = (".venv/bin/", "make ")
# README commands not run here, and why.
NOT_RUN = {
    "make test": "it is this test suite (and ruff and sqlfluff); its dbt build of the samples is conftest's sample_warehouse",
    "make test-spark": "it is the Spark test suite (tests/test_spark_*.py), which .ci/run runs after `make test`",
    ".venv/bin/dbt docs generate && .venv/bin/dbt docs serve": "`docs serve` is a web server that runs until stopped",
    ".venv/bin/duckdb -readonly warehouse.duckdb": "an interactive shell; tests/test_readme_questions.py feeds it SQL",
}
SCREEN = 60  # lines


# --- the README -----------------------------------------------------------------------------------


def readme_commands(text: str) -> dict[str, list[str]]:
    """Each command of the README's code blocks → the output lines the README shows for it (often none)."""
    commands: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block, current = not in_block, None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            current = commands.setdefault(strip_comment(line[2:]), [])
            current.clear()
        elif line.startswith(COMMAND_PREFIXES):
            commands.setdefault(strip_comment(line), [])
            current = None
        elif current is not None:
            current.append(line)
    return commands


def strip_comment(line: str) -> str:
    return re.sub(r"\s{2,}#.*$", "", line).strip()


def readme_block_starting(prefix: str) -> list[str]:
    """The lines of the README's code block whose first line starts with prefix."""
    blocks = re.findall(r"```\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    (block,) = [b for b in blocks if b.startswith(prefix)]
    return block.splitlines()


def as_pattern(line: str) -> str:
    """A README output line as a regex in which every number may differ (counts grow with the project)."""
    return "^" + re.sub(r"\d[\d,]*", r"[\\d,]+", re.escape(line)) + "$"


# --- running them ---------------------------------------------------------------------------------


def make_workspace(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in WORKSPACE_FILES:
        shutil.copy2(REPO / name, root / name)
    for name in WORKSPACE_FOLDERS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    if (REPO / "tests" / "fixtures").is_dir():  # dbt's unit-test fixtures, if the project has any
        shutil.copytree(REPO / "tests" / "fixtures", root / "tests" / "fixtures")
    (root / ".venv").symlink_to(REPO / ".venv")
    # make's setup target rebuilds .venv when pyproject.toml or the lock is newer: these copies are not
    for name in ("pyproject.toml", "requirements.lock"):
        os.utime(root / name, (0, 0))
    return root


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("JIXIAO_DB", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    if "DBT_TARGET_PATH" in env:  # a parallel worker's (conftest): the README's paths are the clone's
        env.update(DBT_TARGET_PATH=str(cwd / "target"), DBT_LOG_PATH=str(cwd / "logs"))
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def commands() -> dict[str, list[str]]:
    return readme_commands(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("readme") / "clone")


@pytest.fixture(scope="module")
def results(commands: dict[str, list[str]], workspace: Path) -> dict[str, subprocess.CompletedProcess]:
    """Every checked command but `make run`, in README order, in one workspace."""
    return {
        command: run(command, workspace)
        for command in commands
        if command in CHECKS and command != "make run"
    }


# --- what each command does, as the README says ------------------------------------------------


def marts(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            name
            for (name,) in con.sql(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_name not like '%__dbt_%' order by 1"
            ).fetchall()
        ]


BUILD_LINE = re.compile(
    r"^dbt build: PASS=(\d+) WARN=(\d+) ERROR=0 SKIP=0(?: NO-OP=\d+)? TOTAL=(\d+) \((.*)\) in [\d.]+ s$", re.M
)


def built(result: subprocess.CompletedProcess) -> dict[str, int]:
    """What a successful `jixiao build` built, from its summary line: {"models": 17, "data tests": 222, …}."""
    match = BUILD_LINE.search(result.stdout)
    assert match, result.stdout[-3000:] + result.stderr[-3000:]
    kinds = {}
    for part in match[4].split(", "):
        n, kind = part.split(" ", 1)
        kinds[kind.removesuffix("s")] = int(n)
    return kinds


def check_ingest(result, ws, readme_output) -> None:
    assert result.returncode == 0, result.stderr  # a partial document is a warning, not a failure
    assert (ws / "warehouse.duckdb").is_file()
    lines = result.stdout.splitlines()
    assert len(lines) == len(readme_output), result.stdout
    for got, shown in zip(lines, readme_output, strict=True):
        if shown.startswith("issues: "):  # how many repairs the parsers announce changes with them
            assert re.fullmatch(r"issues: 0 error, \d+ warning, \d+ info", got), got
        else:
            assert got == shown


def check_build(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    kinds = built(result)
    assert kinds["model"] >= len(marts(ws / "warehouse.duckdb")) >= 7
    assert kinds["seed"] and kinds["data test"] and kinds["unit test"]
    assert len(result.stdout.splitlines()) < SCREEN  # quiet: no line per node
    assert "\x1b[" not in result.stdout


def check_select_one_mart(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    kinds = built(result)
    assert kinds["model"] == 1 and "seed" not in kinds  # fct_budget_yoy and its tests, nothing else


def check_select_marts(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert built(result)["model"] == len(marts(ws / "warehouse.duckdb"))


def check_select_descendants(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert built(result)["model"] >= 1


def check_export(result, ws, _) -> None:
    assert result.returncode == 0, result.stderr
    names = marts(ws / "warehouse.duckdb")
    out = ws / "out"
    assert (out / "marts.xlsx").is_file()
    for fmt in ("csv", "parquet"):
        assert sorted(p.stem for p in out.glob(f"*.{fmt}")) == names
    shown = readme_block_starting("export: ")
    warnings = [line for line in shown if line.startswith("jixiao: warning: ")]  # stderr, shown last
    shown = [line for line in shown if line not in warnings]
    assert result.stderr.splitlines() == warnings
    lines = result.stdout.splitlines()
    assert len(lines) == len(shown), result.stdout
    for got, line in zip(lines, shown, strict=True):
        assert re.match(as_pattern(line), got), (got, line)
    assert f"export: {len(names)} marts" in lines[0]
    # no project-year of the samples has both forms: the README shows the drift marts' warning
    assert warnings == [
        "jixiao: warning: 2 of 12 marts are empty: agg_project_target_drift, fct_target_drift"
    ]


def check_export_two_formats(result, ws, _) -> None:
    assert result.returncode == 0, result.stderr
    assert "out/marts.xlsx" in result.stdout and "out/<mart>.csv" in result.stdout
    assert ".parquet" not in result.stdout  # both formats kept, and only those


def check_report(result, ws, _) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stdout == "report: 8 sections, 6 charts, to report.html\n"
    assert "<h2>自评分数核查</h2>" in (ws / "report.html").read_text(encoding="utf-8")


def check_report_out(result, ws, _) -> None:
    assert result.returncode == 0, result.stderr
    assert (ws / "out" / "report.html").is_file()


def check_accuracy_report(result, ws, readme_output) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert readme_output, "the README shows the report"
    assert result.stdout.splitlines()[-len(readme_output) :] == readme_output


def check_check(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("TOTAL")


def check_version(result, ws, _) -> None:
    assert result.returncode == 0 and re.match(r"jixiao \d+\.\d+\.\d+ \(parser ", result.stdout)


def check_plain_dbt_build(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:]
    assert "ERROR=0" in result.stdout


def check_prints_a_table(result, ws, _) -> None:
    assert result.returncode == 0, result.stderr
    assert "│" in result.stdout, result.stdout  # DuckDB's printed table


def check_dbt_compile(result, ws, _) -> None:
    assert result.returncode == 0, result.stdout[-3000:]
    assert (ws / "target/compiled/jixiao/analyses/largest_yoy_cuts_by_unit.sql").is_file()


CHECKS: dict[str, Callable] = {
    "make run": None,  # test_make_run_fits_on_a_screen
    ".venv/bin/jixiao ingest data/samples": check_ingest,
    ".venv/bin/jixiao build": check_build,
    ".venv/bin/jixiao build --select fct_budget_yoy": check_select_one_mart,
    ".venv/bin/jixiao build --select marts": check_select_marts,
    ".venv/bin/jixiao build --select fct_budget_yoy+": check_select_descendants,
    ".venv/bin/jixiao export": check_export,
    ".venv/bin/jixiao export --format xlsx --format csv --out out": check_export_two_formats,
    ".venv/bin/jixiao report": check_report,
    ".venv/bin/jixiao check": check_check,
    ".venv/bin/jixiao --version": check_version,
    ".venv/bin/dbt build": check_plain_dbt_build,
    ".venv/bin/python -c \"import duckdb; print(duckdb.connect('warehouse.duckdb', read_only=True)"
    ".sql('from marts.fct_budget_yoy limit 5'))\"": check_prints_a_table,
    ".venv/bin/dbt compile --select analyses/largest_yoy_cuts_by_unit.sql": check_dbt_compile,
    ".venv/bin/python -c \"import duckdb,sys; print(duckdb.connect('warehouse.duckdb', read_only=True)"
    '.sql(open(sys.argv[1]).read()))" target/compiled/jixiao/analyses/largest_yoy_cuts_by_unit.sql': (
        check_prints_a_table
    ),
    ".venv/bin/jixiao ingest data/samples && .venv/bin/jixiao check": check_accuracy_report,
    '.venv/bin/duckdb warehouse.duckdb -c "from marts.agg_unit_rollup limit 3"': check_prints_a_table,
    ".venv/bin/jixiao report --out out/report.html": check_report_out,
    ".venv/bin/python -c \"import duckdb; print(duckdb.connect('warehouse.duckdb', read_only=True)"
    ".sql('from test_failures.assert_execution_rate_matches_stated'))\"": check_prints_a_table,
}


def test_every_readme_command_is_checked(commands: dict[str, list[str]]) -> None:
    unchecked = [c for c in commands if c not in CHECKS and c not in NOT_RUN]
    assert not unchecked, f"README commands without a check in {__name__}: {unchecked}"
    gone = [c for c in [*CHECKS, *NOT_RUN] if c not in commands]
    assert not gone, f"checks of commands no longer in the README: {gone}"


@pytest.mark.parametrize("command", [c for c in CHECKS if c != "make run"])
def test_readme_command_does_what_the_readme_says(
    command: str, commands: dict[str, list[str]], results, workspace: Path
) -> None:
    if command not in results:
        pytest.fail(f"not in the README: {command}")
    CHECKS[command](results[command], workspace, commands[command])


def test_make_run_fits_on_a_screen(commands: dict[str, list[str]], tmp_path: Path) -> None:
    assert "make run" in commands
    ws = make_workspace(tmp_path / "clone")
    result = run("make run", ws)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    lines = output.splitlines()
    assert len(lines) < SCREEN, output
    assert "\x1b[" not in output  # no colour codes when redirected
    # the ingest summary, the build's summary line, where the files are
    assert any(line.startswith("reconciliation: 5 seen = ") for line in lines)
    assert any(line.startswith("in the warehouse now: 5 documents") for line in lines)
    assert built(result)["model"] >= 7
    assert any(line.startswith("export: ") and line.endswith("to out/") for line in lines)
    assert "  out/marts.xlsx" in lines
    assert (ws / "out" / "marts.xlsx").is_file() and (ws / "warehouse.duckdb").is_file()
    assert "report: 8 sections, 6 charts, to out/report.html" in lines
    # the README's shell one-liner works on what `make run` left
    shell = run('.venv/bin/duckdb warehouse.duckdb -c "from marts.agg_unit_rollup limit 3"', ws)
    assert shell.returncode == 0 and "上海市" in shell.stdout, shell.stderr
