"""Layouts beyond the five samples: every constructed document against its hand-written expectation.

tests/documents/constructed_<shape>.txt are typed from the structure of real forms in shapes the
samples do not show (tests/expected/README.md lists them): the national 产出/效益/满意度/成本
framework with its own budget labels (年度资金总额, 年度本级预算金额, 中期资金总额, 调整后预算数,
预算执行数, 资金总额), 万 written inside a cell, a target split into 指标性质 / 指标值 / 度量单位, a form
flattened onto one line, a table copied one cell per line, forms cut off part-way. Each has its
expectation beside it (`.json`, the tests/expected format). The tests glob the folder, so a new
constructed document is held to its expectation as soon as it is added.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import pytest
from expectations import load_expectation

from ingest.accuracy import accuracy_report
from ingest.detect import detect_layout
from ingest.parse import parse_bytes, parse_path

TESTS = Path(__file__).resolve().parent
DOCUMENTS = TESTS / "documents"
SAMPLES = TESTS.parent / "data" / "samples"
CONSTRUCTED = sorted(DOCUMENTS.glob("constructed_*.txt"))


@cache
def parsed(path: Path):
    return parse_path(path)


def codes(path: Path, code: str) -> list[tuple[int | None, int | None]]:
    return [(issue.line_no, issue.form_seq) for issue in parsed(path).issues if issue.code == code]


def test_there_are_constructed_documents_with_expectations():
    assert len(CONSTRUCTED) >= 10
    assert all(path.with_suffix(".json").exists() for path in CONSTRUCTED)
    for path in CONSTRUCTED:
        assert load_expectation(path.with_suffix(".json"))["document"] == path.name


# --- (1) every constructed document parses (tests/test_expectations.py: exactly as its expectation says) ---


@pytest.mark.parametrize("path", CONSTRUCTED, ids=lambda p: p.stem)
def test_constructed_document_is_never_an_error(path: Path):
    """Parsed (or partial, for a visibly cut-off form), with no error issue."""
    document = parsed(path)
    assert document.layout != "unknown"
    assert not [issue for issue in document.issues if issue.severity.value == "error"]
    cut_off = any(
        form.get("is_complete") is False for form in load_expectation(path.with_suffix(".json"))["forms"]
    )
    assert document.status.value == ("partial" if cut_off else "parsed")


# --- (2) the real CLI and the accuracy report ---------------------------------------------------------


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args],
        capture_output=True,
        text=True,
        cwd=TESTS.parent,
        timeout=300,
    )


def test_constructed_documents_through_the_cli_score_full_marks(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", *map(str, CONSTRUCTED), "--db", str(db))
    assert result.returncode == 0, result.stderr  # some forms are (rightly) partial: warnings, not failures
    assert f"files: {len(CONSTRUCTED)} seen, {len(CONSTRUCTED)} documents parsed" in result.stdout
    scores, total = accuracy_report(db, DOCUMENTS)
    assert len(scores) == len(CONSTRUCTED)
    problems = [problem for score in scores for problem in score.problems]
    assert problems == []
    assert total.forms_found == total.forms_expected > 0
    assert total.forms_spurious == 0
    assert total.fields_right == total.fields_total > 0
    assert total.indicators_found == total.indicators_expected > 0
    assert total.indicators_right == total.indicators_found
    check = jixiao("check", "--db", str(db), "--expected", str(DOCUMENTS))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "100.00 %" in check.stdout.splitlines()[-1]


# --- (3) nothing under tests/ or the samples crashes a parser ------------------------------------------

INPUTS = sorted({*SAMPLES.glob("*.txt"), *TESTS.rglob("*.txt")})


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_no_input_crashes_a_parser(path: Path):
    document = parsed(path)
    assert [issue.message for issue in document.issues if issue.code == "parser_crashed"] == []


# --- what each shape exercises, checked on its own lines -----------------------------------------------


def test_layouts_are_detected_by_structure():
    layouts = {path.stem.removeprefix("constructed_"): parsed(path).layout for path in CONSTRUCTED}
    assert layouts["tsv_national"] == "tsv_target"
    assert layouts["tsv_cut_off"] == "tsv_target"
    assert layouts["flat_target"] == "flat_target"
    assert layouts["cell_lines_target"] == "cell_lines_target"
    assert layouts["self_eval_split_target"] == "tsv_self_eval"


def test_national_budget_labels_and_wan_in_cells():
    path = DOCUMENTS / "constructed_tsv_national.txt"
    first, second = parsed(path).forms
    # line 5: 项目资金（万元） | 年度资金总额： | 250万 — the heading states the unit, the cell repeats it
    assert (first.amount_unit, first.budget_current) == ("万元", Decimal("250"))
    # line 23: 中期资金总额 | 48万元 | 年度本级预算金额 | 16万元 — no heading: the cells carry the unit
    assert (second.budget_total, second.budget_current, second.amount_unit) == (
        Decimal("48"),
        Decimal("16"),
        "万元",
    )
    assert codes(path, "amount_unit_from_cell") == [(23, 2)]
    # line 14: 成本指标 followed by 经济成本指标 is the 101号 一级, not a 二级 under 产出指标
    assert (first.indicators[4].level1, first.indicators[4].level2) == ("成本指标", "经济成本指标")


def test_target_split_over_three_cells_is_composed_and_noted():
    tsv = DOCUMENTS / "constructed_tsv_national.txt"
    rows = {row.name: row.target for row in parsed(tsv).forms[1].indicators}
    assert rows["培训人次"] == "≥800人次"  # line 26: ≥ | 800 | 人次
    assert rows["护理员持证上岗机制"] == "长效"  # line 31: 定性 | 长效 | (blank): 定性 is not a sign
    assert len(codes(tsv, "target_composed")) == 7
    self_eval = DOCUMENTS / "constructed_self_eval_split_target.txt"
    row = parsed(self_eval).forms[0].indicators[1]  # line 14: ≥ | 4 | 次/年, then 4 | 10 | 10
    assert (row.target, row.actual, row.weight, row.score) == ("≥4次/年", "4", Decimal("10"), Decimal("10"))
    assert [line for line, _ in codes(self_eval, "target_composed")] == list(range(13, 20))


def test_self_eval_fund_block_with_adjusted_budget_labels():
    form = parsed(DOCUMENTS / "constructed_self_eval_split_target.txt").forms[0]
    # line 5: 年初预算数 | 调整后预算数 | 预算执行数; line 6: 资金总额 | 300.00 | 320.00 | 304.00 | 10 | 95.00% | 9.50
    assert (form.initial_budget, form.full_year_budget, form.executed) == (
        Decimal("300.00"),
        Decimal("320.00"),
        Decimal("304.00"),
    )
    assert (form.execution_rate_stated, form.total_score, form.grade) == (
        Decimal("95.00"),
        Decimal("99.25"),
        "优",
    )


def test_flattened_form_is_read_from_its_labels():
    path = DOCUMENTS / "constructed_flat_target.txt"
    first, second = parsed(path).forms
    # the whole document is line 1: labels, numbers and rows run together with single spaces
    assert (first.prior_year_budget, first.prior_year_executed) == (Decimal("600.00"), Decimal("588.36"))
    assert codes(path, "label_glued") == [(1, 1)]  # "…：600.00同名项目上年预算执行数（万元）：588.36"
    assert (second.prior_year_budget, second.prior_year_executed) == (None, None)  # blank, not 0
    assert first.indicators[5].target == "≥ 350天"  # the sign printed apart stays with its number


def test_one_cell_per_line_with_a_blank_target():
    path = DOCUMENTS / "constructed_cell_lines_target.txt"
    first, second = parsed(path).forms
    assert (first.budget_total, first.budget_current) == (Decimal("3600.00"), Decimal("1200.00"))
    assert second.line_start == 54
    # line 92: 改造工程信息公开及时性 is followed by the next 一级 label: its target cell is blank
    assert second.indicators[3].target is None
    assert codes(path, "indicator_without_target") == [(92, 2)]
    assert second.is_complete


def test_second_form_cut_off_mid_table():
    path = DOCUMENTS / "constructed_tsv_cut_off.txt"
    document = parsed(path)
    assert [form.is_complete for form in document.forms] == [True, False]
    assert codes(path, "form_truncated_end") == [(36, 2)]
    # line 36 stops mid-cell: the cut name is said, not read as a row
    assert codes(path, "indicator_cut_off") == [(36, 2)]
    assert document.forms[1].indicators[-1].name != "排查报告出具及"


# --- small cases straight from text ------------------------------------------------------------------


def parse_text(text: str):
    return parse_bytes(text.encode("utf-8"), "inline.txt")


FLAT_HEAD = (
    "项目支出绩效目标表 （2022年度） 项目名称 某项目 主管部门 某局 实施单位 某中心 项目资金（万元） "
    "年度资金总额 620 其中：财政拨款 620 其他资金 年度绩效目标 完成养护。 绩效指标 一级指标 二级指标 三级指标 指标值 "
)


def test_flattened_table_copy_without_colons():
    document = parse_text(
        FLAT_HEAD + "产出指标 数量指标 养护公园数量 ≥126座 满意度指标 服务对象满意度指标 游客满意度 ≥90%"
    )
    assert document.layout == "flat_target"
    (form,) = document.forms
    assert (form.project_name, form.supervisor_name, form.unit_name) == ("某项目", "某局", "某中心")
    assert (form.amount_unit, form.budget_current) == ("万元", Decimal("620"))
    assert [(row.name, row.target) for row in form.indicators] == [
        ("养护公园数量", "≥126座"),
        ("游客满意度", "≥90%"),
    ]
    assert document.status.value == "parsed"


def test_flattened_name_with_a_space_is_a_recorded_guess():
    document = parse_text(
        FLAT_HEAD + "产出指标 数量指标 出具 有参考价值报告 =12份 质量指标 合格率 ≥95% 填表人：张三"
    )
    (form,) = document.forms
    assert [(row.name, row.target) for row in form.indicators] == [
        ("出具 有参考价值报告", "=12份"),
        ("合格率", "≥95%"),
    ]
    assert [issue.code for issue in document.issues] == ["indicator_split_guessed"]


def test_flattened_form_cut_off_at_the_end_is_partial():
    document = parse_text(
        FLAT_HEAD + "产出指标 数量指标 养护公园数量 ≥126座 满意度指标 服务对象满意度指标 游客满意度"
    )
    (form,) = document.forms
    assert not form.is_complete
    assert "form_truncated_end" in [issue.code for issue in document.issues]


def test_a_self_evaluation_flattened_onto_one_line_is_read():
    """Every shape goes to the one form reader: a flattened self-evaluation is read, not set aside."""
    text = (
        "项目支出绩效自评表 （2023年度） 项目名称 某项目 实施单位 某中心 项目资金（万元） 年初预算数 全年预算数 "
        "全年执行数 分值 执行率 得分 年度资金总额 100 100 100 10 100% 10 绩效指标 一级指标 二级指标 三级指标 "
        "年度指标值 实际完成值 分值 得分 产出指标 数量指标 培训人次 ≥800 820 90 90 总分 100 100 评分等级 优"
    )
    document = parse_text(text)
    assert document.layout == "flat_self_eval"
    (form,) = document.forms
    assert (form.form_type.value, form.fiscal_year, form.project_name, form.unit_name) == (
        "self_eval",
        2023,
        "某项目",
        "某中心",
    )
    figures = (form.initial_budget, form.full_year_budget, form.executed, form.execution_rate_stated)
    assert figures == (Decimal("100"), Decimal("100"), Decimal("100"), Decimal("100"))
    assert (form.total_score, form.grade) == (Decimal("100"), "优")
    (row,) = form.indicators
    assert (row.level1, row.level2, row.name, row.target, row.actual, row.weight, row.score) == (
        "产出指标",
        "数量指标",
        "培训人次",
        "≥800",
        "820",
        Decimal("90"),
        Decimal("90"),
    )
    assert "layout_not_supported" not in [issue.code for issue in document.issues]


def test_detection_never_uses_line_positions():
    """The same cells, as tabs, one per line, or one line, go to the three readers of those shapes."""
    rows = [["项目支出绩效目标表"], ["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值"]]
    rows += [["产出指标", "数量指标", f"指标{k}数", f"≥{k}个"] for k in range(6)]
    as_tabs = "\n".join("\t".join(row) for row in rows)
    as_lines = "\n".join(cell for row in rows for cell in row)
    as_flat = " ".join(cell for row in rows for cell in row)
    assert [detect_layout(text.split("\n")) for text in (as_tabs, as_lines, as_flat)] == [
        "tsv_target",
        "cell_lines_target",
        "flat_target",
    ]
    targets = [
        [row.target for row in parse_text(text).forms[0].indicators] for text in (as_tabs, as_lines, as_flat)
    ]
    assert targets[0] == targets[1] == targets[2] == [f"≥{k}个" for k in range(6)]


def test_warehouse_holds_the_composed_target(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(DOCUMENTS / "constructed_self_eval_split_target.txt"), "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select name, target from raw.indicators order by seq").fetchall()
        composed = con.sql("select count(*) from raw.parse_issues where code = 'target_composed'").fetchone()[
            0
        ]
    assert rows[0] == ("运维设施数量", "≥1200座")
    assert composed == 7


TSV_HEAD = "项目支出绩效目标表\n（2022年度）\n项目名称\t某项目\t实施单位\t某中心\n"
TSV_TABLE = (
    "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t≥800人次\n"
    "满意度指标\t服务对象满意度指标\t学员满意度\t≥90%\n"
)  # a complete table: a national one ending before its 满意度 rows is reported as cut off


def test_sub_row_prefix_and_a_figure_stated_twice():
    """'其中：年度本级预算金额' is the label after its prefix; the same figure under two labels must agree."""
    same = parse_text(
        TSV_HEAD + "项目资金（万元）\t年度资金总额\t250\n\t其中：年度本级预算金额\t250\n" + TSV_TABLE
    )
    (form,) = same.forms
    assert (form.amount_unit, form.budget_current) == ("万元", Decimal("250"))
    assert same.issues == []
    differ = parse_text(
        TSV_HEAD + "项目资金（万元）\t年度资金总额\t250\n\t其中：年度本级预算金额\t200\n" + TSV_TABLE
    )
    assert differ.forms[0].budget_current == Decimal("250")  # the first statement wins, the other is noted
    assert [(i.severity.value, i.code, i.line_no) for i in differ.issues] == [
        ("warning", "conflicting_amount", 5)
    ]


def test_two_figures_in_one_cell_are_not_joined_into_one():
    document = parse_text(TSV_HEAD + "年度资金总额：\t850,000 850,000\n" + TSV_TABLE)
    assert document.forms[0].budget_current is None
    assert [(i.severity.value, i.code, i.line_no) for i in document.issues] == [
        ("warning", "unreadable_amount", 4)
    ]


def test_flattened_name_followed_by_unlabelled_text_is_cut_and_noted():
    document = parse_text(
        FLAT_HEAD.replace("实施单位 某中心", "实施单位 某中心 项目负责科室 综合科")
        + "产出指标 数量指标 培训人次 ≥800人次 填表人：张三"
    )
    (form,) = document.forms
    assert form.unit_name == "某中心"
    assert [i.code for i in document.issues] == ["field_value_cut"]


def test_pdftext_fund_block_heading_states_the_unit():
    text = (
        "项目支出绩效目标表\n（2022年度）\n项目名称： 某项目 实施单位： 某中心\n"
        "项目资金（万元） 年度资金总额： 250 其中：财政拨款： 250\n"
        "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次 ≥800人次\n"
        "满意度指标 服务对象满意度指标 学员满意度 ≥90%"
    )
    document = parse_text(text)
    assert document.layout == "pdftext_target"
    (form,) = document.forms
    assert (form.amount_unit, form.budget_current, form.budget_total) == ("万元", Decimal("250"), None)
    assert document.issues == []


def test_header_one_word_per_line_with_name_target_rows_stays_pdftext():
    lines = ["项目支出绩效目标表", "项目名称： 某项目", "一级指标", "二级指标", "三级指标", "指标值"]
    lines += ["产出指标 数量指标 培训人次 ≥800人次", "质量指标 合格率 ≥95%", "时效指标 及时率 100%"]
    assert detect_layout(lines) == "pdftext_target"


def test_blank_total_takes_the_figure_of_its_sub_row_named_by_prefix_or_subtotal():
    """A blank 年度资金总额 followed by its sub-rows: "其中:中央补助" (陕西 陈仓, bar rows) and
    "(一)财政拨款小计" (四川 昭化) are sub-rows the vocabulary does not list; the figure after them is
    the total's, not lost when the unknown sub-row label clears the wait."""
    bars = (
        "绩效目标表(一般公共预算资金) | |||||\n项目名称 |\n残疾人事业发展补助资金(一般公共预算) | ||||\n"
        "区级主管部门 |\n区残联 | ||||\n资金金额 |\n年度资金总额 |\n||||\n其中:中央补助 |\n50.29 | ||||\n"
        "地方资金 |\n|||||\n"
    )
    (form,) = parse_text(bars + TSV_TABLE.replace("\t", " | ")).forms
    assert form.budget_current == Decimal("50.29")
    subtotal = (
        "项目名称 特困家庭再扶助(独生子女死亡再扶助)\n预算单位 区卫生健康局\n"
        "项目资金(万元) 年度资金总额 金额(万元)\n   (一)财政拨款小计 6.30\n       1、一般公共预算 6.30\n"
        "       2、政府性基金 0.00\n   (二)自有资金小计 0.00\n"
    )
    (form,) = parse_text(
        "项目支出绩效目标申报表\n(2021年度)\n" + subtotal + TSV_TABLE.replace("\t", " ")
    ).forms
    assert (form.amount_unit, form.budget_current) == ("万元", Decimal("6.30"))


