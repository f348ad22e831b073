"""Projects across years and targets kept or moved, on a constructed two-year collection
(tests/documents/cross_year/, written for these tests): 上海市公积金管理中心's target forms for 2022
and 2023 and one 2023 self-evaluation.

- 住房公积金管理信息系统(运维) (2022) is printed 住房公积金管理信息系统运维 in 2023, whose 上年预算额
  1,200,000 is the 2022 form's 当年预算: linked through a candidate (Jaro 0.984).
- 房屋档案数字化 (2022) becomes 城建档案数字化加工 (2023): the budget agrees (800,000) but the names do
  not (0.639), so only a curated project_links row links them. The test adds that row to a copy of
  the project's seed, as an analyst would, and runs the real dbt build on the copy.
- 公积金政策宣传 runs both years under one name; its 2023 target form and self-evaluation differ in
  every way fct_target_drift tells apart: a target kept, loosened, tightened, dropped, added, and an
  indicator renamed (政策宣传覆盖人群比例 → 政策宣传覆盖人群占比).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

DOCUMENTS = REPO / "tests" / "documents" / "cross_year"
UNIT = "上海市公积金管理中心"
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "analyses", "tests/dbt")
# The candidates without their unit-year fingerprint, which holds the vars a test below changes.
CANDIDATES = (
    "select * exclude (unit_year_fingerprint) from intermediate.int_project_link_candidates order by all"
)


def name_project_id(project_name: str) -> str:
    """int_projects_deduplicated.project_id: md5 of the cleaned unit and project names."""
    return hashlib.md5(f"{UNIT}|{project_name}".encode()).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cross_year")
    project = root / "project"
    for part in PROJECT_PARTS:
        source, target = REPO / part, project / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    with (project / "seeds" / "project_links.csv").open("a", encoding="utf-8") as seed:
        seed.write(
            f"{name_project_id('城建档案数字化加工')},{name_project_id('房屋档案数字化')},link,"
            "城建档案数字化加工,房屋档案数字化,renamed in 2023; same budget line\n"
        )
    db = root / "warehouse.duckdb"
    ingest = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest", str(DOCUMENTS), "--db", str(db)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    dbt = Path(sys.executable).parent / "dbt"
    build = subprocess.run(
        [str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project), "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=project, env={**os.environ, "JIXIAO_DB": str(db)},
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:]
    return db


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_renamed_project_links_through_a_candidate(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select project_name, linked_project_name, name_similarity, has_budget_evidence, is_accepted "
        "from intermediate.int_project_link_candidates order by name_similarity desc",
    ) == [
        ("住房公积金管理信息系统运维", "住房公积金管理信息系统(运维)", 0.9837, True, True),
        # the budget agrees, the names do not: below both thresholds, not linked by itself
        ("城建档案数字化加工", "房屋档案数字化", 0.639, True, False),
    ]
    assert query(
        warehouse,
        "select project_names, n_names, project_id from marts.dim_projects where n_names > 1 order by all",
    ) == [
        (["2022: 住房公积金管理信息系统(运维)", "2023: 住房公积金管理信息系统运维"], 2,
         name_project_id("住房公积金管理信息系统(运维)")),
        (["2022: 房屋档案数字化", "2023: 城建档案数字化加工"], 2, name_project_id("房屋档案数字化")),
    ]  # fmt: skip
    assert query(warehouse, "select count(*) from marts.dim_projects") == [(3,)]


def test_curated_seed_row_links_what_no_candidate_would(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select link_source, count(*) from intermediate.int_project_links group by all order by all",
    ) == [("candidate", 1), ("curated", 1)]


def test_budget_yoy_finds_the_prior_form_across_renames(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select project_name, prior_form_project_name, is_prior_form_renamed, prior_year_budget_yuan, "
        "prior_form_budget_current_yuan, stated_vs_prior_form_diff_yuan, is_new "
        "from marts.fct_budget_yoy where fiscal_year = 2023 order by project_name",
    )
    assert rows == [
        ("住房公积金管理信息系统运维", "住房公积金管理信息系统(运维)", True,
         Decimal("1200000.00"), Decimal("1200000.00"), Decimal("0.00"), False),
        ("公积金政策宣传", "公积金政策宣传", False, Decimal("300000.00"), Decimal("300000.00"), Decimal("0.00"), False),
        ("城建档案数字化加工", "房屋档案数字化", True, Decimal("800000.00"), Decimal("800000.00"), Decimal("0.00"), False),
    ]  # fmt: skip
    # 2022 forms of renamed projects are not "ended": the project ran on under its new name
    assert query(
        warehouse, "select count(*) from marts.fct_budget_yoy where fiscal_year = 2022 and is_ended"
    ) == [(0,)]


def test_target_drift_kept_loosened_tightened_dropped_added_and_renamed(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select target_indicator_name, self_eval_indicator_name, match_method, drift_status, "
        "target_form_target, self_eval_target from marts.fct_target_drift "
        "order by coalesce(target_source_line, 1000), self_eval_source_line",
    )
    assert rows == [
        ("政策宣传次数", "政策宣传次数", "exact", "kept", ">=6次", "≥6次"),
        ("宣传材料合格率", "宣传材料合格率", "exact", "loosened", ">=95%", "≥90%"),
        ("咨询回复时间", "咨询回复时间", "exact", "tightened", "<=5天", "≤3天"),
        ("宣传资料印制数量", None, None, "dropped", ">=2000份", None),
        ("政策宣传覆盖人群比例", "政策宣传覆盖人群占比", "fuzzy", "kept", ">=80%", "≥80%"),
        ("服务对象满意度", "服务对象满意度", "exact", "kept", ">=90%", "≥90%"),
        (None, "新媒体推送篇数", None, "added", None, "≥50篇"),
    ]
    assert query(
        warehouse,
        "select project_name, fiscal_year, n_target_indicators, n_self_eval_indicators, n_kept, n_loosened, "
        "n_tightened, n_changed, n_dropped, n_added, n_renamed, kept_rate from marts.agg_project_target_drift",
    ) == [("公积金政策宣传", 2023, 6, 6, 3, 1, 1, 0, 1, 1, 1, 0.5)]


def test_self_evaluation_flags_full_marks_on_a_missed_target(warehouse: Path) -> None:
    # 新媒体推送篇数 ≥50篇, actual 48篇, and still 15 of 15 points
    assert query(
        warehouse,
        "select indicator_name, is_achieved, is_score_without_achievement, is_missed_without_reason "
        "from marts.fct_indicators where form_type = 'self_eval' and is_achieved = false",
    ) == [("新媒体推送篇数", False, True, True)]
    assert query(
        warehouse,
        "select total_score_stated, total_score_computed, mismatches from marts.fct_self_eval_scores",
    ) == [(Decimal("99.75"), Decimal("99.75"), ["未达成仍满分"])]


def test_a_large_unit_compares_only_names_sharing_a_selective_key(warehouse: Path, tmp_path: Path) -> None:
    # Under project_link_max_pairs_per_unit_year every unit-year counts as large: a pair must share a
    # two-character piece of the names or the evidence's amount. Both renames share one (信息, 档案), so
    # the candidates are those of the full comparison; with no key allowed there are none.
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, db)
    project = warehouse.parent / "project"
    dbt = Path(sys.executable).parent / "dbt"

    def candidates(max_pairs_per_key: int) -> list[tuple]:
        run = subprocess.run(
            [str(dbt), "run", "--project-dir", str(project), "--profiles-dir", str(project), "--quiet",
             "--select", "int_project_link_candidates", "--target-path", str(tmp_path / "target"),
             "--vars", f"{{project_link_max_pairs_per_unit_year: 0, project_link_max_pairs_per_key: {max_pairs_per_key}}}"],
            capture_output=True, text=True, timeout=600, cwd=project, env={**os.environ, "JIXIAO_DB": str(db)},
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:]
        return query(db, CANDIDATES)

    full = query(warehouse, CANDIDATES)
    assert len(full) == 2
    assert candidates(max_pairs_per_key=400) == full
    assert candidates(max_pairs_per_key=0) == []
