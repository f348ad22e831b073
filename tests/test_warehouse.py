"""The whole warehouse on the real samples: `jixiao ingest` → `jixiao build` (real dbt) → `jixiao export`.

Values asserted here were read off the source documents by a person.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import MARTS, RAW_TABLES


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def warehouse(sample_warehouse: Path) -> Path:
    return sample_warehouse  # ingested (000 is partial: a warning, exit 0) and built by conftest


@pytest.fixture(scope="module")
def exported(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = jixiao("export", "--db", str(warehouse), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_contract_table_exists_in_its_schema(warehouse: Path) -> None:
    tables = set(query(warehouse, "select table_schema, table_name from information_schema.tables"))
    assert {("raw", t) for t in RAW_TABLES} <= tables
    assert {("marts", m) for m in MARTS} <= tables
    schemas = {s for (s,) in query(warehouse, "select distinct schema_name from information_schema.schemata")}
    assert {"raw", "staging", "intermediate", "marts"} <= schemas


def test_the_issue_example_figure(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select budget_current_yuan, prior_year_budget_yuan, yoy_delta_yuan, round(yoy_delta_rate, 4), "
        "typeof(budget_current_yuan) from marts.fct_budget_yoy "
        "where unit_name = '上海市房屋管理局' and project_name = '房屋物业管理监督管理' and fiscal_year = 2020",
    )
    assert rows == [
        (Decimal("26470288.00"), Decimal("28926746.00"), Decimal("-2456458.00"), -0.0849, "DECIMAL(18,2)")
    ]


def test_forms_shared_by_000_and_001_are_counted_once_with_both_sources(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select project_name, n_sources, len(source_document_ids) from marts.fct_budget_yoy "
        "where unit_name = '上海市房屋管理局' and fiscal_year = 2020 order by project_name",
    )
    assert len(rows) == 4
    assert all(n == 2 and k == 2 for _, n, k in rows), rows
    reasons = query(
        warehouse,
        "select distinct winner_reason, has_conflicting_figures from marts.fct_budget_yoy "
        "where unit_name = '上海市房屋管理局' and fiscal_year = 2020",
    )
    # 000 and 001 print the same figures and indicators, so the tie-break decides and says so
    assert reasons == [("tie on completeness, indicators and budget figures; smallest document_id", False)]
    (n_indicators,) = query(
        warehouse,
        "select count(*) from marts.fct_indicators where unit_name = '上海市房屋管理局' and fiscal_year = 2020",
    )[0]
    assert n_indicators == 19 + 33 + 19 + 17  # once, not twice


def test_blank_prior_year_budget_is_null_not_zero(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select budget_current_yuan, prior_year_budget_yuan, yoy_delta_yuan, yoy_delta_rate, is_new "
        "from marts.fct_budget_yoy where project_name = '2020年度道路照明老旧灯杆灯具整治工程'",
    )
    assert rows == [(Decimal("13900000.00"), None, None, None, True)]


def test_district_form_in_wan_yuan_is_converted_to_yuan(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select budget_total_yuan, budget_current_yuan from marts.fct_budget_yoy "
        "where unit_name = '上海市闵行区新虹街道房管办事处'",
    )
    assert rows == [(Decimal("2960000.00"), Decimal("2960000.00"))]
    (level,) = query(
        warehouse, "select unit_level from marts.dim_units where unit_name = '上海市闵行区新虹街道房管办事处'"
    )
    assert level == ("街镇",)


def test_old_shanghai_categories_map_onto_the_national_framework(warehouse: Path) -> None:
    rows = dict(
        (name, (l1, l2))
        for name, l1, l2 in query(
            warehouse,
            "select indicator_name, canonical_level1, canonical_level2 from marts.fct_indicators "
            "where project_name = '行政审批评估评审项目经费'",
        )
    )
    assert rows["“三新”技术用于环境保护治理水平"] == ("效益指标", "生态效益指标")  # 效果目标/环境效益
    assert rows["管理部门满意度"] == ("满意度指标", "服务对象满意度指标")  # 效果目标/满意度
    assert rows["“三新”技术研发人才发展"] == ("效益指标", "可持续影响指标")  # 影响力目标/长效管理


def test_rates_are_fractions(warehouse: Path) -> None:
    (rate,) = query(
        warehouse,
        "select prior_year_execution_rate from marts.fct_execution "
        "where project_name = '房屋物业管理监督管理' and fiscal_year = 2020",
    )[0]
    assert rate == 1.0
    (max_coverage,) = query(warehouse, "select max(coverage_rate) from marts.agg_indicator_coverage")[0]
    assert 0 < max_coverage <= 1


def test_export_writes_every_mart_without_formulas_and_with_bom_csv(exported: Path) -> None:
    csvs = sorted(exported.glob("*.csv"))
    assert {p.stem for p in csvs} == MARTS
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csvs)
    assert {p.stem for p in exported.glob("*.parquet")} == MARTS
    with zipfile.ZipFile(exported / "marts.xlsx") as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(MARTS) + 1  # and the 说明 sheet
        assert not any(b"<f>" in xlsx.read(n) or b"<f " in xlsx.read(n) for n in sheets)
        assert "=100%" in xlsx.read("xl/sharedStrings.xml").decode("utf-8")
    indicators_csv = (exported / "fct_indicators.csv").read_text(encoding="utf-8-sig")
    assert ",＝100%," in indicators_csv and ",=100%" not in indicators_csv and "'=100%" not in indicators_csv