def test_amount_with_its_parts_in_brackets_is_not_cut_as_run_together_labels():
    """湖南 望城: "500万元(其中上级资金220万元)" alone on its line is one amount, not labels to cut."""
    text = (
        "区残联专项资金绩效目标申报表\n(2018年度)\n填报单位(盖章)长沙市望城区残疾人联合会\n专项名称\n残疾人就业保障金\n"
        "部门名称\n区残联\n资金总额(万元)\n500万元(其中上级资金220万元)\n"
    )
    (form,) = parse_text(text + TSV_TABLE).forms
    assert (form.amount_unit, form.budget_current or form.budget_total) == ("万元", Decimal("500"))


def test_project_unit_outranks_the_filing_unit():
    """湖南 宁乡: 填报单位 is who files (the 镇政府), 项目单位 the unit that carries the project out."""
    text = (
        "项目绩效目标表(2021年度)填报单位(盖章):宁乡市坝塘镇人民政府 项目名称镇域内基础设施建设"
        "项目属性新增项目□延续项目√主管部门坝塘镇主管部门编码项目单位坝塘镇项目负责人蒋建华\n"
    )
    (form,) = parse_text(text + TSV_TABLE).forms
    assert (form.unit_name, form.supervisor_name) == ("坝塘镇", "坝塘镇")


