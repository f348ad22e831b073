"""pdftotext's layout (detected as `pdftext_target`, read by the one form reader) against
hand-verified expectations.

Sample 001 holds the same four projects as 000, printed by pdftotext: space-separated label/value
lines, one indicator per line, 一级/二级 on lines of their own, wrapped names and targets, a page
marker. Its expectation (tests/expected/001_2ab2fb072167c06b.json) was read off 001's own lines.
The constructed documents under tests/documents/ are typed in the same shape with other labels
(填报单位, 项目类型, 主管部门, the national 产出指标/效益指标 framework, 万元) and with forms cut off at
either end; each has its expectation beside it. tests/test_expectations.py holds every one of them to
its expectation; here are the layout, the expectation's totals and literal checks against the lines.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from expectations import load_expectation

TESTS = Path(__file__).resolve().parent
SAMPLES = TESTS.parent / "data" / "samples"
CONSTRUCTED = TESTS / "documents"

DOC_001 = SAMPLES / "001_2ab2fb072167c06b.txt"
CONSTRUCTED_DOCS = sorted(CONSTRUCTED.glob("constructed_pdftext_*.txt"))
DOCUMENTS = (DOC_001, *CONSTRUCTED_DOCS)


@cache
def parsed(document: Path):
    from ingest.parse import parse_path

    return parse_path(document)


def form_by_project(project_name: str):
    (form,) = [form for form in parsed(DOC_001).forms if form.project_name == project_name]
    return form


def issues(document: Path, code: str):
    return [(issue.line_no, issue.form_seq) for issue in parsed(document).issues if issue.code == code]


def test_constructed_documents_are_there():
    assert len(CONSTRUCTED_DOCS) >= 2
    assert all(doc.with_suffix(".json").exists() for doc in CONSTRUCTED_DOCS)


# --- layout and the expectation file ---------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_layout_detected(document):
    assert parsed(document).layout == "pdftext_target"


def test_expectation_001_totals():
    expected = load_expectation(DOC_001.name)
    assert expected["document"] == DOC_001.name
    assert expected["n_forms"] == len(expected["forms"]) == 4
    assert [len(form["indicators"]) for form in expected["forms"]] == [19, 33, 19, 17]


# --- literal checks, readable against 001 ----------------------------------------------------------


def test_001_property_management_form():
    # 001 lines 119-329
    form = form_by_project("房屋物业管理监督管理")
    assert (form.unit_name, form.project_category, form.fiscal_year) == (
        "上海市房屋管理局",
        "其他一次性项目",
        2020,
    )
    assert form.amount_unit == "元"
    # line 228: "项目总预算（元）： 26,470,288 项目当年预算（元）： 26,470,288"
    assert form.budget_total == Decimal("26470288")
    assert form.budget_current == Decimal("26470288")
    # line 230: "同名项目上年预算额（元）： 28,926,746 同名项目上年预算执行数（元）： 28,926,746"
    assert form.prior_year_budget == Decimal("28926746")
    assert form.prior_year_executed == Decimal("28926746")
    assert len(form.indicators) == 33
    by_name = {i.name: i for i in form.indicators}
    # lines 288-292: "质量" / "全市物业管理行业公众满意度测评报告实际完" / "" / "成率" / "=100%"
    whole = by_name["全市物业管理行业公众满意度测评报告实际完成率"]
    assert (whole.level1, whole.level2, whole.target, whole.line_no) == ("产出目标", "质量", "=100%", 289)
    # lines 262-264: the name on one line, its target wrapped over the next two
    staff = by_name["物业中心人力资源管理制度健全性"]
    assert staff.target == "人事任免制度、考核管理制度、人员培训制度等建立健全"
    # lines 297-300 and 302-305: "…完成及" / "时率" / "100%"
    assert by_name["全市住宅小区综合治理第三方测评报告完成及时率"].target == "100%"
    assert by_name["全市物业管理行业公众满意度测评报告完成及时率"].target == "100%"
    # line 284: a target that is neither an operator nor a bare number; line 296: "=100" without %
    assert by_name["962121平台运行服务时长"].target == "365天24小时"
    assert by_name["962121平台咨询回复及时率"].target == "=100"
    # line 311: "社会效益 投诉处理及时率 >93%" (二级 at the start of the row)
    assert (by_name["投诉处理及时率"].level1, by_name["投诉处理及时率"].level2) == ("效果目标", "社会效益")
    # line 329: "部门协助 962121平台市区联动机制健全性 建立健全" is the last row before the glued title
    last = form.indicators[-1]
    assert (last.level1, last.level2, last.name, last.target) == (
        "影响力目标",
        "部门协助",
        "962121平台市区联动机制健全性",
        "建立健全",
    )


def test_001_levels_on_their_own_lines_and_at_the_start_of_rows():
    form = form_by_project("对区县住宅配套工程款补助")  # lines 2-118
    rows = [(i.level1, i.level2, i.name, i.target) for i in form.indicators]
    assert rows[0] == ("投入与管理", "投入管理", "预算依据充分性", "充分合理")  # lines 68-72
    assert rows[10] == ("产出目标", "质量", "公建配套设施建设质量验收合格率", "100%")  # line 98
    assert rows[16] == ("效果目标", "满意度", "居民满意度", "≥90%")  # line 113
    assert rows[17] == ("影响力目标", "长效管理", "有责投诉率", "≤5%")  # lines 115-116


def test_001_project_name_split_over_lines_and_page_marker():
    # lines 453-457: "项目名称：" / "网络基础设施（交易中心）" / "" / "(运维)" / "项目类别： 经常性专项业务费"
    form = form_by_project("网络基础设施（交易中心）(运维)")
    assert form.project_category == "经常性专项业务费"
    assert (form.budget_current, form.prior_year_budget) == (Decimal("5170885"), Decimal("6211629"))
    # line 488 "- 8 -" sits between the budget lines and the indicator table
    assert len(form.indicators) == 17
    first, last = form.indicators[0], form.indicators[-1]
    assert (first.name, first.target, first.line_no) == ("预算执行率", "=100%", 498)
    # line 536: "影响力目标 长效管理 运维管理能力水平 提升"
    assert (last.level1, last.level2, last.name, last.target) == (
        "影响力目标",
        "长效管理",
        "运维管理能力水平",
        "提升",
    )


def test_001_forms_start_at_their_titles():
    # line 2 stands alone; lines 119, 330 and 448 are " 财政项目支出绩效目标表" printed right after a row
    assert [(f.line_start, f.line_end) for f in parsed(DOC_001).forms] == [
        (2, 118),
        (119, 329),
        (330, 447),
        (448, 536),
    ]


def test_001_repairs_are_recorded_as_issues():
    doc = parsed(DOC_001)
    assert doc.status.value == "parsed"
    assert all(issue.severity.value == "info" for issue in doc.issues)
    assert issues(DOC_001, "page_marker_skipped") == [(488, 4)]
    assert issues(DOC_001, "field_value_wrapped") == [(456, 4)]  # "(运维)", the name's last line
    # indicator names and a target pdftotext wrapped onto the next line (lines 263, 289, 297, 302)
    wrapped_rows = [(line, seq) for line, seq in issues(DOC_001, "cell_wrapped") if seq == 2 and line > 260]
    assert wrapped_rows == [(263, 2), (289, 2), (297, 2), (302, 2)]


# --- constructed documents: other labels, truncation ------------------------------------------------


def test_constructed_national_framework_in_wan_yuan():
    doc = parsed(CONSTRUCTED / "constructed_pdftext_national.txt")
    first, second = doc.forms
    assert (first.unit_name, first.supervisor_name) == (
        "上海市住宅建设发展中心",
        "上海市住房和城乡建设管理委员会",
    )
    assert first.amount_unit == "万元"
    assert first.budget_current == Decimal("420.50")
    rows = {i.name: (i.level1, i.level2, i.target) for i in first.indicators}
    # line 44: 成本指标 is a 一级 label in the 101号 framework but a 二级 under 产出指标 here
    assert rows["项目成本控制在预算额度内"] == ("产出指标", "成本指标", "≤420.50万元")
    # line 55: the operator printed apart from its number stays with the target, as printed
    assert rows["入住居民对配套设施的满意度"] == ("满意度指标", "服务对象满意度指标", "≥ 90%")
    # lines 50-51: the target printed on the first line of a wrapped name
    assert rows["全市住宅小区配套设施交付信息公开完整性与准确率"][2] == "100%"
    # line 55: the second form's title is glued to the last row of the first
    assert second.line_start == 55
    assert second.project_name == "既有多层住宅加装电梯（第二批）"
    assert (second.prior_year_budget, second.prior_year_executed) == (None, None)  # line 74: blank, not 0


def test_constructed_cut_off_forms_are_partial():
    document = CONSTRUCTED / "constructed_pdftext_cut_off.txt"
    doc = parsed(document)
    assert doc.status.value == "partial"
    assert [form.is_complete for form in doc.forms] == [False, True, False]
    assert issues(document, "form_truncated_start") == [(1, 1)]
    assert issues(document, "form_truncated_end") == [(82, 3)]
    assert doc.forms[0].fiscal_year == 2020  # from its table heading "2020年绩效目标", line 5
    # line 82: the file ends in the last row's name cell, before its target: the cut row is not read
    assert issues(document, "indicator_cut_off") == [(82, 3)]
    assert doc.forms[-1].indicators[-1].name != "应急抢险队伍落实情况"


# --- small cases, straight from lines ---------------------------------------------------------------


def parse_lines(text: str):
    from ingest.reader.form import read_forms

    return read_forms(text.split("\n"))


FORM_HEAD = """财政项目支出绩效目标表
（2020年度）
申报单位名称：某单位
项目名称： 某项目 项目类别： 其他一次性项目
项目总预算（元）： 1,000 项目当年预算（元）： 1,000
同名项目上年预算额（元）： 同名项目上年预算执行数（元）：
2020年绩效目标
一级目标 二级目标 三级目标 指标目标值
"""


def test_blank_prior_year_figures_stay_none():
    (form,), _ = parse_lines(FORM_HEAD + "投入与管理 投入管理 预算执行率 =100%")
    assert form.budget_total == Decimal("1000")
    assert (form.prior_year_budget, form.prior_year_executed) == (None, None)


def test_category_word_followed_only_by_a_value_is_a_name():
    (form,), found = parse_lines(FORM_HEAD + "效果目标\n满意度 ≥90%")
    (row,) = form.indicators
    assert (row.level1, row.level2, row.name, row.target) == ("效果目标", None, "满意度", "≥90%")
    assert [issue.code for issue in found] == ["category_label_as_name"]


def test_name_with_a_space_keeps_it_and_the_split_is_recorded():
    (form,), found = parse_lines(FORM_HEAD + "影响力目标 长效管理 出具 有参考价值报告 =12份")
    (row,) = form.indicators
    assert (row.name, row.target) == ("出具 有参考价值报告", "=12份")
    assert [issue.code for issue in found] == ["indicator_split_guessed"]


def test_prose_mentioning_a_form_title_does_not_start_a_form():
    head, table = FORM_HEAD.split("2020年绩效目标")
    text = (
        head
        + "项目概况：\n按《项目支出绩效目标表》填报，\n2020年绩效目标"
        + table
        + "投入与管理 投入管理 预算执行率 =100%"
    )
    forms, _ = parse_lines(text)
    assert [(form.project_name, len(form.indicators)) for form in forms] == [("某项目", 1)]
