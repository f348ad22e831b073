"""The marts an analyst reads, on the bundled samples: categories decided by the indicator's name
where the labels leave them open, a unit rollup whose columns reconcile, the budget-line and
form-quality marts, and provenance (source file and line) on the exported marts.

Values asserted here were read off the sample documents by a person.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def warehouse(sample_warehouse: Path) -> Path:
    return sample_warehouse


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
    # every sample self-evaluation adds up: 执行率, Σ 分值 = 100, Σ 得分 + execution score = 总分;
    # form 13 of 002 prints no 总分 (line 401), so that check does not apply to it
    assert query(
        warehouse,
        "select count(*), count(*) filter (where execution_rate_holds and weights_sum_to_100 "
        "and total_score_adds_up is not false and arithmetic_holds) from marts.fct_form_quality "
        "where form_type = 'self_eval'",
    ) == [(15, 15)]
    assert query(
        warehouse,
        "select source_line from marts.fct_form_quality where form_type = 'self_eval' and total_score_adds_up is null",
    ) == [(373,)]
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


def test_self_eval_scores_side_by_side_on_002(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select source_line, total_score_stated, total_score_computed, total_score, grade_stated, grade_implied "
        "from marts.fct_self_eval_scores where source_file = '002_abc6290ce127bb5c.txt' order by source_line",
    )
    assert len(rows) == 15
    by_line = {row[0]: row[1:] for row in rows}
    # line 401: 总分 printed blank; 60 + 28 indicator points + 9.74 for 97.40 % execution (lines 374-379)
    assert by_line[373] == (None, Decimal("97.74"), Decimal("97.74"), "优", "优")
    # lines 404-421: nothing spent (执行率 0.00), 24 + 30 + 20 + 0 + 15 = 89.00 printed, 评分等级 良
    assert by_line[404] == (Decimal("89.00"), Decimal("89.00"), Decimal("89.00"), "良", "良")
    # line 107: 执行率 98.02 % scores 9.80; 98.60 printed
    assert by_line[107][:2] == (Decimal("98.60"), Decimal("98.60"))
    # every printed 总分 of 002 equals the recomputed one, every grade its band, every Σ 分值 100
    assert query(
        warehouse,
        "select count(*) filter (where is_total_score_mismatch), count(*) filter (where is_grade_mismatch), "
        "count(*) filter (where is_weight_sum_mismatch), count(*) filter (where not is_total_score_stated) "
        "from marts.fct_self_eval_scores",
    ) == [(0, 0, 0, 1)]


def test_self_eval_mismatches_on_002_are_in_the_source_text(warehouse: Path) -> None:
    # Each row checked by a person against data/samples/002: the actual says the target was met
    # (达成指标, or 95.00(%) against ≥90(%)) and the 得分 is below the 分值, with a 偏差原因 beside it.
    rows = query(
        warehouse,
        "select i.source_line, i.target, i.actual, i.weight, i.score, i.has_deviation_reason "
        "from marts.fct_indicators as i inner join marts.fct_self_eval_scores as s using (project_year_id) "
        "where s.has_mismatch and i.is_marked_down_when_achieved order by i.source_line",
    )
    assert rows == [
        (44, "建立健全", "达成指标", Decimal("8.00"), Decimal("7.00"), True),
        (73, "满意", "达成指标", Decimal("10.00"), Decimal("9.00"), True),
        (239, ">=90%", "达成指标", Decimal("8.00"), Decimal("7.00"), True),
        (283, "建立健全", "达成指标", Decimal("8.00"), Decimal("7.00"), True),
        (306, "≥90(%)", "95.00(%)", Decimal("10.00"), Decimal("8.00"), True),
        (356, "形成符合相关要求的技术方案", "达成指标", Decimal("10.00"), Decimal("9.00"), True),
        (440, ">=100%", "达成指标", Decimal("10.00"), Decimal("8.00"), True),
        (441, ">=100%", "达成指标", Decimal("10.00"), Decimal("9.00"), True),
    ]
    # and nothing else is flagged: no missed target got full marks in 002
    assert query(
        warehouse,
        "select count(*), count(*) filter (where has_mismatch and not has_marked_down_when_achieved) "
        "from marts.fct_self_eval_scores where has_mismatch",
    ) == [(7, 0)]
    assert query(
        warehouse, "select count(*) from marts.fct_indicators where is_score_without_achievement"
    ) == [(0,)]


def test_is_achieved_is_filled_for_every_quantitative_self_eval_indicator(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select count(*), count(is_achieved) from marts.fct_indicators where form_type = 'self_eval' and is_quantitative",
    ) == [(141, 141)]
    rows = query(
        warehouse,
        "select source_line, target, actual, is_achieved, achievement_source, is_missed_without_reason "
        "from marts.fct_indicators where source_line in (13, 414, 417) and source_file like '002%' order by 1",
    )
    assert rows == [
        (13, "≥95.00(%)", "90.00(%)", False, "value", False),  # line 13: missed, a 偏差原因 given
        (414, "=100(%)", "100.00(%)", True, "value", None),  # line 414: 竞赛活动完成率
        (417, "=1.00(次)", "0.00(次)", False, "value", False),  # line 417: 宣传材料制作, 0 of 1 point
    ]