def test_year_from_the_title_head_run_into_an_attachment_number_or_from_the_notice():
    """四川 南江: run-together text cuts "…附件22023年省级…(第一批)区域" | "绩效目标表": the year sits
    in the title's head, after the attachment's number. 陕西 陈仓: the form prints no year; the notice
    it is attached to hands down "2023年" funds."""
    glued = (
        "南江县财政局2024年6月7日附件22023年省级财政林业草原专项资金(第一批)区域绩效目标表资金名称"
        "省级财政林业草原专项资金(天然林保护、林业草原支撑保障体系建设)主管部门南江县林业局年度金额(万元)158.18\n"
    )
    (form,) = parse_text(glued + TSV_TABLE).forms
    assert form.fiscal_year == 2023
    notice = (
        "区残联:\n根据宝鸡市财政局《关于下达2023年中央残疾人事业发展补助资金的通知》(宝市财办社〔2022〕334号)文件精神,"
        "现将补助资金下达给你们。\n绩效目标表(一般公共预算资金) | |||||\n项目名称 |\n"
        "残疾人事业发展补助资金(一般公共预算) | ||||\n区级主管部门 |\n区残联 | ||||\n"
    )
    document = parse_text(notice + TSV_TABLE.replace("\t", " | "))
    assert document.forms[0].fiscal_year == 2023
    assert "fiscal_year_from_notice" in [issue.code for issue in document.issues]


