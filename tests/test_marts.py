"""The marts an analyst reads, on the bundled samples: categories decided by the indicator's name
where the labels leave them open, a unit rollup whose columns reconcile, the budget-line and
form-quality marts, and provenance (source file and line) on the exported marts.

Values asserted here were read off the sample documents by a person.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("marts") / "warehouse.duckdb"
    ingest = jixiao("ingest", str(SAMPLES), "--db", str(db))
    assert ingest.returncode in (0, 1), ingest.stderr
    build = jixiao("build", "--db", str(db))
    assert build.returncode == 0, build.stdout[-3000:]
    return db


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_2018_satisfaction_indicators_are_decided_by_their_names(warehouse: Path) -> None:
    # 003 prints 用户满意度, 各区县使用满意度 … under 效果目标 with no 二级 (the `效果目标,*` rule)
    rows = query(
        warehouse,
        "select indicator_name, canonical_level1, category_source from marts.fct_indicators "
        "where fiscal_year = 2018 and level1 = '效果目标' and indicator_name like '%满意度%' order by all",
    )
    assert len(rows) == 7
    assert {(level1, source) for _, level1, source in rows} == {("满意度指标", "name")}
    (others,) = query(
        warehouse,
        "select count(*) from marts.fct_indicators where fiscal_year = 2018 and level1 = '效果目标' "
        "and indicator_name not like '%满意%' and (canonical_level1, category_source) != ('效益指标', 'default')",
    )
    assert others == (0,)
    coverage = query(
        warehouse,
        "select n_projects_total, n_projects_covered, n_indicators from marts.agg_indicator_coverage "
        "where fiscal_year = 2018 and form_type = 'target' and canonical_level1 = '满意度指标'",
    )
    assert coverage == [(4, 4, 7)]
    core = query(
        warehouse, "select distinct core_coverage_rate from marts.agg_unit_rollup where fiscal_year = 2018"
    )
    assert core == [(1.0,)]


def test_printed_labels_decide_where_they_are_specific(warehouse: Path) -> None:
    sources = dict(
        query(warehouse, "select category_source, count(*) from marts.fct_indicators group by all")
    )
    assert set(sources) == {"label", "name", "default"}
    # 002 (national labels throughout): every category comes from the labels
    assert query(
        warehouse,
        "select distinct category_source from marts.fct_indicators where fiscal_year = 2024",
    ) == [("label",)]


def test_unit_rollup_names_comparable_figures_and_reconciles(warehouse: Path) -> None:
    # the issue's example: 3 of the 6 projects state both years
    (row,) = query(
        warehouse,
        "select n_projects, total_current_budget_yuan, total_prior_year_budget_yuan, total_budget_change_yuan, "
        "n_comparable_projects, comparable_current_budget_yuan, comparable_prior_year_budget_yuan, "
        "comparable_yoy_delta_yuan from marts.agg_unit_rollup "
        "where unit_name like '上海市城市综合管理事务中心%' and fiscal_year = 2020",
    )
    assert row == (
        6,
        Decimal("751840000.00"),
        Decimal("585980000.00"),
        Decimal("165860000.00"),
        3,
        Decimal("450410000.00"),
        Decimal("585980000.00"),
        Decimal("-135570000.00"),
    )
    # nothing is dropped: the form of 000 that prints no unit has its own row, and the totals match fct_budget_yoy
    assert query(
        warehouse,
        "select unit_name, unit_id, total_current_budget_yuan from marts.agg_unit_rollup where is_unknown_unit",
    ) == [("单位不详", None, Decimal("18535740.00"))]
    assert query(warehouse, "select sum(total_current_budget_yuan) from marts.agg_unit_rollup") == query(
        warehouse, "select sum(budget_current_yuan) from marts.fct_budget_yoy"
    )


def test_unit_rollup_self_evaluation_year_uses_full_year_figures(warehouse: Path) -> None:
    (row,) = query(
        warehouse,
        "select total_current_budget_yuan, total_full_year_budget_yuan, total_executed_yuan, weighted_execution_rate "
        "from marts.agg_unit_rollup where fiscal_year = 2024",
    )
    current, full_year, executed, rate = row
    assert current is None
    assert full_year == Decimal("471247800.00") and executed == Decimal("470992600.00")
    assert rate == pytest.approx(float(executed / full_year), abs=1e-6)


def test_indicators_per_project_counts_projects(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select r.indicators_per_project, round(count(i.indicator_id) / count(distinct i.project_id), 2) "
        "from marts.agg_unit_rollup as r join marts.fct_indicators as i "
        "on r.unit_id = i.unit_id and r.fiscal_year = i.fiscal_year group by all",
    )
    assert rows and all(per_project == expected for per_project, expected in rows)


def test_budget_items_mart_has_every_line_in_yuan(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select source_file, count(*), sum(amount_yuan), bool_and(items_add_up) from marts.fct_budget_items "
        "group by all order by all",
    )
    # 003: 子项目 lines of four forms (3 + 1 + 1 + 15); 004: five 项目构成 lines, 296 万元
    assert rows == [
        ("003_897400f29f10574e.txt", 20, Decimal("14937344.00"), True),
        ("004_32c8326197e9c2c6.txt", 5, Decimal("2960000.00"), True),
    ]


def test_form_quality_has_one_row_per_form_found(warehouse: Path) -> None:
    assert query(warehouse, "select count(*) from marts.fct_form_quality") == query(
        warehouse, "select count(*) from raw.projects"
    )
    # 000 and 001 print the same four forms: the copies the marts do not use are still listed
    assert query(
        warehouse,
        "select source_file, count(*) from marts.fct_form_quality where not is_used_in_marts group by all",
    ) == [("001_2ab2fb072167c06b.txt", 4)]
    (truncated,) = query(
        warehouse,
        "select is_complete, missing_fields, issue_codes, source_line from marts.fct_form_quality "
        "where source_file = '000_cce70094bf5820ab.txt' and not is_complete",
    )
    assert truncated == (False, ["单位名称", "项目名称"], ["form_truncated_start"], 3)
    # every sample self-evaluation adds up: 执行率, Σ 分值 = 100, Σ 得分 + execution score = 总分
    assert query(
        warehouse,
        "select count(*), count(*) filter (where execution_rate_holds and weights_sum_to_100 "
        "and total_score_adds_up and arithmetic_holds) from marts.fct_form_quality where form_type = 'self_eval'",
    ) == [(15, 15)]
    issues = query(
        warehouse,
        "select sum(n_issue_errors + n_issue_warnings + n_issue_infos) from marts.fct_form_quality",
    )
    assert issues == query(warehouse, "select count(*) from raw.parse_issues where project_key is not null")


def test_exported_marts_carry_source_file_and_line(warehouse: Path) -> None:
    for mart in ("dim_projects", "fct_indicators", "fct_execution", "fct_budget_yoy", "fct_form_quality",
                 "fct_budget_items"):  # fmt: skip
        (missing,) = query(
            warehouse,
            f"select count(*) filter (where source_file is null or source_line is null) from marts.{mart}",
        )[0]
        assert missing == 0, mart
    assert query(
        warehouse,
        "select source_file, source_line from marts.fct_indicators "
        "where indicator_name = '居民满意度' and project_name = '住宅小区建设“美丽家园”三年行动计划'",
    ) == [("004_32c8326197e9c2c6.txt", 56)]
