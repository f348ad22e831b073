"""README's "Ad-hoc SQL: the DuckDB shell and five questions": every `sql` block of that section
runs through the venv's DuckDB shell (.venv/bin/duckdb, the duckdb-cli package) on the samples,
and answers what the README says it answers (values read off the sample documents).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import REPO

SECTION = "### Ad-hoc SQL: the DuckDB shell and five questions"
DUCKDB = Path(sys.executable).parent / "duckdb"


def questions() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"\*\*(\d\. [^*]+)\*\*\n\n```sql\n(.*?)```", section, flags=re.S)
    return [(title, sql) for title, sql in found]


def ask(db: Path, sql: str) -> list[dict]:
    result = subprocess.run(
        [str(DUCKDB), "-readonly", "-json", str(db)], input=sql, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout or "[]")


def test_the_shell_is_the_librarys_version() -> None:
    assert version("duckdb-cli") == version("duckdb")
    result = subprocess.run([str(DUCKDB), "-version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and f"v{version('duckdb')}" in result.stdout


def test_readme_has_five_questions() -> None:
    assert [title[:2] for title, _ in questions()] == ["1.", "2.", "3.", "4.", "5."]


@pytest.fixture(scope="module")
def answers(sample_warehouse: Path) -> list[list[dict]]:
    return [ask(sample_warehouse, sql) for _, sql in questions()]


def test_largest_like_for_like_cuts(answers) -> None:
    first = answers[0][0]
    assert (first["unit_name"], first["fiscal_year"], first["n_comparable_projects"]) == (
        "上海市城市综合管理事务中心（上海市地下管线监察事务中心）", 2020, 3,
    )  # fmt: skip
    assert Decimal(str(first["comparable_yoy_delta_yuan"])) == Decimal("-135570000")
    assert len(answers[0]) == 5 and all(Decimal(str(r["comparable_yoy_delta_yuan"])) < 0 for r in answers[0])


def test_self_evaluations_that_do_not_add_up(answers) -> None:
    rows = answers[1]
    assert [r["source_line"] for r in rows] == [21, 49, 213, 243, 291, 343, 373, 423]
    blank = next(r for r in rows if r["source_line"] == 373)  # 002 form 13: 总分 printed blank
    assert blank["total_score_stated"] is None and Decimal(str(blank["total_score_computed"])) == Decimal(
        "97.74"
    )
    assert all(r["mismatches"] == ["达成仍扣分"] for r in rows if r["source_line"] != 373)


def test_indicators_scored_against_their_result(answers) -> None:
    assert [r["source_line"] for r in answers[2]] == [44, 73, 239, 283, 306, 356, 440, 441]
    line_306 = answers[2][4]
    assert (line_306["indicator_name"], line_306["target"], line_306["actual"]) == (
        "政策群体满意度",
        "≥90(%)",
        "95.00(%)",
    )


def test_projects_below_90_percent_execution(answers) -> None:
    (row,) = answers[3]
    assert (row["project_name"], row["execution_rate"], row["grade_stated"]) == (
        "屋管理事实立功竞赛",
        0.0,
        "良",
    )
    assert Decimal(str(row["total_score"])) == Decimal("89.00")


def test_satisfaction_coverage_by_year(answers) -> None:
    assert [
        (r["fiscal_year"], r["form_type"], r["n_projects_total"], r["n_projects_covered_level1"])
        for r in answers[4]
    ] == [(2018, "target", 4, 4), (2020, "target", 29, 23), (2024, "self_eval", 15, 15)]