def test_latest_evaluation_row_after_the_table_is_no_indicator():
    """浙江 临海: "最近年度绩效评价情况 | 优秀□ 良好□ …" follows the indicator table: a field of the
    form, which ends the table, not a 满意度 row."""
    text = (
        "项目名称: | 绿化养护经费 | 项目编号: |\n指标类型 | 指标名称 | 指标值 | 指标描述 |\n"
        "满意度指标 | 服务对象或受益者满意度指标 | ≥95% | 服务对象对于绿化的养护及配套设施的维护满意率应该在95%以上 |\n"
        "最近年度绩效评价情况 | 优秀□ 良好□ 合格□ 不合格□未评价□ | 附上一年度评价报告列示的主要问题 |\n"
    )
    (form,) = parse_text(text).forms
    assert [row.target for row in form.indicators] == ["≥95%"]


def test_last_row_whose_target_the_end_of_the_text_cut_is_not_read():
    """A page stored up to a size stops inside its last target: "验收合格率 1" (of 100%, 安徽 金安)
    and "定性 | 减" (of 减少, 湖南 南县) are cut, not targets; "社会满意度 100%" is whole."""
    head = "项目支出绩效目标表\n(2023年度)\n项目名称 残疾人康复项目\n一级\n指标\n二级指标 三级指标 指标值\n"
    rows = "产出指标 数量指标 签约康复人数 ≥18000人\n涉及乡镇街数量 =22个\n发放辅助器具人数 ≥4000人\n"
    document = parse_text(head + rows + "质量指标 验收合格率 1")
    assert [row.name for row in document.forms[0].indicators][-1] == "发放辅助器具人数"
    assert "indicator_cut_off" in [issue.code for issue in document.issues]
    whole = parse_text(head + rows + "满意度指标 服务对象满意度指标 社会满意度 100%")
    assert whole.forms[0].indicators[-1].target == "100%"
    bars = (
        "项目名称 | 疾病预防控制经费 |\n一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 | 备注 |\n"
        "成本指标 | 经济成本指标 | 疾病预防控制中心经费 | ≤ | 70 | 万元 | 反映疾病预防控制中心经费。 | |\n"
        "社会成本指标 | 实施项目对社会产生的不利影响 | 定性 | 减少 | 反映实施项目对社会产生的不利影响。 | ||\n"
        "生态环境成本指标 | 实施项目对生态产生的不利影响 | 定性 | 减"
    )
    (form,) = parse_text(bars).forms
    assert [row.target for row in form.indicators] == ["≤70万元", "减少"]


