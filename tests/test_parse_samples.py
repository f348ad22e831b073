"""The parser on sample documents 000 and 004: the expectation files, the comparison, literal checks.

Every expected value was read off the source text (tests/expected/README.md says how), never taken
from what the parser returns. tests/test_expectations.py holds the parse of every sample to its
expectation file; here are the files' own totals, the comparison helper on a perfect and a damaged
parse, and a few literal checks a reviewer can verify against the sample file at a glance.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from expectations import compare_document, load_expectation

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

DOC_000 = "000_cce70094bf5820ab.txt"
DOC_004 = "004_32c8326197e9c2c6.txt"
DOCUMENTS = (DOC_000, DOC_004)


@cache
def parsed(document: str):
    """Parse a sample once per session (imported here so a missing parser fails tests, not collection)."""
    from ingest.parse import parse_path

    return parse_path(SAMPLES / document)


def form_by_project(document: str, unit_name: str, project_name: str):
    matches = [
        form
        for form in parsed(document).forms
        if form.unit_name == unit_name and form.project_name == project_name
    ]
    assert len(matches) == 1, f"{document}: {len(matches)} forms for {unit_name} / {project_name}"
    return matches[0]


# --- the expectation files themselves (no parser needed) ------------------------------------------


@pytest.mark.parametrize(
    ("document", "n_forms", "n_indicators", "n_budget_items"),
    [(DOC_000, 28, 511, 0), (DOC_004, 1, 11, 5)],
)
def test_expectation_file_totals(document, n_forms, n_indicators, n_budget_items):
    expected = load_expectation(document)
    forms = expected["forms"]
    assert expected["document"] == document
    assert expected["n_forms"] == len(forms) == n_forms
    assert [form["seq"] for form in forms] == list(range(1, n_forms + 1))
    assert sum(len(form["indicators"]) for form in forms) == n_indicators
    assert sum(len(form["budget_items"]) for form in forms) == n_budget_items


def test_expectation_004_budget_items_add_up_to_stated_total():
    (form,) = load_expectation(DOC_004)["forms"]
    items = form["budget_items"]
    assert sum(Decimal(item["amount"]) for item in items) == Decimal("296.00")  # 金额合计, line 66
    for item in items:
        assert Decimal(item["unit_price"]) * Decimal(item["quantity"]) == Decimal(item["amount"])


# --- the comparison helper itself, on documents built from the expectations ---------------------------


def document_from_expectation(expected):
    """A Document exactly as the expectation describes it: what a perfect parse would return."""
    from ingest.model import BudgetItem, Document, Form, FormType, Indicator

    def amount(value):
        return None if value is None else Decimal(value)

    forms = []
    for f in expected["forms"]:
        forms.append(
            Form(
                form_type=FormType(f["form_type"]),
                line_start=f["line_start"],
                line_end=f["line_start"],
                fiscal_year=f["fiscal_year"],
                unit_name=f["unit_name"],
                supervisor_name=f["supervisor_name"],
                project_name=f["project_name"],
                project_category=f["project_category"],
                amount_unit=f["amount_unit"],
                budget_total=amount(f["budget_total"]),
                budget_current=amount(f["budget_current"]),
                prior_year_budget=amount(f["prior_year_budget"]),
                prior_year_executed=amount(f["prior_year_executed"]),
                is_complete=f["is_complete"],
                indicators=[
                    Indicator(i["level1"], i["level2"], i["name"], i["target"], line_no=0, note=i.get("note"))
                    for i in f["indicators"]
                ],
                budget_items=[
                    BudgetItem(
                        item_name=b["item_name"],
                        amount=amount(b["amount"]),
                        line_no=0,
                        item_group=b["item_group"],
                        unit_price=amount(b["unit_price"]),
                        quantity=amount(b["quantity"]),
                        note=b["note"],
                    )
                    for b in f["budget_items"]
                ],
            )
        )
    return Document("sha", expected["document"], 0, "utf-8", "test", forms=forms)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_comparison_accepts_a_perfect_parse(document):
    expected = load_expectation(document)
    assert compare_document(document_from_expectation(expected), expected, check_location=True) == []


def test_comparison_names_each_difference():
    expected = load_expectation(DOC_000)
    doc = document_from_expectation(expected)
    form = doc.forms[22]  # 房屋物业管理监督管理
    form.prior_year_budget = None
    form.budget_current = 26470288.0  # a float is not a Decimal
    del form.indicators[3]
    form.indicators[0].target = "≥100%"
    del doc.forms[-1]
    differences = compare_document(doc, expected)
    label = "form 23 (上海市房屋管理局 / 房屋物业管理监督管理)"
    assert differences == [
        "number of forms: expected 28, got 27",
        f"{label}: budget_current: expected Decimal 26470288, got float 26470288.0",
        f"{label}: prior_year_budget: expected 28926746, got None",
        f"{label}: number of indicators: expected 33, got 32",
        f"{label}: indicator 1 (投入与管理 / 投入管理 / 预算依据充分性 = 充分合理): target: expected '充分合理', got '≥100%'",
        f"{label}: indicator 4 missing: 投入与管理 / 财务管理 / 财务管理制度健全性 = 建立健全",
        "form 28 (上海市房屋状况信息中心 / 存量房涉税评估): missing from the parse",
    ]


# --- literal checks, readable against the source ----------------------------------------------------


def test_000_housing_bureau_property_management():
    # 000 lines 811-826
    form = form_by_project(DOC_000, "上海市房屋管理局", "房屋物业管理监督管理")
    assert form.fiscal_year == 2020
    assert form.project_category == "其他一次性项目"
    assert form.amount_unit == "元"
    assert form.budget_total == Decimal("26470288")
    assert form.budget_current == Decimal("26470288")
    assert form.prior_year_budget == Decimal("28926746")
    assert form.prior_year_executed == Decimal("28926746")
    assert len(form.indicators) == 33
    # line 848: a target that is neither an operator nor a bare number
    (runtime,) = [i for i in form.indicators if i.name == "962121平台运行服务时长"]
    assert (runtime.level1, runtime.level2, runtime.target) == ("产出目标", "数量", "365天24小时")


def test_000_blank_prior_year_figures_are_none_not_zero():
    # 000 lines 552-565: 同名项目上年预算额（元）： followed by an empty cell
    form = form_by_project(
        DOC_000,
        "上海市城市综合管理事务中心（上海市地下管线监察事务中心）",
        "2020年度道路照明老旧灯杆灯具整治工程",
    )
    assert form.budget_current == Decimal("13900000")
    assert form.prior_year_budget is None
    assert form.prior_year_executed is None


def test_000_first_form_is_the_cut_off_tail():
    # 000 lines 3-33: no title, unit or project name; budget at 14-15, 15 indicators at 19-33
    form = parsed(DOC_000).forms[0]
    assert form.is_complete is False
    assert (form.unit_name, form.project_name, form.project_category) == (None, None, None)
    assert form.fiscal_year == 2020
    assert form.budget_total == Decimal("18535740")
    assert form.prior_year_executed == Decimal("16492080")
    assert len(form.indicators) == 15
    last = form.indicators[-1]
    assert (last.level1, last.level2, last.name) == ("影响力目标", "信息共享", "党风廉政建设巡察开展提供参考")


def test_000_levels_carry_down_and_targets_stay_as_printed():
    # 000 lines 305-325 (区县管理部租赁费物业费)
    form = form_by_project(DOC_000, "上海市公积金管理中心", "区县管理部租赁费物业费")
    rows = [(i.level1, i.level2, i.name, i.target) for i in form.indicators]
    assert rows[1] == ("投入与管理", "投入管理", "预算执行率", ">=95%")  # line 306: "\t\t预算执行率\t>=95%"
    assert rows[5] == ("投入与管理", "财务管理", "财务制度健全性", "健全")  # line 310: "\t财务管理\t…"
    assert rows[20] == ("效果目标", "满意度", "客户对营业网点场所设置的便捷性问题投诉量", "<5个")  # line 325


def test_000_last_form_keeps_the_final_unterminated_line():
    # 000 line 1077 is the last line of the file and has no newline after it
    form = parsed(DOC_000).forms[-1]
    assert form.project_name == "存量房涉税评估"
    assert form.prior_year_budget is None
    last = form.indicators[-1]
    assert (last.level1, last.level2, last.name, last.target) == ("影响力目标", "其它", "政策知晓率", "=100%")


def test_004_district_form_in_wan_yuan():
    (form,) = parsed(DOC_004).forms
    assert form.fiscal_year == 2020
    assert form.unit_name == "上海市闵行区新虹街道房管办事处"  # 填报单位（盖章）, line 7
    assert form.project_name == "住宅小区建设“美丽家园”三年行动计划"
    assert form.project_category is None  # line 12: no checkbox ticked
    assert form.amount_unit == "万元"
    assert form.budget_total == Decimal("296.00")
    assert form.budget_current == Decimal("296.00")
    assert form.prior_year_budget is None
    assert form.prior_year_executed is None


def test_004_budget_items():
    (form,) = parsed(DOC_004).forms
    assert len(form.budget_items) == 5  # lines 61-65
    assert sum(item.amount for item in form.budget_items) == Decimal("296.00")  # 金额合计, line 66
    first = form.budget_items[0]
    assert (first.item_group, first.item_name) == ("住宅小区物联网建设", "小区物联网建设")
    assert (first.amount, first.unit_price, first.quantity, first.note) == (
        Decimal("46.00"),
        Decimal("11.50"),
        Decimal("4"),
        "年度项目",
    )


def test_004_shifted_indicator_columns():
    (form,) = parsed(DOC_004).forms
    assert len(form.indicators) == 11  # lines 49-59
    assert all(i.level1 != "绩效目标" for i in form.indicators)  # the wrapper label is not an 一级
    by_name = {i.name: i for i in form.indicators}
    # line 49, shifted: "绩效目标\t产出目标\t数量\t开发系统\t100%\t…"
    assert (by_name["开发系统"].level1, by_name["开发系统"].level2, by_name["开发系统"].target) == (
        "产出目标",
        "数量",
        "100%",
    )
    # line 54, not shifted: "\t时效\t完成及时性\t及时\t及时完成住宅小区信息平台建设"
    timely = by_name["完成及时性"]
    assert (timely.level1, timely.level2, timely.target, timely.note) == (
        "产出目标",
        "时效",
        "及时",
        "及时完成住宅小区信息平台建设",
    )
    # line 59, not shifted: "影响力目标\t配套设施\t小区物业满意度\t满意\t…"
    assert (by_name["小区物业满意度"].level1, by_name["小区物业满意度"].level2) == ("影响力目标", "配套设施")
