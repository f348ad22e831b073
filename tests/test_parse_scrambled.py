"""PDF text in scrambled reading order (layout `pdf_scrambled_target`) against hand-verified
expectations: the front-end ``ingest.reader.reorder`` puts each form's pieces back in the form's
order, as tab-separated rows that keep their source lines, and the form reader reads those rows.

Sample 003 holds four 2018 上海市财政支出项目绩效目标申报表 whose PDF text came out in scrambled
reading order. tests/expected/003_897400f29f10574e.json was read off the source text by hand, and
tests/expected/README.md (section 003) records the reading conventions and every ambiguous call.
tests/documents/constructed_scrambled_values_apart.txt is typed in the same shape, with values
further from their labels, a blank prior-year budget, several rows on one line and 一级 labels
printed after their rows. tests/test_expectations.py holds both to their expectations; here are the
layout, the expectation's own arithmetic, what the front-end writes for the reader, and literal
checks against the source lines.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from expectations import form_label, load_expectation

TESTS = Path(__file__).resolve().parent
SAMPLES = TESTS.parent / "data" / "samples"
DOC_003 = "003_897400f29f10574e.txt"
CONSTRUCTED = TESTS / "documents" / "constructed_scrambled_values_apart.txt"


@cache
def parsed(path: Path):
    from ingest.parse import parse_path

    return parse_path(path)


def sample_003():
    return parsed(SAMPLES / DOC_003)


def form_named(project_name: str):
    (form,) = [f for f in sample_003().forms if f.project_name == project_name]
    return form


def issues(code: str, document=None) -> list[tuple[int | None, int | None]]:
    """(form seq, line) of every issue with this code."""
    document = document or sample_003()
    return [(i.form_seq, i.line_no) for i in document.issues if i.code == code]


# --- the expectation file itself (no parser) --------------------------------------------------------


def test_expectation_003_totals():
    expected = load_expectation(DOC_003)
    forms = expected["forms"]
    assert expected["document"] == DOC_003
    assert expected["n_forms"] == len(forms) == 4
    assert [len(f["indicators"]) for f in forms] == [23, 29, 13, 17]
    assert [len(f["budget_items"]) for f in forms] == [3, 1, 1, 15]
    units = {f["unit_name"] for f in forms}
    assert units == {"上海市公积金管理中心", "上海市城乡建设和交通发展研究院", "上海市房地产学校"}
    # the 2018 form prints no 二级 column
    assert all(i["level2"] is None for f in forms for i in f["indicators"])


def test_expectation_003_budget_lines_add_up_to_total():
    for form in load_expectation(DOC_003)["forms"]:
        total = sum(Decimal(item["amount"]) for item in form["budget_items"])
        assert total == Decimal(form["budget_total"]), form_label(form)


# --- the parse against the expectations ---------------------------------------------------------------


def test_layout_is_detected():
    assert sample_003().layout == "pdf_scrambled_target"
    assert sample_003().status.value == "parsed"


def test_forms_start_at_their_bare_project_name_label():
    # Each form starts at its bare 项目名称 label, before its title (lines 20, 198, 420, 527).
    assert [f.line_start for f in sample_003().forms] == [2, 179, 365, 517]


def test_constructed_document_layout():
    assert parsed(CONSTRUCTED).layout == "pdf_scrambled_target"


def test_the_layout_is_read_by_the_form_reader_through_its_front_end():
    from importlib.util import find_spec

    from ingest.parse import FRONT_ENDS
    from ingest.reader.reorder import read_reordered

    assert find_spec("ingest.parsers") is None  # no layout parser of its own is left
    assert FRONT_ENDS["pdf_scrambled_target"] is read_reordered


# --- the front-end: the pieces put back in the form's order, for the form reader ------------------------


@cache
def reordered_003():
    from ingest.reader.reorder import reorder

    return reorder((SAMPLES / DOC_003).read_text(encoding="utf-8").split("\n"))


def written(text: str) -> list[tuple[int, str]]:
    """(source line, row) of every row the front-end wrote that holds this text."""
    out = reordered_003()
    return [(origin, line) for line, origin in zip(out.lines, out.origins, strict=True) if text in line]


def test_front_end_writes_each_form_from_its_first_line_with_its_title():
    out = reordered_003()
    assert len(out.lines) == len(out.origins)
    titles = [origin for line, origin in zip(out.lines, out.origins, strict=True) if line.endswith("申报表")]
    assert titles == [2, 179, 365, 517]  # each form's first line in reading order stands for its title
    # the project name, printed apart from its label, is written as a labelled row (line 25)
    assert written("住房公积金管理信息系统(运维)") == [(25, "项目名称\t住房公积金管理信息系统(运维)")]


def test_front_end_pairs_figures_with_their_labels():
    # 003 line 78 "6314599 6314599项目总预算（元） 项目当年预算（元）": the figures come first
    assert written("6314599") == [(78, "项目总预算(元)\t6314599"), (78, "项目当年预算(元)\t6314599")]
    # lines 253-257: the 执行数 label wrapped over two lines, its figure on a line of its own
    assert written("305500") == [(257, "同名项目上年预算执行数(元)\t305500")]


def test_front_end_writes_the_category_boxes_in_their_two_rows():
    # lines 13-19: the category row, and the 资金用途 row wrapped mid-word ("政" / "府购买服务□")
    (category,) = [row for origin, row in written("项目类型\t") if origin == 13]
    assert "经常性专项业务费√" in category and "基本建设工程类" not in category
    (use,) = [row for origin, row in written("资金用途\t") if origin == 17]
    assert "政府购买服务□" in use


def test_front_end_writes_rows_in_the_forms_order_with_their_level1_once():
    out = reordered_003()
    form3 = out.lines[out.origins.index(365) :]
    form3 = form3[: next(k for k, line in enumerate(form3[1:], 1) if line.endswith("申报表"))]
    header = form3.index("一级指标\t三级指标\t指标目标值")
    rows = [line.split("\t") for line in form3[header + 1 :] if line.count("\t") == 2]
    assert [level1 for level1, _, _ in rows if level1] == [
        "投入和管理目标",
        "产出目标",
        "效果目标",
        "影响力目标",
    ]
    # line 450 "=100.00%预算执行率": the target printed first, the row filed by its name
    assert rows[0] == ["投入和管理目标", "预算执行率", "=100.00%"]
    assert written("\t预算执行率\t=100.00%") == [(450, "投入和管理目标\t预算执行率\t=100.00%")]


def test_the_form_reader_reads_the_rows_the_front_end_writes():
    from ingest.reader.form import read_forms
    from ingest.reader.reorder import renumber

    out = reordered_003()
    forms, issues = read_forms(out.lines)
    assert [len(f.indicators) for f in forms] == [23, 29, 13, 17]
    renumber(forms, issues, out.origins)
    assert [f.line_start for f in forms] == [2, 179, 365, 517]
    assert forms == sample_003().forms


# --- literal checks, readable against the source -----------------------------------------------------


def test_housing_fund_information_system_figures():
    # 003 line 78: "6314599 6314599项目总预算（元） 项目当年预算（元）" (numbers before their labels)
    # lines 84-85: "6375055 6369856同名项目上年预算额（元）" / "同名项目上年预算执行数"
    form = form_named("住房公积金管理信息系统(运维)")
    assert form.unit_name == "上海市公积金管理中心"  # line 23
    assert form.fiscal_year == 2018  # line 21 "(2018年 )"
    assert form.amount_unit == "元"
    assert form.budget_total == Decimal("6314599")
    assert form.budget_current == Decimal("6314599")
    assert form.prior_year_budget == Decimal("6375055")
    assert form.prior_year_executed == Decimal("6369856")
    # line 15 "经常性专项业务费√"; line 18 also ticks 其他事业专业类 (the performance-type row)
    assert form.project_category == "经常性专项业务费"
    assert [(i.item_name, i.amount) for i in form.budget_items] == [
        ("通讯和安全测评费", Decimal("1256856")),  # line 82
        ("管理信息系统运维费", Decimal("4216543")),  # line 110
        ("核心应用运维费", Decimal("841200")),  # line 112
    ]
    assert sum(i.amount for i in form.budget_items) == form.budget_total


def test_executed_amount_on_a_later_line():
    # 003 lines 253-257: "同名项目上年预算额（元） 306660" / "同名项目上年预算执行数" / "（元）" / "305500"
    form = form_named("住房公积金便民服务系统(运维)")
    assert (form.prior_year_budget, form.prior_year_executed) == (Decimal("306660"), Decimal("305500"))
    # lines 563-569: the executed figure keeps its printed decimals
    school = form_named("房管行业业务培训")
    assert school.prior_year_executed == Decimal("237057.36")
    assert school.project_category == "其他一次性项目"  # line 535 "其他一次性项目■"


def test_fields_printed_before_the_title_stay_with_their_form():
    # 003 form 3: budget figures at 375-379 and 404, title at 420
    form = form_named("上海城市网格化管理信息系统运行维护项目(运维)")
    assert form.unit_name == "上海市城乡建设和交通发展研究院"
    assert (form.budget_total, form.prior_year_budget, form.prior_year_executed) == (
        Decimal("7246485"),
        Decimal("7340485"),
        Decimal("7340485"),
    )
    assert form.project_category == "经常性专项业务费"  # line 430, after the title; 406-407 before it


def test_lone_budget_line_amount_is_paired_by_the_total():
    # 003 line 573 "24000" alone, line 594 "市房屋管理系统信访基础业务规范培训" alone
    form = form_named("房管行业业务培训")
    assert len(form.budget_items) == 15
    by_name = {i.item_name: i for i in form.budget_items}
    assert by_name["市房屋管理系统信访基础业务规范培训"].amount == Decimal("24000")
    assert sum(i.amount for i in form.budget_items) == Decimal("1069600") == form.budget_total
    assert (4, 594) in issues("budget_item_amount_apart")


def test_scrambled_indicator_rows():
    grid = form_named("上海城市网格化管理信息系统运行维护项目(运维)")
    rows = {(i.name, i.line_no): (i.level1, i.target) for i in grid.indicators}
    assert rows[("预算执行率", 450)] == ("投入和管理目标", "=100.00%")  # line 450 "=100.00%预算执行率"
    assert rows[("预算到位率", 475)] == ("投入和管理目标", "=100.00%")  # value at line 470
    assert rows[("各区县使用满意度", 444)] == ("效果目标", "≥90%")
    # read in the order 效果, 产出, 投入和管理, 影响力; put back in the form's order
    levels = [i.level1 for i in grid.indicators]
    assert levels == ["投入和管理目标"] * 4 + ["产出目标"] * 6 + ["效果目标"] + ["影响力目标"] * 2
    # a wrapped name, its target on the next block (lines 673-676)
    school = form_named("房管行业业务培训")
    (wrapped,) = [i for i in school.indicators if i.line_no == 673]
    assert (wrapped.name, wrapped.target) == ("培训内容针对性强度（理论联系实际）", "≥90%")


def test_labels_printed_after_their_rows():
    # 003 form 1: 效果目标 (169) and 影响力目标 (171) back to back, so labels follow their rows
    form = form_named("住房公积金管理信息系统(运维)")
    by_name = {i.name: i for i in form.indicators}
    assert by_name["系统软件维护计划完成率"].level1 == "产出目标"  # line 143, label at 163
    assert by_name["软件运行完好率"].level1 == "效果目标"  # line 165, label at 169
    assert by_name["工作效率"].level1 == "影响力目标"  # line 173
    assert by_name["预算资金到位率"].level1 == "投入和管理目标"  # by its name
    assert (1, 169) in issues("level1_labels_after_rows")


def test_every_ambiguous_call_is_an_issue():
    # README, section 003: each ambiguous reading carries a warning with its line
    assert issues("level1_from_sibling_form") == [(1, 159), (1, 161)]
    assert issues("target_from_sibling_form") == [(2, 349)]
    assert issues("stray_target_value") == [(2, 351)]  # "无"
    assert issues("ambiguous_target_pairing") == [(3, 448), (3, 460)]
    assert (3, 450) in issues("level1_by_indicator_name")
    levels = {i.severity.value for i in sample_003().issues}
    assert "error" not in levels
    assert all(i.line_no is not None and i.form_seq is not None for i in sample_003().issues)


def test_the_two_lone_targets_after_one_name():
    # 003 lines 349-353: "不发生重大信息出错" / "无" / "不发生"; form 1 line 159 prints it with 不发生
    form = form_named("住房公积金便民服务系统(运维)")
    (row,) = [i for i in form.indicators if i.name == "不发生重大信息出错"]
    assert (row.level1, row.target, row.line_no) == ("效果目标", "不发生", 349)


def test_constructed_blank_prior_year_and_far_values():
    document = parsed(CONSTRUCTED)
    first, second = document.forms
    # lines 32-34: labels, then "850000 850000" on a line of their own; 36-37: labels with no number
    assert (first.budget_total, first.budget_current) == (Decimal("850000"), Decimal("850000"))
    assert (first.prior_year_budget, first.prior_year_executed) == (None, None)
    assert issues("budget_value_blank", document) == [(1, 36), (1, 37)]
    # lines 41-47: "120000" alone and "等保测评服务" alone among the 子项目 lines
    assert sum(i.amount for i in first.budget_items) == first.budget_total
    # line 58: two rows on one line; line 60: name and target run together
    assert [(i.name, i.target) for i in first.indicators[:3]] == [
        ("预算执行率", "≥95%"),
        ("资金使用合规性", "合规"),
        ("预算资金到位率", "=100%"),
    ]
    # form 2 starts at its title (88); labels follow their rows (效果目标 133, 影响力目标 135)
    assert second.line_start == 88
    assert second.prior_year_executed == Decimal("175000.50")
    assert {i.name: i.level1 for i in second.indicators}["学员满意度"] == "效果目标"


# --- properties of the parse ---------------------------------------------------------------------------


def test_items_that_do_not_add_up_are_flagged():
    from ingest.parse import parse_bytes

    text = (SAMPLES / DOC_003).read_text(encoding="utf-8")
    text = text.replace("核心应用运维费 841200", "核心应用运维费 841000")  # line 112
    document = parse_bytes(text.encode("utf-8"), "changed.txt")
    assert document.forms[0].budget_items[-1].amount == Decimal("841000")
    assert issues("budget_items_total_mismatch", document) == [(1, 82)]


def test_parse_is_a_pure_function_of_the_bytes():
    from ingest.parse import parse_bytes

    data = (SAMPLES / DOC_003).read_bytes()
    first, second = parse_bytes(data, "a.txt"), parse_bytes(data, "b.txt")
    assert first.forms == second.forms and first.issues == second.issues
    # the same text in GB18030 with CRLF line ends reads the same
    other = data.decode("utf-8").replace("\n", "\r\n").encode("gb18030")
    assert parse_bytes(other, "c.txt").forms == first.forms


def test_a_file_cut_inside_a_form_keeps_partial_forms():
    from ingest.parse import parse_bytes

    lines = (SAMPLES / DOC_003).read_text(encoding="utf-8").split("\n")
    # cut after line 300: form 2 ends inside its table, before its 产出目标 label (303)
    cut_end = parse_bytes("\n".join(lines[:300]).encode("utf-8"), "cut_end.txt")
    assert [(f.is_complete, len(f.indicators)) for f in cut_end.forms] == [(True, 23), (False, 9)]
    assert issues("form_truncated_end", cut_end) == [(2, 299)]
    # start at line 141 ("备注"): form 1's last 14 rows, with no title, header or field block
    cut_start = parse_bytes("\n".join(lines[140:]).encode("utf-8"), "cut_start.txt")
    first = cut_start.forms[0]
    assert (first.is_complete, first.unit_name, len(first.indicators)) == (False, None, 14)
    assert first.indicators[0].name == "系统软件维护计划完成率"
    assert [len(f.indicators) for f in cut_start.forms[1:]] == [29, 13, 17]