def test_last_row_whose_sign_alone_the_end_of_the_text_left_is_not_read():
    """安徽 蒙城, one cell a line, stops at a row's sign ("…覆盖率" | "≧"); its rows, cut at another."""
    cells = ["项目名称", "基本公共卫生服务", "一级 指标", "二级指标", "三级指标", "指标值", "产出 指标"]
    cells += ["数量指标", "7 岁以下儿童健康管理率", "≧85%", "适龄儿童国家免疫规划疫苗接种率", "≧"]
    document = parse_text("\n|\n".join(cells))
    assert [row.target for row in document.forms[0].indicators] == ["≧85%"]
    assert [i.code for i in document.issues if "接种率" in i.message] == ["indicator_cut_off"]


def test_a_figure_and_the_age_or_anniversary_it_counts_stay_one_name():
    """pdftotext parts a figure from the CJK after it: "7 岁以下儿童健康管理率" (安徽 蒙城) and
    "举办庆祝中国共产党成立95 周年档案图片展" (海南 海口) are names, not a figure and a name."""
    cells = ["项目名称", "基本公共卫生服务", "一级 指标", "二级指标", "三级指标", "指标值", "产出 指标"]
    cells += ["数量指标", "适龄儿童国家免疫规划疫苗接种率", "≧90%", "7 岁以下儿童健康管理率", "≧85%"]
    cells += ["举办庆祝中国共产党成立95 周年档案图片展", "向社会宣传中国共产党成立95周年来取得的成就"]
    (form,) = parse_text("\n|\n".join(cells)).forms
    names = [row.name for row in form.indicators][1:]
    assert names == ["7 岁以下儿童健康管理率", "举办庆祝中国共产党成立95 周年档案图片展"]


