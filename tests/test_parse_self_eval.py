"""OCR'd self-evaluations (layout tsv_self_eval: the form reader and its OCR front-end) against expectations.

Sample 002 is OCR of 15 项目支出绩效自评表 (2024, 万元); its expectation was typed from the source text
and checked with each form's own arithmetic (indicator weights add up to 90, indicator scores plus
the execution score to 总分, 执行率 = 全年执行数 / 全年预算数). tests/documents/constructed_self_eval_*
are clean forms typed from the structure of real ones, with their expectations beside them.
tests/test_expectations.py holds each parse to its expectation; here are the layout, the accuracy
bar on 002, then literal checks a reviewer can verify against the sample at a glance, and a check
that every repair the parser makes to the OCR text is recorded as an issue.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from expectations import form_label, load_expectation

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"

DOC_002 = "002_abc6290ce127bb5c.txt"
CONSTRUCTED = ("constructed_self_eval_national.txt", "constructed_self_eval_wan_in_cells.txt")


def source_path(document: str) -> Path:
    return SAMPLES / document if (SAMPLES / document).exists() else DOCUMENTS_DIR / document


def expectation(document: str) -> dict:
    if document in CONSTRUCTED:
        return load_expectation(DOCUMENTS_DIR / document.replace(".txt", ".json"))
    return load_expectation(document)


@cache
def parsed(document: str):
    from ingest.parse import parse_path

    return parse_path(source_path(document))


@cache
def source_lines(document: str) -> list[str]:
    return source_path(document).read_text(encoding="utf-8").split("\n")


def cells(document: str, line_no: int) -> list[str]:
    return [
        re.sub(r"</?[A-Za-z][^>]*>", "", cell).strip()
        for cell in source_lines(document)[line_no - 1].split("\t")
    ]


def form_with(document: str, **fields):
    matches = [f for f in parsed(document).forms if all(getattr(f, k) == v for k, v in fields.items())]
    assert len(matches) == 1, f"{document}: {len(matches)} forms with {fields}"
    return matches[0]


def issues_of(document: str, form, *codes: str):
    seq = parsed(document).forms.index(form) + 1
    return [i for i in parsed(document).issues if i.form_seq == seq and (not codes or i.code in codes)]


# --- the expectation files themselves (no parser needed) ------------------------------------------


@pytest.mark.parametrize(
    ("document", "n_forms", "n_indicators"),
    [(DOC_002, 15, 193), (CONSTRUCTED[0], 2, 14), (CONSTRUCTED[1], 1, 8)],
)
def test_expectation_file_totals(document, n_forms, n_indicators):
    expected = expectation(document)
    assert expected["document"] == document
    assert expected["n_forms"] == len(expected["forms"]) == n_forms
    assert [form["seq"] for form in expected["forms"]] == list(range(1, n_forms + 1))
    assert sum(len(form["indicators"]) for form in expected["forms"]) == n_indicators


@pytest.mark.parametrize("document", [DOC_002, *CONSTRUCTED])
def test_expectations_obey_the_forms_arithmetic(document):
    """Weights + 10 = 100; scores + 执行率 × 10 = 总分; 执行率 = 全年执行数 / 全年预算数 (2 decimals, cut or rounded)."""
    for form in expectation(document)["forms"]:
        label = form_label(form)
        weights = sum(Decimal(i["weight"]) for i in form["indicators"])
        scores = sum(Decimal(i["score"]) for i in form["indicators"])
        rate = Decimal(form["execution_rate_stated"])
        assert weights + 10 == 100, label
        if form["total_score"] is not None:  # 002 form 13 prints no 总分 (line 401)
            total = Decimal(form["total_score"])
            assert abs(scores + min(rate / 10, Decimal(10)) - total) <= Decimal("0.01"), label
        computed = Decimal(form["executed"]) / Decimal(form["full_year_budget"]) * 100
        assert abs(computed - rate) < Decimal("0.01"), label


# --- the parse against the expectations -----------------------------------------------------------


@pytest.mark.parametrize("document", [DOC_002, *CONSTRUCTED])
def test_layout_detected(document):
    assert parsed(document).layout == "tsv_self_eval"


def test_accuracy_on_002_meets_the_bar():
    """Budget fields ≥ 99 % exact; indicator rows ≥ 97 % found; of those, ≥ 97 % with the right target, 一级 and 二级."""
    expected = expectation(DOC_002)["forms"]
    forms = parsed(DOC_002).forms
    budget_fields = ("initial_budget", "full_year_budget", "executed", "execution_rate_stated", "total_score")
    right = sum(
        getattr(form, field) == (None if exp[field] is None else Decimal(exp[field]))
        for form, exp in zip(forms, expected, strict=True)
        for field in budget_fields
    )
    assert right / (len(budget_fields) * len(expected)) >= 0.99
    found = matched = total = 0
    for form, exp in zip(forms, expected, strict=True):
        got = {(i.name, i.weight, i.score): i for i in form.indicators}
        for row in exp["indicators"]:
            total += 1
            indicator = got.get((row["name"], Decimal(row["weight"]), Decimal(row["score"])))
            if indicator is None:
                continue
            found += 1
            matched += (indicator.target, indicator.level1, indicator.level2) == (
                row["target"],
                row["level1"],
                row["level2"],
            )
    assert found / total >= 0.97
    assert matched / found >= 0.97


# --- literal checks, readable against the sample ---------------------------------------------------


def test_002_split_executed_figure_is_joined():
    # line 24: 年度资金总额: | 2,594.84 | 2,594.84 | 2,594.8 | 4 | 10.00 | 100.00 | 10.00
    form = form_with(DOC_002, initial_budget=Decimal("2594.84"))
    assert form.initial_budget == form.full_year_budget == form.executed == Decimal("2594.84")
    assert (form.execution_rate_stated, form.total_score, form.grade) == (
        Decimal("100.00"),
        Decimal("99.00"),
        "优",
    )
    assert (form.fiscal_year, form.amount_unit, form.form_type.value) == (2024, "万元", "self_eval")
    assert form.project_name == "大型居住社区配套补助(征收安置房差价)-大型居住社区差价管理费"  # line 21
    assert [i.message for i in issues_of(DOC_002, form, "split_number_joined")] == [
        "年度资金总额: joined split number '2,594.8 4' → 2594.84"
    ]
    by_line = {i.line_no: i for i in form.indicators}
    # line 41: the 二级 cell reads "対に 人"; the row sits in the 社会效益指标 group (label on line 42)
    assert (by_line[41].level1, by_line[41].level2, by_line[41].name) == (
        "效益指标",
        "社会效益指标",
        "预决算信息公开情况",
    )
    # line 44: "可续影响标" is 可持续影响指标; the row lost a point and says why
    assert (by_line[44].level2, by_line[44].weight, by_line[44].score) == (
        "可持续影响指标",
        Decimal("8.00"),
        Decimal("7.00"),
    )
    assert by_line[44].deviation_reason.startswith("偏差原因分析:考核机制不够健全")


def test_002_first_form_has_no_project_name():
    # line 1: "项目 | 名称" and nothing after it; line 2: 主管部门 and 实施单位 garbled by OCR
    form = parsed(DOC_002).forms[0]
    assert form.project_name is None
    assert [i.severity.value for i in issues_of(DOC_002, form, "missing_project_name")] == ["warning"]
    assert (
        form.supervisor_name == "上海市住房和城乡建设管理委员会"
    )  # "上海市住房 | 异和城乡建设 管理 | 委员会"
    assert form.unit_name == "上海市房屋管理局"  # "位 | L | _海市房屋管理 | 局"
    first = form.indicators[0]
    assert (first.level1, first.level2, first.name, first.target, first.actual) == (
        "产出指标",
        "数量指标",
        "立法后评估报告",  # "立法后评 | 估报告"
        "=1.00(份)",
        "1.00(份)",
    )
    assert form.indicators[-1].level2 == "服务对象满意度指标"  # line 17: "服 对 满 度 标"


def test_002_labels_split_over_lines_and_rows_above_their_label():
    # lines 59-62: the 数量 label is printed on line 61, level with the third of its four rows
    form = form_with(DOC_002, project_name="市场监督管理")
    rows = [(i.line_no, i.level2) for i in form.indicators]
    assert rows[:4] == [(59, "数量指标"), (60, "数量指标"), (61, "数量指标"), (62, "数量指标")]
    # lines 71-72: "可持" / "续影 响指 标"
    assert {i.level2 for i in form.indicators if i.line_no in (71, 72)} == {"可持续影响指标"}
    # line 60's 得分 cell holds "5.00 5.00 5.00 5.00 4.00 实际申请人次为人次,完成 486": the text explains line 62
    by_line = {i.line_no: i for i in form.indicators}
    assert by_line[60].deviation_reason is None
    assert by_line[62].deviation_reason == "实际申请人次为人次,完成 486"
    assert issues_of(DOC_002, form, "deviation_moved")[0].line_no == 62


def test_002_form_with_a_row_read_twice_and_total_run_into_a_row():
    # lines 196-197 are one row read twice; line 209 repeats line 208 with 总分 run into it
    form = form_with(DOC_002, project_name="房屋管理")
    assert len(form.indicators) == 10
    assert sum(i.weight for i in form.indicators) == Decimal("90.00")
    merged = next(i for i in form.indicators if i.line_no == 196)
    assert (merged.level2, merged.name, merged.target, merged.actual) == (
        "经济效益指标",
        "信访案件",
        "≥90.00(%)",
        "90.00(%)",
    )
    last = form.indicators[-1]
    assert (last.name, last.score) == ("化解信访矛盾满意率", Decimal("3.00"))
    assert last.deviation_reason.endswith("使矛盾满意率得以提升。")  # the text goes on in line 209's cell
    assert (form.executed, form.execution_rate_stated, form.total_score) == (
        Decimal("28.55"),
        Decimal("95.16"),
        Decimal("97.52"),  # line 210: 100.00 | 97.52
    )


def test_002_total_not_printed_stays_blank_and_is_flagged():
    # line 401: 总分 with no figures. Raw keeps it as printed (None); the issue gives the sum
    # 60 + 28 indicator points + 9.74 for 97.40 % execution, which fct_self_eval_scores recomputes.
    form = form_with(DOC_002, project_name="房管业务对外宣传和社会宣传")
    assert form.total_score is None
    assert (form.initial_budget, form.full_year_budget, form.executed) == (
        Decimal("35.40"),
        Decimal("43.10"),
        Decimal("41.98"),
    )
    issues = issues_of(DOC_002, form, "total_score_not_printed")
    assert [i.severity.value for i in issues] == ["warning"]
    assert "= 97.74" in issues[0].message
    # lines 389-391: the result phrase is printed over three lines
    assert form.indicators[6].actual == "部分达成指标并具有一定效果"


def test_002_grade_and_low_execution():
    # lines 404-421: nothing spent (执行率 0.00, execution score 0.00), 总分 89.00, 评分等级 良
    form = form_with(DOC_002, grade="良")
    assert (form.executed, form.execution_rate_stated, form.total_score) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("89.00"),
    )
    assert [i.name for i in form.indicators[1:3]] == ["推动房屋管理重点任务完成", "先进评审完成率"]
    assert issues_of(DOC_002, form, "name_moved")[0].severity.value == "warning"


def test_002_fiscal_year_is_implied_and_said_so():
    doc = parsed(DOC_002)
    assert {form.fiscal_year for form in doc.forms} == {2024}
    implied = [i for i in doc.issues if i.code == "fiscal_year_implied"]
    assert len(implied) == 15 and all(i.severity.value == "info" for i in implied)


def test_constructed_weight_before_target_and_wan_in_cells():
    national = parsed(CONSTRUCTED[0]).forms[0]
    second = national.indicators[1]  # 分值 printed before 年度指标值
    assert (second.weight, second.target, second.actual, second.score) == (
        Decimal("10"),
        "≥20门",
        "18门",
        Decimal("9"),
    )
    cost = parsed(CONSTRUCTED[0]).forms[1].indicators[3]
    assert (cost.level1, cost.level2) == ("成本指标", "经济成本指标")
    wan = parsed(CONSTRUCTED[1]).forms[0]  # 年度资金总额 | 250万 | 260万 | 247万
    assert (wan.amount_unit, wan.initial_budget, wan.full_year_budget, wan.executed) == (
        "万元",
        Decimal("250"),
        Decimal("260"),
        Decimal("247"),
    )
    assert [i.code for i in parsed(CONSTRUCTED[1]).issues] == ["amount_unit_from_cells"]


def test_the_ocr_front_end_writes_each_printed_row_as_clean_cells_on_its_line():
    """The front-end (ingest/reader/ocr_cells) hands the form reader clean tab-separated rows, each on
    the line it was printed on: labels put back together, unit names matched, a row's wrapped
    cells and its 一级 / 二级 pieces gathered onto its line; prose it does not need is left empty."""
    from ingest.reader.ocr_cells import ocr_rows

    lines = source_lines(DOC_002)
    rows, repairs = ocr_rows(lines)
    assert len(rows) == len(lines)
    assert rows[0] == "项目支出绩效自评表(2024年度)\t项目名称\t"  # line 1: "项目 | 名称" and nothing after it
    assert rows[1] == "主管部门\t上海市住房和城乡建设管理委员会\t实施单位\t上海市房屋管理局"
    assert rows[3] == "年度资金总额\t42.00\t42.00\t42.00\t10.00\t100.00\t10.00"
    assert rows[4:9] == [""] * 5  # the goals prose
    # line 11: "产出指标 | 数量 指标 | 立法后评 | 估报告 | =1.00(份) | 1.00(份) | 20.00 | 20.00"
    assert rows[10] == "产出指标\t数量指标\t立法后评估报告\t=1.00(份)\t1.00(份)\t20.00\t20.00\t"
    # line 17: "满意 度指 标 | 服 对 满 度 标 | 征收基地签约率 …"
    assert rows[16].startswith("满意度指标\t服务对象满意度指标\t征收基地签约率\t≥95(%)")
    assert rows[17:19] == ["总分\t100.00\t98.00", "评分等级\t优"]
    assert {"unit_name_matched", "category_label_read", "ocr_row_repaired"} <= {i.code for i in repairs}
    # text without OCR's damage is the reader's as it is
    assert ocr_rows(source_lines(CONSTRUCTED[0])) is None


# --- every repair leaves an issue ---------------------------------------------------------------------


TEXT_REPAIRS = (
    "ocr_row_repaired",
    "deviation_moved",
    "duplicate_row_merged",
    "duplicate_row_dropped",
    "name_moved",
    "name_from_target_column",
)


def explained(document: str, form, line_no: int, codes: tuple[str, ...] = ()) -> bool:
    """An issue of the form names this line (by its line number or in its message)."""
    return any(
        issue.line_no == line_no or re.search(rf"\b{line_no}\b", issue.message)
        for issue in issues_of(document, form, *codes)
    )


@pytest.mark.parametrize("document", [DOC_002, *CONSTRUCTED])
def test_every_repair_left_an_info_issue(document):
    """Whatever the parse returns that is not printed as such on its line is explained by an issue."""
    doc = parsed(document)
    assert not [i for i in doc.issues if i.severity.value == "error"]
    unexplained = []
    for form in doc.forms:
        lines = "\n".join(source_lines(document)[form.line_start - 1 : form.line_end])
        flat = re.sub(r"\s+", "", lines)
        for attr in ("supervisor_name", "unit_name", "project_name"):
            value = getattr(form, attr)
            if (
                value
                and value not in flat
                and not issues_of(document, form, "unit_name_matched", "project_name_cut")
            ):
                unexplained.append(f"{form.line_start}: {attr} {value!r}")
        for attr in ("initial_budget", "full_year_budget", "executed"):
            value = getattr(form, attr)
            printed = {f"{value:,}", f"{value}", f"{value:,}万", f"{value}万"}
            fund_line = next(
                n
                for n in range(form.line_start, form.line_end + 1)
                if "资金总额" in source_lines(document)[n - 1]
            )
            if not printed & set(" ".join(cells(document, fund_line)).split()) and not explained(
                document,
                form,
                fund_line,
                ("split_number_joined", "amount_rounded", "stray_characters_dropped"),
            ):
                unexplained.append(f"{fund_line}: {attr} {value}")
        head = "\n".join(source_lines(document)[form.line_start - 1 : form.line_start + 2])
        if not re.search(rf"{form.fiscal_year}\s*年", head) and not issues_of(
            document, form, "fiscal_year_implied"
        ):
            unexplained.append(f"{form.line_start}: fiscal_year {form.fiscal_year}")
        unit_codes = ("amount_unit_from_pieces", "amount_unit_from_document", "amount_unit_from_cells")
        if "万元" not in flat and not issues_of(document, form, *unit_codes, "amount_unit_assumed"):
            unexplained.append(f"{form.line_start}: amount_unit {form.amount_unit}")
        total = form.total_score
        if (
            total is not None
            and str(total) not in flat
            and not issues_of(document, form, "total_score_not_printed")
        ):
            unexplained.append(f"{form.line_start}: total_score {total}")
        for indicator in form.indicators:
            line = set(cells(document, indicator.line_no))
            for attr in ("name", "target", "actual", "deviation_reason"):
                value = getattr(indicator, attr)
                if (
                    value
                    and value not in line
                    and not explained(document, form, indicator.line_no, TEXT_REPAIRS)
                ):
                    unexplained.append(f"{indicator.line_no}: {attr} {value!r}")
            # a 二级 carried down a merged cell is no repair; only OCR's damaged labels need one
            level2 = (indicator.level2 or "") if document == DOC_002 else ""
            if (
                level2
                and level2 not in line
                and not (
                    explained(
                        document, form, indicator.line_no, ("category_from_group", "category_uncertain")
                    )
                    or any(
                        i.code == "category_label_read"
                        and level2 in i.message
                        and i.line_no <= indicator.line_no
                        for i in issues_of(document, form)
                    )
                )
            ):
                unexplained.append(f"{indicator.line_no}: level2 {level2!r}")
    assert not unexplained, "\n".join(unexplained)


def test_repairs_are_info_and_guesses_are_warnings():
    doc = parsed(DOC_002)
    severities = {}
    for issue in doc.issues:
        severities.setdefault(issue.code, set()).add(issue.severity.value)
    repairs = {
        "split_number_joined", "amount_rounded", "unit_name_matched", "category_label_read",
        "ocr_row_repaired", "fiscal_year_implied", "amount_unit_from_pieces", "amount_unit_from_document",
        "project_name_cut", "duplicate_row_dropped", "category_from_group",
    }  # fmt: skip
    guesses = {
        "deviation_moved", "duplicate_row_merged", "name_moved", "name_from_target_column",
        "total_score_not_printed", "category_uncertain", "missing_project_name", "indicator_name_missing",
    }  # fmt: skip
    assert all(severities[code] == {"info"} for code in repairs)
    assert all(severities[code] == {"warning"} for code in guesses)
    # the examples the brief names, word for word where it gives them
    messages = [i.message for i in doc.issues]
    assert "年度资金总额: joined split number '2,594.8 4' → 2594.84" in messages
    assert any("'服 对 满 度 标'" in m and "服务对象满意度指标" in m for m in messages)