def test_last_row_whose_outcome_the_end_of_the_text_cut_is_not_read():
    """安徽 宣城: the page stops inside the last row's 实际完成值, cut in the target's own words."""
    text = (
        "项目支出绩效自评表\n(2021年度)\n项目名称 禁毒工作经费\n"
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
        "产出指标 数量指标 指标1:禁毒舞台剧宣传的场次 ≥1场 1场 12 12\n指标2:毛发检查试剂数量 ≥2400份 3200份 12 12\n"
        "质量指标 指标1:经费支出合规性 严格执行相关财经法规制度 严格执行相关财经法"
    )
    document = parse_text(text)
    assert [row.target for row in document.forms[0].indicators] == ["≥1场", "≥2400份"]
    assert "indicator_cut_off" in [issue.code for issue in document.issues]


def test_unit_publishing_its_own_form_on_its_page():
    """山东 临邑: the page's heading and its 信息来源 name the unit; the form prints only its
    主管部门. The publisher is the unit when a heading starts with it; a bare source is not."""
    page = (
        "临邑县人民政府\n您所在的位置 > 临邑县师范附属小学 > 预决算信息 > 临邑县师范附属小学项目支出目标申报表 (2025年度)\n"
        "临邑县师范附属小学项目支出目标申报表 (2025年度)\n信息来源:临邑县师范附属小学 发布时间:2025-12-25\n"
    )
    form_text = (
        "项目支出目标申报表\n(2025年度)\n项目名称\n小学教育公用经费\n项目资金申请(万元)\n资金总额:\n438.768\n"
    )
    document = parse_text(page + form_text + TSV_TABLE)
    assert document.forms[0].unit_name == "临邑县师范附属小学"
    assert "unit_name_from_page_source" in [issue.code for issue in document.issues]
    bare = parse_text("信息来源:金安区财政局\n" + form_text + TSV_TABLE)
    assert bare.forms[0].unit_name is None


def test_project_name_after_a_column_of_labels():
    """湖南 永兴: pdftotext prints the form's label column first (专项名称 | 部门名称 | … | 一级指标 and
    its pieces), then the values; the first words of a name's size after the run, before the next
    field label (专项属性), name the project whose label stood bare."""
    text = (
        "专项资金绩效目标表\n(2017 年度)\n填报单位(盖章):永兴县畜牧兽医水产局\n专项名称\n部门名称\n部门相应职能职\n责概述\n"
        "专项立项\n依据\n专项实施\n进度计划\n专项长期\n绩效目标\n专项年度\n绩效目标\n一级指标\n专项\n年度\n产\n绩效出\n指\n指标标\n"
        "重大动物疫病防控专项属性延续专项√新增专项□\n县动物卫生监督所资金总额(万元)50\n"
        "重大动物防控工作、强制扑杀和免疫副反应补助、疫苗和防疫物质储备、监测、检测经\n费及监督执法等。\n"
    )
    document = parse_text(text)
    (form,) = document.forms
    assert (form.project_name, form.unit_name) == ("重大动物疫病防控", "永兴县畜牧兽医水产局")
    assert (form.amount_unit, form.budget_total or form.budget_current) == ("万元", Decimal("50"))
    assert "value_after_label_column" in [issue.code for issue in document.issues]
