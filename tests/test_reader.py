"""The form reader on real documents (tests/real): what each shape and repair gives, checked on
the text a government published, not on text written for the test.

The figures for every real document are in tests/test_expectations.py; here are the behaviours
behind them: a file holding two forms of different types, a form cut at a row boundary, a
self-evaluation without 总分, a department's project list, PDF text in scrambled reading order,
figures printed without separators, and no real form ever set aside as "layout not supported".
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.parse import parse_bytes
from ingest.reader import values as v
from ingest.reader.cells import cells_of
from ingest.reader.form import read_forms
from ingest.reader.glued import cut_glued

REAL = Path(__file__).resolve().parent / "real"
SHARED = REAL / "shared"
COLLECTED = REAL / "collected"


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def parse_text(text: str, name: str = "inline.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def codes(document) -> list[str]:
    return [issue.code for issue in document.issues]


@pytest.mark.parametrize(
    "path", sorted(p for p in REAL.glob("*/*.txt") if p.parent.name != "heldback"), ids=lambda p: p.stem
)
def test_no_real_form_is_set_aside(path: Path):
    """Every real document holding a form is read: a form it cannot finish is partial, with the
    reason, never 'layout not supported'."""
    document = parse_bytes(path.read_bytes(), path.name)
    assert document.forms, codes(document)
    assert not {"layout_not_supported", "unknown_layout", "parser_crashed"} & set(codes(document))
    for form in document.forms:
        assert form.is_complete or {
            "no_indicators", "no_total_score", "form_truncated_end", "form_truncated_start"
        } & set(codes(document))  # fmt: skip


def test_a_file_with_a_target_form_then_a_self_evaluation_yields_both():
    target = text_of(SHARED / "hb_wh_qingshan_2020_tgt_school.txt")
    self_eval = text_of(SHARED / "yn_yongde_2022_se_nutrition.txt")
    document = parse_text(target + "\n" + self_eval)
    assert [(f.form_type.value, f.project_name) for f in document.forms] == [
        ("target", "农村义务教育薄弱学校改造补助资金"),
        ("self_eval", "义务教育营养改善计划专项资金"),
    ]
    first, second = document.forms
    assert (first.budget_current, first.amount_unit, len(first.indicators)) == (Decimal("16"), "万元", 9)
    assert (second.full_year_budget, second.executed, second.total_score) == (
        Decimal("387664.62"), Decimal("387664.62"), Decimal("96")
    )  # fmt: skip


def test_a_target_form_cut_exactly_at_a_row_boundary_is_partial():
    full = text_of(SHARED / "hb_wh_qingshan_2020_tgt_infra.txt")
    assert parse_text(full).forms[0].is_complete
    cut = full[: full.index("满意度指标")]  # the text ends after the 社会效益 row, before 满意度
    document = parse_text(cut)
    (form,) = document.forms
    assert len(form.indicators) == 6 and form.indicators[-1].target == "持续改善"
    assert not form.is_complete
    assert "form_truncated_end" in codes(document)


def test_a_self_evaluation_without_its_total_row_is_partial():
    document = parse_bytes((SHARED / "hn_hengshan_2020_se_grain.txt").read_bytes(), "hengshan.txt")
    (form,) = document.forms
    assert form.total_score is None and not form.is_complete
    assert "no_total_score" in codes(document)


def test_a_department_project_list_gives_one_form_per_project():
    path = COLLECTED / "sc_jingyan_2023_tgt_mataxiang.txt"
    document = parse_bytes(path.read_bytes(), path.name)
    assert [(f.unit_name, f.project_name, f.budget_current) for f in document.forms] == [
        ("井研县马踏镇人民政府", "村组干部报酬", Decimal("3309840.00")),
        ("井研县马踏镇人民政府", "基层组织活动经费", Decimal("660000.00")),
    ]
    assert [len(f.indicators) for f in document.forms] == [8, 5]
    assert document.forms[0].indicators[0].target == "≥95%"  # 指标性质 | 指标值 | 度量单位: ≥ | 95 | %
    assert document.forms[0].indicators[0].weight == Decimal("10")


def test_scrambled_pdf_text_pairs_values_names_and_categories_in_row_order():
    document = parse_bytes((SHARED / "sh_putuo_2022_se_sports.txt").read_bytes(), "putuo.txt")
    first, second = document.forms
    # names, unit and figures printed before their labels, the 执行率 far from its row
    assert (first.project_name, first.unit_name) == (
        "普陀体育中心与委托运营方结算费用",
        "上海市普陀区体育事业管理中心",
    )
    assert (first.initial_budget, first.executed, first.execution_rate_stated) == (
        Decimal("250000.00"), Decimal("215457.6"), Decimal("86.19")
    )  # fmt: skip
    rows = [(r.level1, r.level2, r.name, r.target, r.actual, r.weight, r.score) for r in first.indicators]
    assert rows[0] == (
        "产出指标",
        "数量指标",
        "与委托运营方结算完成率",
        "=100%",
        "100%",
        Decimal("10"),
        Decimal("10"),
    )
    assert rows[4] == (
        "满意度指标",
        "服务对象满意度指标",
        "场馆开放满意度",
        ">=90%",
        "100%",
        Decimal("10"),
        Decimal("10"),
    )
    assert first.total_score == Decimal("98.62")
    # the second form's 执行数 (9,034) printed apart: 9034 / 20000 = 45.17 %, the stated rate
    assert (second.executed, second.execution_rate_stated) == (Decimal("9034"), Decimal("45.17"))
    assert {"value_before_label", "rate_apart_from_row", "executed_apart_from_row"} <= set(codes(document))


def test_figures_printed_without_separators_are_cut_where_the_arithmetic_agrees():
    document = parse_bytes((SHARED / "sc_zhongjiang_2022_se_watergauge.txt").read_bytes(), "zj.txt")
    (form,) = document.forms
    # "年度资金总额:202010100.00%10" = 20 | 20 | 10 | 100.00% | 10
    assert (form.full_year_budget, form.executed, form.execution_rate_stated) == (
        Decimal("20"), Decimal("20"), Decimal("100.00")
    )  # fmt: skip
    row = form.indicators[2]  # "项目(工程)验收合格率20100%100%20": weight 20 | 100% | 100% | score 20
    assert (row.name, row.weight, row.target, row.actual, row.score) == (
        "项目(工程)验收合格率", Decimal("20"), "100%", "100%", Decimal("20")
    )  # fmt: skip
    assert form.total_score == Decimal("100")  # "总分100100"


def test_a_figure_in_wan_with_four_decimals_keeps_its_yuan():
    path = COLLECTED / "cq_rongchang_2022_tgt_greening.txt"
    document = parse_bytes(path.read_bytes(), path.name)
    (form,) = document.forms
    assert (form.amount_unit, form.budget_current) == ("元", Decimal("1535184.0000"))
    assert "amounts_stored_in_yuan" in codes(document)


# --- the same cells in another shape read the same ----------------------------------------------------


def _reading(lines: list[str]) -> list[tuple]:
    forms, _ = read_forms(lines)
    squash = lambda text: re.sub(r"\s+", "", text) if isinstance(text, str) else text  # noqa: E731
    return [
        (f.form_type, squash(f.project_name), squash(f.unit_name), f.budget_current, f.full_year_budget, f.executed,
         [(i.level1, i.level2, squash(i.name), squash(i.target)) for i in f.indicators])
        for f in forms
    ]  # fmt: skip


def _rendered(cells, shape: str) -> list[str]:
    rows = [list(group) for _, group in itertools.groupby(cells, key=lambda cell: cell.row)]
    if shape == "one cell per line":
        return [cell.text for cell in cells]
    if shape == "tab-separated":
        return ["\t".join(cell.text for cell in row) for row in rows]
    return ["| " + " | ".join(cell.text for cell in row) + " |" for row in rows]


@pytest.mark.parametrize("shape", ["one cell per line", "tab-separated", "pipe rows"])
def test_a_real_document_reads_the_same_in_another_text_shape(shape: str):
    """The reader's answer depends on the cells, not on how the text separates them: each real
    document, its cells re-printed in another shape, reads the same. Exceptions are the shapes
    that carry meaning (a project list needs its rows; run-together text put into separated cells
    no longer says its values follow without a break), so the bar is most documents, not all."""
    paths = sorted(SHARED.glob("*.txt")) + sorted(COLLECTED.glob("*.txt"))
    same = []
    for path in paths:
        lines = text_of(path).split("\n")
        same.append(_reading(_rendered(cells_of(lines), shape)) == _reading(lines))
    assert sum(same) >= 0.75 * len(paths), [p.stem for p, ok in zip(paths, same, strict=True) if not ok]


def _piped(path: Path) -> bool:
    lines = [line for line in text_of(path).split("\n") if line.strip()]
    return sum(line.count("|") >= 2 for line in lines) >= 0.4 * len(lines)


PIPED = [p for p in sorted(REAL.glob("*/*.txt")) if p.parent.name != "heldback" and _piped(p)]


@pytest.mark.parametrize(("shape", "bar"), [("tabs", 0.9), ("two spaces", 0.8)])
def test_pipe_rows_read_the_same_with_their_bars_turned_to_tabs_or_spaces(shape: str, bar: float):
    """Every development document printed in pipe rows, its bars replaced as an export or pdftotext
    would print the same table, reads the same: a form is a form whatever parts its cells. Two
    spaces lose the empty cells, so a few readings may differ (a column left blank shifts)."""
    same = []
    for path in PIPED:
        lines = text_of(path).split("\n")
        cells = [[cell.strip() for cell in line.split("|")] for line in lines]
        if shape == "tabs":
            other = [
                "\t".join(row).rstrip("\t") if "|" in line else line
                for line, row in zip(lines, cells, strict=True)
            ]
        else:
            other = [
                "  ".join(c for c in row if c) if "|" in line else line
                for line, row in zip(lines, cells, strict=True)
            ]
        same.append(_reading(other) == _reading(lines))
    assert len(PIPED) >= 30
    assert sum(same) >= bar * len(PIPED), [p.stem for p, ok in zip(PIPED, same, strict=True) if not ok]


# --- behaviours found on the documents first held back (now in collected/) ---------------------------


def test_the_ticked_option_is_the_category_and_a_rate_may_be_printed_without_its_percent_sign():
    """Yunnan's 20/80 template: "1、部门预算项目 □ 2、县直专项 ☑ …" and one budget column,
    预算数(A) 50 | 执行数(B) 10 | 执行率(B/A) 20 (no %, confirmed by 10 / 50) | 得分 4."""
    path = COLLECTED / "yn_changning_2022_se_pigfarm.txt"
    (form,) = parse_bytes(path.read_bytes(), path.name).forms
    assert form.project_category == "县直专项"
    assert (form.full_year_budget, form.executed, form.execution_rate_stated) == (
        Decimal("50"), Decimal("10"), Decimal("20")
    )  # fmt: skip


@pytest.mark.parametrize(
    ("boxes", "category"),
    [
        (
            "新增项目□    结转项目□    经常性专项业务费√    其他经常性项目□",
            "经常性专项业务费",
        ),  # 003, box after
        ("延续专项√新增专项□", "延续专项"),  # hn_yongxing, no space between the options
        ("√延续专项 □新增专项", "延续专项"),  # box before its option
        ("新增项目□ 结转项目□", None),  # nothing ticked
    ],
)
def test_options_and_boxes_in_one_cell_give_the_ticked_option(boxes: str, category: str | None):
    """A tick goes with the option on the side its boxes are printed, never runs into the next one."""
    text = (
        "财政项目支出绩效目标表\n(2020年度)\n申报单位名称：示例单位\n"
        f"项目名称：\t示例项目\t项目类别：\t{boxes}\n"
        "一级目标\t二级目标\t三级目标\t指标目标值\n产出目标\t数量\t完成率\t=100%\n"
    )
    (form,) = read_forms(text.split("\n"))[0]
    assert (form.project_name, form.project_category) == ("示例项目", category)


def test_a_label_with_its_colon_labels_a_value_not_a_column():
    """ "预算数:" 2.38 "执行数:" 2.38 20: the 20 after 执行数's figure is a score, not the figure."""
    path = COLLECTED / "sc_anju_2021_se_foodsafety.txt"
    (form,) = parse_bytes(path.read_bytes(), path.name).forms
    assert (form.full_year_budget, form.executed) == (Decimal("2.38"), Decimal("2.38"))


def test_a_row_printed_without_its_name_and_a_reason_cell_that_starts_with_its_label():
    """A tab-separated row whose 三级指标 cell is printed "-" keeps its values in their columns, with an
    empty name (not the next row's name, nor a block of values before the names); a 偏差原因 cell
    that starts "偏差原因:" is the row's reason, not a label and its value."""
    text = (
        "项目支出绩效自评表(2024年度)\n项目名称\t测试项目\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
        "产出指标\t数量指标\t-\t≥2个\t2个\t50\t50\t\n"
        "产出指标\t质量指标\t验收合格率\t≥95%\t90%\t40\t38\t偏差原因:部分项目未按期验收。改进措施:加强进度管理。\n"
        "总分\t100\t98\n"
    )
    (form,) = parse_text(text).forms
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in form.indicators] == [
        ("", "≥2个", "2个", Decimal("50"), Decimal("50")),
        ("验收合格率", "≥95%", "90%", Decimal("40"), Decimal("38")),
    ]
    assert form.indicators[1].deviation_reason == "偏差原因:部分项目未按期验收。改进措施:加强进度管理。"


def test_a_title_named_inside_prose_starts_no_form():
    """ "是否完成绩效目标申报表中申报的数量" is an indicator's name, run together with its row."""
    path = COLLECTED / "bj_haidian_2016_se_streetcleaning.txt"
    document = parse_bytes(path.read_bytes(), path.name)
    assert len(document.forms) == 1
    form = document.forms[0]
    assert (form.initial_budget, form.executed, form.execution_rate_stated) == (
        Decimal("310.2"), Decimal("154.74"), Decimal("50")
    )  # "年度资金总额:310.2154.741050%5执行率*该指标分值…"  # fmt: skip
    assert form.indicators[0].name == "是否完成绩效目标申报表中申报的数量"


def test_a_target_forms_total_is_the_weights_sum_not_a_score():
    path = COLLECTED / "he_ningjin_2019_tgt_hsgrant.txt"
    document = parse_bytes(path.read_bytes(), path.name)
    (form,) = document.forms
    assert (form.form_type.value, form.total_score) == ("target", None)
    assert "target_form_total_not_a_score" in codes(document)


def test_a_fund_word_inside_a_spaced_name_does_not_cut_it():
    (cells,) = [cells_of(["产出指标 时效指标 财政资金到位及时支付率 正向 = 100 % 4"])]
    assert [c.text for c in cells][:3] == ["产出指标", "时效指标", "财政资金到位及时支付率"]
    assert [c.text for c in cells_of(["其中:财政资金 100"])] == ["其中", "财政资金", "100"]


# --- behaviours found on the documents collected this session (tests/real/fresh) ----------------------

FRESH = REAL / "fresh"


def _read(path: Path):
    return parse_bytes(path.read_bytes(), path.name)


def test_an_outline_is_read_by_its_indentation():
    """Ningxia's 批复表: unit / project / 一级 / 二级 / 三级 shown only by leading spaces."""
    document = _read(FRESH / "nx_shizuishan_2020_tgt_vaccines.txt")
    (form,) = document.forms
    assert (form.unit_name, form.project_name, form.budget_current, form.amount_unit) == (
        "石嘴山市疾病预防控制中心", "狂犬、乙肝、流感等疫苗及美沙酮药物", Decimal("3000000"), "元"
    )  # fmt: skip
    assert len(form.indicators) == 13
    row = form.indicators[2]
    assert (row.level1, row.level2, row.name, row.target) == (
        "产出指标",
        "时效指标",
        "疫苗提供及时率",
        "100%",
    )
    assert "outline_layout" in codes(document)


def test_a_project_list_with_a_goal_column_and_operators_written_as_words():
    """'业务装备经费 776001-扎赉特旗人民检察院 32-专项资金项目 1,030,700.00 <goal sentence> 满意度指标(10分)
    服务对象满意度 使用人员满意度 正向 大于等于 98 % 10'."""
    first, second = _read(FRESH / "nm_zhalaite_procuratorate_nd_tgt_x2.txt").forms
    assert (first.project_name, first.unit_name, first.project_category, first.budget_current) == (
        "业务装备经费", "扎赉特旗人民检察院", "专项资金项目", Decimal("1030700.00")
    )  # fmt: skip
    row = first.indicators[0]
    assert (row.name, row.target, row.weight) == ("使用人员满意度", "大于等于98%", Decimal("10"))
    assert second.project_name == "办案(业务)经费"


def test_one_cell_per_line_keeps_a_name_that_holds_a_figure():
    """Figures stand on lines of their own, so '本年预算安排800万元' is a name, its target the next line."""
    (form,) = _read(FRESH / "hb_huangshi_2023_se_schoolrepair.txt").forms
    rows = {row.name: (row.target, row.actual) for row in form.indicators}
    assert rows["本年预算安排800万元"] == ("100%", "100%")
    assert (form.full_year_budget, form.executed) == (Decimal("800"), Decimal("800"))  # '执行数B)'
    assert form.project_category is None  # '1、部门预算项目 2、市直专项': no box ticked


def test_a_form_under_a_shared_heading_takes_its_year_and_coded_unit():
    document = _read(FRESH / "tj_hebei_court_2023_tgt_x2.txt")
    first, second = document.forms
    assert [(f.fiscal_year, f.unit_name, f.is_complete) for f in (first, second)][0] == (
        2023, "天津市河北区人民法院", True
    )  # fmt: skip
    assert (second.fiscal_year, second.unit_name) == (2023, "天津市河北区人民法院")
    assert "form_truncated_start" not in codes(document)
    assert "fiscal_year_from_heading" in codes(document)


def test_categories_written_with_value_and_a_lost_level1_left_blank():
    (linyi,) = _read(FRESH / "sd_linyi_2025_tgt_schoolfunds.txt").forms
    assert [(r.level1, r.level2) for r in linyi.indicators][:4] == [
        ("产出值", "数量值"), ("产出值", "质量值"), ("产出值", "时效值"), ("产出值", "成本值")
    ]  # fmt: skip
    document = _read(FRESH / "sd_jinan_licheng_2019_se_culturecenter.txt")
    (form,) = document.forms
    # the 一级 cells were lost (only "(50分)" is left): raw keeps what is printed, staging maps
    # 数量指标 to 产出指标 (seed indicator_category_map, 一级 '*')
    assert (form.indicators[0].level1, form.indicators[0].level2) == (None, "数量指标")
    assert "level1_not_printed" in codes(document)


def test_level1_printed_in_its_groups_middle_or_one_character_a_line():
    # 北京海淀: the merged 产出指标(50分) is printed after its group's first row
    haidian = _read(COLLECTED / "bj_haidian_2016_se_streetcleaning.txt").forms[0]
    assert (haidian.indicators[0].level1, haidian.indicators[0].level2) == ("产出指标", "数量指标")
    # 黄山徽州: "产" | "出" | "指" | "标 数量指标 维护电影放映设备数量 ≥5套 …"
    forms = _read(REAL / "second_heldback" / "ah_huangshan_huizhou_2025_se_filmfund.txt").forms
    film = next(form for form in forms if form.indicators)
    assert [(r.level1, r.level2) for r in film.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "经济效益指标"), ("效益指标", "经济效益指标")
    ]  # fmt: skip


def test_a_form_republished_in_traditional_characters_with_pinyin_readings():
    # a mirror of 乐昌's page: "績效目標(biāo)表", "專項名稱", "指標(biāo)值"; values stay as printed
    (form,) = _read(REAL / "fresh3" / "gd_lechang_2018_tgt_vocaid.txt").forms
    assert (form.form_type.value, form.fiscal_year) == ("target", 2018)
    assert form.project_name.startswith("學(xué)生資助補助經(jīng)費")
    assert [(r.level1, r.level2, r.target) for r in form.indicators] == [
        ("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "100%"), ("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "100%")
    ]  # fmt: skip


FRESH5 = REAL / "fresh5"
FRESH3 = REAL / "fresh3"


def test_a_project_list_in_blocks_with_bracketed_categories():
    # 黄山市公安局: unit code / unit / budget lines, a category and its total, then per project
    # its code / name / budget, 【项目概况】 prose and 【产出指标-数量指标】 指标1:机柜数量(≥77台)
    document = _read(FRESH5 / "ah_huangshan_2025_tgt_policeprojects_x2.txt")
    rental, casework = document.forms
    assert (rental.unit_name, rental.project_category, rental.budget_current) == (
        "黄山市公安局", "其他运转类", Decimal("1681680")
    )  # fmt: skip
    assert [(r.level1, r.level2, r.name, r.target) for r in rental.indicators][:2] == [
        ("产出指标", "数量指标", "机柜数量", "≥77台"), ("产出指标", "质量指标", "视频监控在线率", "≥0.97比例")
    ]  # fmt: skip
    assert len(rental.indicators) == 9
    # the copy ends in the second project's prose: its name and budget, no rows, cut off
    assert (casework.project_name, casework.budget_current, casework.indicators) == (
        "执法办案费",
        Decimal("100000"),
        [],
    )
    assert not casework.is_complete
    assert "bracketed_layout" in codes(document)


def test_a_project_list_whose_categories_are_columns():
    # 霍山县下符桥镇: 项目名称 | … | 资金规模(万元) | 产出指标 | 效益指标 | 满意度指标 under one 绩效目标,
    # each cell a list of "受益户数≥200户" pieces; 实施单位及责任人 prints the town and a person
    document = _read(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt")
    assert [(f.project_name, f.unit_name, f.budget_current, f.amount_unit) for f in document.forms] == [
        ("庙岗集村农机专业化合作社项目", "下符桥镇", Decimal("100"), "万元"),
        ("庙岗集村农业机械化服务项目", "下符桥镇", Decimal("83"), "万元"),
        ("三尖铺村农机作业服务队项目", "下符桥镇", Decimal("30"), "万元"),
    ]
    # the 产出 cell is one description with no target (over 40 characters, one full stop at its
    # end: a sentence, but no scoring rule or note); the gold types it as the row's name
    purchase = (
        "庙岗集村农业机械化服务设备设备采购项目,农用拖拉机2台(含开沟机、播种机),收割机1台,"
        "自走式高速插秧机一台,农用T40无人机1台(含电池)等其他机械设备。"
    )
    assert [(r.level1, r.name, r.target) for r in document.forms[0].indicators] == [
        ("产出指标", purchase, None),
        ("效益指标", "受益户数", "≥200户"), ("效益指标", "受益脱贫户数", "≥15户"), ("满意度指标", "脱贫人口满意度", "≥90%")
    ]  # fmt: skip
    assert [len(form.indicators) for form in document.forms] == [4, 4, 4]
    assert "pivoted_layout" in codes(document)


def test_a_project_list_whose_categories_are_columns_with_its_heads_spaced_out():
    """A Word table spaces the characters of its short heads ("项 目 名 称", "序 号"): 霍山's list,
    its header so printed, was not taken for a list (its gate looked for "名称" in the line)."""
    page = text_of(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt")
    spaced = page.replace("| 项目名称 |", "| 项 目 名 称 |").replace("序号 |", "序 号 |")
    assert spaced != page
    assert (
        [(f.project_name, len(f.indicators)) for f in parse_text(spaced).forms]
        == [(f.project_name, len(f.indicators)) for f in parse_text(page).forms]
        != []
    )
    blocks = _one_cell_a_line_rows_parted_by_blank_lines(spaced)
    assert [f.project_name for f in parse_text(blocks).forms] == [
        f.project_name for f in parse_text(page).forms
    ]


@pytest.mark.parametrize("marker", ["第 2 页 共 3 页", "- 2 -"])
def test_a_page_number_inside_a_project_list_front_end_is_no_line_of_it(marker: str):
    """PDF text prints the page's number where the page broke. Under 霍山's two-line header (before
    its first project) it was a column head, the header no longer added up and all three forms
    were lost; under a bracketed heading of 黄山's list (【产出指标-成本指标】) it was read as a row."""
    lines = text_of(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt").split("\n")
    at = lines.index("|||||")
    page = "\n".join(lines)
    broken = "\n".join([*lines[:at], marker, *lines[at:]])
    assert (
        [(f.project_name, len(f.indicators)) for f in parse_text(broken).forms]
        == [(f.project_name, len(f.indicators)) for f in parse_text(page).forms]
        != []
    )
    lines = text_of(FRESH5 / "ah_huangshan_2025_tgt_policeprojects_x2.txt").split("\n")
    page = "\n".join(lines)
    # under a bracketed heading, and between a unit's code and its name (037001 | 黄山市公安局)
    for at in (lines.index("【产出指标-成本指标】") + 1, lines.index(" 037001") + 1):
        broken = "\n".join([*lines[:at], marker, *lines[at:]])
        assert [
            (f.project_name, f.unit_name, [r.name for r in f.indicators]) for f in parse_text(broken).forms
        ] == [(f.project_name, f.unit_name, [r.name for r in f.indicators]) for f in parse_text(page).forms]
    # inside 石嘴山's tree shown by indentation: a line at no depth ended the outline
    lines = text_of(FRESH / "nx_shizuishan_2020_tgt_vaccines.txt").split("\n")
    at = lines.index("    时效指标(必填)")
    page = "\n".join(lines)
    broken = "\n".join([*lines[:at], marker, *lines[at:]])
    assert (
        [[(r.level2, r.name) for r in f.indicators] for f in parse_text(broken).forms]
        == [[(r.level2, r.name) for r in f.indicators] for f in parse_text(page).forms]
        != [[]]
    )


def test_a_project_list_whose_categories_are_columns_reads_the_same_in_bar_rows():
    """The same list printed "| 1 | 庙岗集村… | 10 | … |": a project's row opens with a bar, not its
    序号, and was not taken for a row (0 of 3 forms)."""
    lines = text_of(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt").split("\n")
    barred = [
        "| " + " | ".join(c.strip() for c in line.strip().removesuffix("|").split("|")) + " |"
        if "|" in line
        else line
        for line in lines
    ]
    assert barred[8].startswith("| 1 | 庙岗集村农机专业化合作社项目 |")
    document = parse_text("\n".join(barred))
    assert [(f.project_name, f.budget_current) for f in document.forms] == [
        ("庙岗集村农机专业化合作社项目", Decimal("100")),
        ("庙岗集村农业机械化服务项目", Decimal("83")),
        ("三尖铺村农机作业服务队项目", Decimal("30")),
    ]
    assert len(document.forms[0].indicators) == 4


@pytest.mark.parametrize("separator", ["\t", " | "])
def test_a_separated_cell_holding_a_label_and_its_value_parted_by_a_space(separator: str):
    """A copy that turned only wide gaps into separators leaves "主管部门 裕安区文化和旅游局" or
    "项目总预算(万元) 75.00" in one cell (pdftotext lines of 裕安 and 芜湖 with their runs of spaces
    made tabs or bars): the label starts the cell, the value after the space is its value."""
    page = text_of(FRESH3 / "ah_yuan_2022_se_relics.txt")
    printed = "主管部门 裕安区文化和旅游局   实施单位 裕安区文化和旅游局  "
    assert printed in page
    (form,) = parse_text(page.replace(printed, printed.strip().replace("   ", separator))).forms
    assert (form.supervisor_name, form.unit_name) == ("裕安区文化和旅游局", "裕安区文化和旅游局")
    page = text_of(SHARED / "ah_wuhu_2019_tgt_screening.txt")
    printed = "项目总预算(万元) 75.00      项目当年预算(万元) 25.00 "
    assert printed in page
    (form,) = parse_text(page.replace(printed, printed.strip().replace("      ", separator))).forms
    assert (form.budget_total, form.budget_current) == (Decimal("75.00"), Decimal("25.00"))


@pytest.mark.parametrize("separator", ["\t", " | "])
def test_a_separated_cell_of_labels_run_together_is_cut_on_its_labels(separator: str):
    """海淀's page runs its form together, its title parted from the rest by a wide gap; that gap a
    tab or a bar, the cell "项目名称【体制】…经费主管部门及代码北京市…实施单位:…" was one value and
    the form had no name, unit or figures."""
    page = text_of(COLLECTED / "bj_haidian_2016_se_streetcleaning.txt")
    title = "1、项目支出绩效自评表(2016年度)           项目名称"
    assert title in page
    (form,) = parse_text(page.replace(title, title.replace("           ", separator))).forms
    assert (form.project_name, form.supervisor_name, form.executed) == (
        "【体制】自管道路清扫保洁外包工作经费", "北京市海淀区人民政府学院路街道办事处", Decimal("154.74")
    )  # fmt: skip


def test_a_year_whose_digits_a_gap_parted_is_the_forms_year():
    """岳阳楼区 prints its year "(20 17 年度)"; as tab rows the year came from a 2016 document the
    form cites."""
    lines = text_of(FRESH5 / "hn_yueyanglou_2017_tgt_migrantpop.txt").split("\n")
    assert "(20 17 年度)" in lines
    (form,) = parse_text("\n".join(re.sub(r"\s{2,}", "\t", line.strip()) for line in lines)).forms
    assert (form.project_name, form.fiscal_year) == ("流动人口公卫经费", 2017)


@pytest.mark.parametrize("shape", ["one cell a line", "tabs"])
def test_names_closed_by_their_unit_with_blank_targets_stay_names(shape: str):
    """陈仓's sheet lists five names, "…补助面积(万亩)", each with its target left blank ("name |",
    "||||"). One cell a line those blank cells are gone: the next name was read as a target, the
    label 实施单位 inside "天保工程实施单位保险参保人数(人)" cut it, and the last name was taken for a
    cut-off one. As tabs, a line of tabs alone is the row's empty cells, as "||||" is."""
    lines = text_of(REAL / "fresh9" / "sn_chencang_2021_tgt_forestrestore.txt").split("\n")
    assert "新一轮退耕还林(草)第二次补助面积(万亩) |" in lines and "||||" in lines
    if shape == "tabs":
        printed = [
            "\t" * (line.count("|") - 1) if not line.strip("| ") else line.strip(" |") for line in lines
        ]
    else:
        printed = [line.strip(" |") for line in lines]
    (form,) = parse_text("\n".join(printed)).forms
    assert [(r.name, r.target) for r in form.indicators] == [
        ("天保工程实施单位保险参保人数(人)", None), ("上一轮退耕还林补助面积(万亩)", None),
        ("新一轮退耕还林(草)第二次补助面积(万亩)", None), ("新一轮退耕还林(草)第三次补助面积(万亩)", None),
        ("草原有害生物防治面积(万亩)", None),
    ]  # fmt: skip


def test_a_header_one_label_a_line_between_blank_lines_says_the_rows_are_one_cell_a_line():
    """保山's self-evaluation prints one cell a line with "|" lines between; with blank lines there
    instead, 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 no longer followed each other and its cells
    were taken for run-together text: "按时限完成" was cut into a name's tail and the target 完成."""
    lines = text_of(FRESH3 / "yn_baoshan_2022_se_veteranvisit.txt").split("\n")
    assert lines.count("|") > 20
    (form,) = parse_text("\n".join("" if line == "|" else line for line in lines)).forms
    rows = {row.name: row.target for row in form.indicators}
    assert rows["春节前完成走访慰问"] == "按时限完成"


def test_a_goals_number_after_its_label_is_no_figure():
    """施甸's "年度绩效目标1 (80分)" on a line of its own (its closing bar gone): the 1 was cut off as a
    figure, and the 执行数 94 gave way to it (1 / 650 agrees with the 执行率 printed as 0.1)."""
    page = text_of(REAL / "fresh2" / "yn_shidian_nd_se_agrientities.txt")
    assert "年度绩效目标1 (80分) |" in page
    (form,) = parse_text(page.replace("年度绩效目标1 (80分) |", "年度绩效目标1 (80分)")).forms
    assert (form.full_year_budget, form.executed) == (Decimal("650"), Decimal("94"))


@pytest.mark.parametrize("shape", ["tabs", "spaces", "one cell a line"])
def test_words_alone_after_a_row_of_cells_are_a_row_with_only_a_name(shape: str):
    """黄石's "社会效益 | 使读者… | 独有数据资源查询… | 独有数据资源查询…" then "促进黄石文化经济发展,丰富市民
    文化活动" alone: a row printed with only its name. As tabs its line ends in empty cells, and
    "\t" only after the text was no separated line; in runs of spaces the lone line is a run of
    words. Either way it became the row above's target, its 实际完成值 shifted."""
    lines = text_of(FRESH / "hb_huangshi_2022_se_libraryshare.txt").split("\n")
    assert "促进黄石文化经济发展,丰富市民文化活动 | |||||||||" in lines
    cells = [[c.strip() for c in line.strip().removesuffix("|").split("|")] for line in lines]
    if shape == "tabs":
        printed = ["\t".join(row) for row in cells]
    elif shape == "spaces":
        printed = ["   ".join(c for c in row if c) for row in cells]
    else:  # a line per cell, a blank line after each row: the lines of a block are a row
        printed = [_one_cell_a_line_rows_parted_by_blank_lines("\n".join(lines))]
    (form,) = parse_text("\n".join(printed)).forms
    rows = {row.name: (row.target, row.actual) for row in form.indicators}
    assert rows["使读者更方便快捷查找检阅"] == ("独有数据资源查询,查询范围可扩展到省图",) * 2
    assert rows["促进黄石文化经济发展,丰富市民文化活动"] == (None, None)


def test_a_tab_only_at_the_ends_of_lines_leaves_run_together_text_run_together():
    """A copy may end every line with a tab. Taken for a separated row of one cell, 宁晋's run-together
    table was no longer cut on its labels and the form was lost; the tabs that trail a line part
    no cells (a row of one filled cell reads as words alone on their line, as in runs of spaces)."""
    page = text_of(COLLECTED / "he_ningjin_2019_tgt_hsgrant.txt")
    assert "\n产出数量指标享受资助人数达到预计值210010\n" in page
    tabbed = "\n".join(line + "\t" if line.strip() else line for line in page.split("\n"))
    reading = [(f.project_name, [(r.name, r.target) for r in f.indicators]) for f in parse_text(page).forms]
    assert (
        reading
        and [(f.project_name, [(r.name, r.target) for r in f.indicators]) for f in parse_text(tabbed).forms]
        == reading
    )


def test_full_width_bars_separate_cells_as_bars_do():
    """A table typed with a Chinese input method parts its cells with ｜ (U+FF5C): it was one long
    cell a row, and 淮北's form lost its figures and rows."""
    page = text_of(COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt")
    assert page.count("|") > 50
    reading = [
        (f.project_name, f.budget_current, [(r.name, r.target) for r in f.indicators])
        for f in parse_text(page).forms
    ]
    wide = page.replace("|", "｜")
    assert [
        (f.project_name, f.budget_current, [(r.name, r.target) for r in f.indicators])
        for f in parse_text(wide).forms
    ] == reading


@pytest.mark.parametrize(
    "path",
    [COLLECTED / "sc_jingyan_2023_tgt_mataxiang.txt", COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt"],
)
def test_a_sheet_saved_as_csv_reads_as_its_rows(path: Path):
    """A budget system's sheet saved as CSV: every row as wide as the sheet, figures with thousands
    commas quoted ("3,309,840.00"). Its commas were read as text: 井研's list lost both forms."""
    import csv
    import io

    page = text_of(path)
    rows = [
        [c.strip() for c in line.strip().removesuffix("|").split("|")] if "|" in line else [line]
        for line in page.split("\n")
    ]
    width = max(len(row) for row in rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(row + [""] * (width - len(row)) for row in rows)
    sheet = out.getvalue()
    assert '"3,309,840.00"' in sheet or path.stem.startswith("ah_huaibei")

    def reading(text: str) -> list:
        forms = parse_text(text).forms
        return [
            (f.project_name, f.budget_current, [(r.level2, r.name, r.target) for r in f.indicators])
            for f in forms
        ]

    assert reading(sheet) == reading(page) != []
    assert "csv_layout" in codes(parse_text(sheet))


@pytest.mark.parametrize(
    "path",
    [FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt", COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt"],
)
def test_a_markdown_tables_rule_line_is_no_row(path: Path):
    """A page converted to Markdown prints a rule under each table's first row ("|---|---|"). Its
    dashes were cells: 霍山's list of projects lost its header's columns and all three forms."""
    lines = text_of(path).split("\n")
    marked, before = [], False
    for line in lines:
        barred = line.count("|") >= 2
        marked.append(line)
        if barred and not before:
            marked.append("|" + "---|" * line.count("|"))
        before = barred
    assert any(line.startswith("|---|") for line in marked)

    def reading(text: str) -> list:
        forms = parse_text(text).forms
        return [
            (f.project_name, f.budget_current, [(r.level1, r.name, r.target) for r in f.indicators])
            for f in forms
        ]

    assert reading("\n".join(marked)) == reading("\n".join(lines)) != []


def test_the_web_pages_own_line_or_a_ticked_option_is_no_name():
    """芜湖's 申报单位名称:(盖章) is left blank; the words before it, the page's "发布时间:… 信息来源: …
    阅读次数:" line, were taken for a value printed before its label. 湘阴's 主管部门 is blank too, after
    项目属性 新增项目□ 延续项目√: the ticked option became the 主管部门."""
    page = text_of(SHARED / "ah_wuhu_2019_tgt_screening.txt")
    assert "申报单位名称:(盖章)" in page and "阅读次数:" in page
    (form,) = parse_text(page).forms
    assert (form.project_name, form.unit_name) == ("特殊人群病种筛查经费", None)
    page = text_of(FRESH / "hn_xiangyin_2022_tgt_kindergarten.txt")
    assert "延续项目√" in page
    (form,) = parse_text(page).forms
    assert (form.unit_name, form.supervisor_name) == ("湘阴县教育局", None)


def test_another_labels_field_is_no_name():
    """南岳's "填报单位(盖章): 单位负责人:谭呈祥" leaves the unit blank and names the person in charge; 南湖
    prints "评价方式:部门(单位)绩效自评" where its 主管部门 has no value. Each was read as the name."""
    (form,) = _read(THIRD / "hn_nanyue_2023_tgt_yulu.txt").forms
    assert (form.unit_name, form.supervisor_name) == (None, "南岳区乡村振兴局")
    (form,) = _read(REAL / "fresh6" / "hn_nanhu_2016_se_dibao.txt").forms
    assert (form.unit_name, form.supervisor_name) == ("南湖新区民政局", None)


def test_html_entities_a_web_export_leaves_in_cells_are_read():
    """A web export leaves <p> tags in its cells (samples 000, 004), and with them entities: "&ge;90%",
    "&nbsp;". The targets lost their signs and the rows their fit."""
    page = text_of(COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt")
    assert "≥" in page
    escaped = page.replace("≥", "&ge;").replace("≤", "&le;").replace(" ", "&nbsp;")

    def reading(text: str) -> list:
        return [(f.project_name, [(r.name, r.target) for r in f.indicators]) for f in parse_text(text).forms]

    assert reading(escaped) == reading(page) != []


def _one_cell_a_line_rows_parted_by_blank_lines(page: str) -> str:
    rows = [[c.strip() for c in line.split("|") if c.strip()] for line in page.split("\n")]
    return "\n".join(line for row in rows for line in [*row, ""])


def test_one_cell_a_line_with_a_blank_line_after_each_row_keeps_its_rows():
    """A web table's text may print each cell on a line and close each row with a blank line. A
    project list needs its rows (井研's 单位名称 | 项目名称 | 预算数 | … | 一级指标 …, the project's
    cells first, 0 of 2 forms), and so does a list whose 一级 are columns (霍山, 0 of 3)."""
    page = _one_cell_a_line_rows_parted_by_blank_lines(
        text_of(COLLECTED / "sc_jingyan_2023_tgt_mataxiang.txt")
    )
    assert "\n村组干部报酬\n3,309,840.00\n" in page
    forms = parse_text(page).forms
    assert [(f.project_name, f.budget_current, len(f.indicators)) for f in forms] == [
        ("村组干部报酬", Decimal("3309840.00"), 8), ("基层组织活动经费", Decimal("660000.00"), 5)
    ]  # fmt: skip
    page = _one_cell_a_line_rows_parted_by_blank_lines(
        text_of(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt")
    )
    forms = parse_text(page).forms
    assert [(f.project_name, f.budget_current) for f in forms] == [
        ("庙岗集村农机专业化合作社项目", Decimal("100")),
        ("庙岗集村农业机械化服务项目", Decimal("83")),
        ("三尖铺村农机作业服务队项目", Decimal("30")),
    ]


def test_rows_parted_by_blank_lines_say_a_page_is_one_cell_a_line():
    """大英's page opens inside its table ("城乡居民医保参保工作经费发放及时率 | = | 100 | % | 5"). One cell a
    line with a blank line after each row, its lines were taken for run-together text and the rows
    before the first 一级 label were lost; the blank lines part rows, so each line is a cell. A
    pdftotext page whose blank lines part rows of "name ≥120个" is no such page."""
    page = text_of(REAL / "fresh4" / "sc_daying_2023_se_medinsurance_x2.txt")
    first, _ = parse_text(_one_cell_a_line_rows_parted_by_blank_lines(page)).forms
    assert [(r.level2, r.name, r.target) for r in first.indicators][:3] == [
        (None, "城乡居民医保参保工作经费发放及时率", "=100%"),
        ("成本指标", "城乡居民参保网络宣传成本预算", "≤101400元"),
        ("成本指标", "城乡居民医保参保工作经费发放成本预", "=1元/人"),
    ]
    pdftotext = REAL.parent / "documents" / "constructed_pdftext_national.txt"
    form = _read(pdftotext).forms[0]  # "…验收合" | "格率 =100%": one name, wrapped
    assert ("新建住宅小区配套道路及公用管线工程验收合格率", "=100%") in [
        (r.name, r.target) for r in form.indicators
    ]


def test_a_column_head_that_lost_its_closing_bracket_stays_one_label():
    """黄石三中 prints "年初目标值(A" and "实际完成值(B" (their brackets cut). Cut into a label and "(A",
    the header no longer stood one label a line, so a copy whose heading line was parted into lines
    was read as run-together text: "本年预算安排800万元" lost its 800万元 as a target."""
    assert [c.text for c in cells_of(["年初目标值(A"])] == ["年初目标值(A"]
    page = text_of(FRESH / "hb_huangshi_2023_se_schoolrepair.txt")
    assert "\n年初目标值(A\n" in page
    lines = [part for line in page.split("\n") for part in re.split(r"\s{2,}", line.strip())]
    (form,) = parse_text("\n".join(lines)).forms
    assert ("本年预算安排800万元", "100%") in [(r.name, r.target) for r in form.indicators]


def test_hunans_first_and_second_level_project_labels():
    """Hunan's 项目绩效年度表 heads 一级项目名称 | 二级项目名称 | the project. One cell a line, 项目名称 was
    cut out of both, started a form of its own and the title's (2024年度) was left behind."""
    page = text_of(FRESH5 / "hn_nanxian_2024_tgt_assetrent.txt")
    assert "一级项目名称 | 二级项目名称 | 国有资产出租收入应交税费 | |||||" in page
    form = parse_text(_one_cell_a_line_rows_parted_by_blank_lines(page)).forms[0]
    assert (form.project_name, form.fiscal_year) == ("国有资产出租收入应交税费", 2024)


@pytest.mark.parametrize(
    "copy", ["blank lines between", "each line closed by a bar", "each line ending in a tab"]
)
def test_a_level1_printed_one_character_a_line_between_blank_lines(copy: str):
    """汉阴 prints its merged 一级 cell "产" | "出" | "指" | "标", one character a line; with a blank line
    after each line, or each line closed by " |" or a tab, the characters were not put together and
    the 产出 rows had no 一级."""
    page = text_of(FRESH5 / "sn_hanyin_2022_tgt_inclusivefinance.txt")
    assert "\n产\n出\n指\n标\n" in page
    if copy == "blank lines between":
        page = _one_cell_a_line_rows_parted_by_blank_lines(page)
    else:
        end = " |" if "bar" in copy else "\t"
        page = "\n".join(line + end if line.strip() else line for line in page.split("\n"))
    (form,) = parse_text(page).forms
    assert [(r.level1, r.level2) for r in form.indicators][:4] == [("产出指标", "数量指标")] + [
        ("产出指标", "质量指标")
    ] * 3


def test_split_targets_with_coded_natures_units_of_a_block_and_wrapped_labels():
    # 保山: 指标性质 printed with its code ("004 >=" | "20" | "次"): kept as printed, the row still fits
    (baoshan,) = _read(FRESH5 / "yn_baoshan_2023_se_energy.txt").forms
    assert [(r.target, r.actual, r.weight) for r in baoshan.indicators] == [
        ("004>=20次", "113", Decimal("22.50")), ("005<=33万元", "32.9999", Decimal("22.50")),
        ("004>=1亿元", "24亿", Decimal("9.00")),
    ]  # fmt: skip
    # 汉阴: "单位:元" over the form, but "资金情况 | (万元) | 年度金额 | 112"; 服务对象 | 满意度 | 指标 one label
    (hanyin,) = _read(FRESH5 / "sn_hanyin_2022_tgt_inclusivefinance.txt").forms
    assert (hanyin.amount_unit, hanyin.budget_current) == ("元", Decimal("1120000.00"))
    assert [(r.level2, r.name) for r in hanyin.indicators][-1] == (
        "服务对象满意度指标",
        "申报定向费用补贴金融机构满意度",
    )


def test_blank_template_labels_are_never_values():
    # 南县's 项目绩效年度表: 主管部门 | 项目开始日期 | 项目完成日期 …, every field left blank
    document = _read(FRESH5 / "hn_nanxian_2024_tgt_assetrent.txt")
    (form,) = [f for f in document.forms if f.indicators]
    # no label's value: the unit is the page's publisher, whom its heading names (信息来源)
    assert (form.project_name, form.unit_name, form.supervisor_name) == (
        "国有资产出租收入应交税费",
        "南县住房保障服务中心",
        None,
    )
    assert "unit_name_from_page_source" in codes(document)
    assert [r.target for r in form.indicators][1:3] == ["=9间数", "保障"]  # 度量单位 "无" is no unit


THIRD = REAL / "third_heldback"


def test_a_frameworks_own_level_above_the_national_one():
    # 以工代赈 中央预算内投资计划绩效目标表: 实施效果指标 over 产出指标 | 效益指标 | 满意度指标, and
    # 过程管理指标 over 计划管理指标 … 监督检查指标; its unit and amount under the template's own labels
    (form,) = _read(THIRD / "ah_shucheng_2023_tgt_workrelief.txt").forms
    assert (form.unit_name, form.budget_current, form.amount_unit) == (
        "舒城县发展改革委",
        Decimal("853"),
        "万元",
    )
    levels = [(r.level1, r.level2) for r in form.indicators]
    assert levels[:3] == [
        ("实施效果指标", "产出指标"),
        ("实施效果指标", "效益指标"),
        ("实施效果指标", "满意度指标"),
    ]
    assert levels[-1] == ("过程管理指标", "监督检查指标")
    assert len(levels) == 10


def test_a_level2_label_in_the_name_column_names_its_row():
    # 指标类型 | 指标名称 | 指标值 | 指标描述, and the rows print 数量指标 | 375万平方米 | 完成全市…
    (form,) = _read(THIRD / "zj_linhai_nd_tgt_greening.txt").forms
    rows = [(r.level1, r.level2, r.name, r.target) for r in form.indicators]
    assert rows[0] == ("产出指标", "数量指标", "数量指标", "375万平方米")
    assert ("效益指标", "可持续性发展影响指标", "可持续性发展影响指标", "是") in rows
    assert rows[6] == ("满意度指标", "服务对象或受益者满意度指标", "服务对象或受益者满意度指标", "≥95%")


def test_an_amount_with_its_breakdown_in_brackets():
    from ingest.numbers import Amount, parse_amount

    assert parse_amount("500万元(其中上级资金220万元)") == Amount(Decimal("500"), "万元")
    assert parse_amount("500万元(上级资金)") is None  # not a breakdown: not an amount


def test_a_two_row_header_puts_its_sub_columns_under_their_heads():
    # Hebei's 预算项目绩效自评表: 预期指标值 over 符号 | 单位(文字描述); 自评得分 over 单项指标得分 |
    # 权重占比(%) | 单项指标折算得分; an explanation under 指标分值; rows ">= 98 %(百分比) 100% 完成 25.00 25.00 6.25"
    (form,) = _read(FRESH / "he_chengan_2020_se_centenarian.txt").forms
    rows = [(r.name, r.target, r.actual, r.weight, r.score, r.note) for r in form.indicators]
    assert rows[0] == (
        "符合条件申报对象覆盖率",
        ">=98%(百分比)",
        "100%",
        Decimal("25.00"),
        Decimal("25.00"),
        "完成",
    )
    assert [r[0] for r in rows][:4] == ["符合条件申报对象覆盖率", "完成率", "补贴发放率", "服务对象满意度"]


# Characters that are traditional as they stand (出, 系, 里 …): a page in traditional keeps them.
_ALREADY_TRADITIONAL = set("出系只千同向局克家别合升注周制核台里采表厘")


def _traditional_table() -> dict[int, str]:
    """Simplified → traditional for the vocabulary's characters (the inverse of ingest.traditional):
    what a mirror that republishes a page in traditional characters prints."""
    from ingest import traditional

    inverse: dict[str, str] = {}
    for trad, simp in zip(traditional._TRADITIONAL, traditional._SIMPLIFIED, strict=True):
        if simp not in _ALREADY_TRADITIONAL:
            inverse.setdefault(simp, trad)
    return str.maketrans(inverse)


def _strings(value, change):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list | tuple):
        return type(value)(_strings(item, change) for item in value)
    return value


def test_a_real_document_republished_in_traditional_characters_reads_the_same():
    """Labels are read through their simplified keys and values stay as printed, so a page
    republished in traditional characters reads as the original does, in traditional characters:
    names and targets as printed, amounts with 萬元 the same figures."""
    from ingest.traditional import simplified

    table = _traditional_table()
    paths = sorted(SHARED.glob("*.txt")) + sorted(COLLECTED.glob("*.txt"))
    same = []
    for path in paths:
        lines = text_of(path).split("\n")
        reading = _reading([line.translate(table) for line in lines])
        values_as_printed = _strings(reading, lambda text: text.translate(table)) == reading
        same.append(
            values_as_printed and _strings(reading, simplified) == _strings(_reading(lines), simplified)
        )
    assert sum(same) >= 0.8 * len(paths), [p.stem for p, ok in zip(paths, same, strict=True) if not ok]


def test_a_page_break_inside_the_indicator_table_changes_nothing():
    """A table continued on the next page prints a page number and its header again: a project
    list's header is no new project and no new form (its 项目名称 is a column, not a label), and a
    二级 with its template hint ("时效指标 (必填)") after it is still a 二级."""
    for path in (
        COLLECTED / "sc_jingyan_2023_tgt_mataxiang.txt",
        COLLECTED / "nx_yuanzhou_2022_tgt_forest.txt",
    ):
        lines = text_of(path).split("\n")
        header = next(k for k, line in enumerate(lines) if "三级指标" in line and "指标值" in line)
        rows = [k for k in range(header + 1, len(lines)) if lines[k].count("|") >= 2][:12]
        cut = rows[len(rows) // 2]
        broken = [*lines[:cut], "- 2 -", lines[header], *lines[cut:]]
        assert _reading(broken) == _reading(lines), path.name


def test_a_templates_unfilled_rows_are_no_indicators():
    """The national template prints 指标1: 指标2: … rows and a …… row for more; left unfilled they
    carry nothing and read as nothing (they used to give indicators with no name and a …… target)."""
    path = COLLECTED / "nx_yuanzhou_2022_tgt_forest.txt"
    lines = text_of(path).split("\n")
    at = next(k for k, line in enumerate(lines) if "数量指标" in line and line.count("|") >= 3)
    width = lines[at].count("|") - 1
    unfilled = ["| 指标2: |" + " |" * (width - 1), "| …… |" + " |" * (width - 1)]
    assert _reading([*lines[: at + 1], *unfilled, *lines[at + 1 :]]) == _reading(lines)


def _numbered(lines: list[str]) -> list[str] | None:
    """The indicator table given a leading 序号 column, as some exports print it."""
    header = next(
        (
            k
            for k, line in enumerate(lines)
            if "一级指标" in line and "三级指标" in line and line.count("|") >= 3 and len(line) < 200
        ),
        None,
    )
    if header is None:
        return None
    numbered = [*lines[:header], "序号 | " + lines[header].lstrip("| ")]
    for number, k in enumerate(range(header + 1, len(lines)), start=1):
        if lines[k].count("|") < 2 or re.search(r"总分|合计", lines[k]):
            return numbered + lines[k:]
        numbered.append(f"{number} | " + lines[k].lstrip("| "))
    return numbered


def test_a_row_number_column_is_no_value():
    """序号 | 一级指标 | …, each row led by 1, 2, 3 …: the numbers are nobody's target or weight."""
    same = []
    for path in [p for p in PIPED if p.parent.name in ("shared", "collected", "fresh", "fresh2")]:
        lines = text_of(path).split("\n")
        numbered = _numbered(lines)
        if numbered is not None:
            same.append(_reading(numbered) == _reading(lines))
    assert len(same) >= 8
    assert sum(same) >= 0.8 * len(same), same


def test_an_evaluation_scoring_sheet_whose_names_are_other_frameworks_categories():
    """海南's older evaluation sheet: 一级 | 分值 | 二级 | 分值 | 三级 | 分值 | 得分, one cell a line. Its
    三级 names 财务管理, 产出数量 … are 二级 words of other frameworks; with their 分值 and 得分 after
    them they are rows, while a 二级 (决策过程 | 8 | 决策依据 …) stays a 二级."""
    (form,) = _read(COLLECTED / "hi_prov_nd_se_servicetrade.txt").forms
    rows = {r.name: (r.level1, r.level2, r.weight, r.score) for r in form.indicators}
    assert rows["财务管理"] == ("项目管理", "资金管理", Decimal("3"), Decimal("3"))
    assert rows["产出数量"] == ("项目绩效", "项目产出", Decimal("5"), Decimal("5"))
    assert rows["决策依据"][:2] == ("项目决策", "决策过程")
    assert "决策过程" not in rows and "项目目标" not in rows


def _fund_figures(lines: list[str]) -> list[tuple]:
    forms, _ = read_forms(lines)
    return [(f.initial_budget, f.full_year_budget, f.executed, f.execution_rate_stated) for f in forms]


def test_a_fund_row_run_together_keeps_its_figures():
    """The self-evaluations printed in pipe rows, each row's cells run together as a document
    preview prints them ("年度资金总额330,000.00329,998.60329,998.6010.00100.0010.00",
    "17601760100%", "3359.62万3359.62万100%", a header "预算数(A)执行数(B)执行率(B/A)"): the
    figures are cut where the form's arithmetic agrees, and read as from the separated cells."""
    funded = [p for p in PIPED if any(f[2] is not None for f in _fund_figures(text_of(p).split("\n")))]
    same = []
    for path in funded:
        lines = text_of(path).split("\n")
        glued = ["".join(cell.strip() for cell in line.split("|")) if "|" in line else line for line in lines]
        same.append(_fund_figures(glued) == _fund_figures(lines))
    assert len(funded) >= 10
    assert sum(same) >= 0.75 * len(funded), [p.stem for p, ok in zip(funded, same, strict=True) if not ok]


def test_xinjiangs_thirteen_column_self_evaluation_reads_each_column():
    """xj_fukang's page stops right after its 13-column header (指标值设置依据, 上年完成值, 指标分值权重,
    指标赋分规则, 佐证资料 … 完成率, 指标得分): the rows below are typed in those columns, as the
    template prints them. Before: the 赋分规则 text was read as a row's 实际完成值, one row became two,
    and "政策咨询建议完成率" ended the table (政策咨询 is a web page's footer link too)."""
    page = text_of(REAL / "fresh9" / "xj_fukang_2023_se_statsurvey.txt")
    rows = (
        "数量指标 住户数据产品数量 =120人 计划标准 120人 10 完成得10分,未完成按比例扣分 调查资料 120人 100% 10\n"
        "质量指标 政策咨询建议完成率 =100% 历史标准 100% 10 完成得10分 咨询报告 100% 100% 10\n"
        "满意度指标 服务对象满意度指标 被调查户满意度 ≥95% 行业标准 95% 10 达到得10分 问卷 100% 100% 10\n"
        "总分 100 100\n"
    )
    (form,) = parse_text(page + rows).forms
    assert form.project_name == "昌州财行(2022)10号 国家统计局调查队专项经费"
    assert form.execution_rate_stated == Decimal("100.00")
    read = [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in form.indicators]
    assert read == [
        ("数量指标", "住户数据产品数量", "=120人", "120人", Decimal("10"), Decimal("10")),
        ("质量指标", "政策咨询建议完成率", "=100%", "100%", Decimal("10"), Decimal("10")),
        ("服务对象满意度指标", "被调查户满意度", "≥95%", "100%", Decimal("10"), Decimal("10")),
    ]


def test_a_parallel_indicator_set_gives_each_row_once_the_years_value():
    """Anhui's and Dongguan's target forms print 二级 | 三级 | 指标值 twice side by side (中期/实施周期,
    then 年度): each line held two rows, so every indicator was read twice. The later set, the
    year's, is the row."""
    page = text_of(FRESH / "ah_luan_2024_tgt_agriqc.txt")
    (form,) = parse_text(page).forms
    names = [row.name for row in form.indicators]
    assert len(names) == 7 and len(set(names)) == 7
    assert (form.indicators[0].level2, form.indicators[0].target) == ("数量指标", "≥57个")
    year_differs = page.replace(
        "≥57个 | 数量指标 | 鉴定校准实验室仪器 | ≥57个", "≥171个 | 数量指标 | 鉴定校准实验室仪器 | ≥57个"
    )
    assert year_differs != page
    (form,) = parse_text(year_differs).forms
    assert [(r.name, r.target) for r in form.indicators][:2] == [
        ("鉴定校准实验室仪器", "≥57个"),
        ("购买标准试剂", "≥100个"),
    ]
    one_a_line = "\n".join(
        c.strip() + " |" for line in page.split("\n") for c in line.split("|") if c.strip()
    )
    (form,) = parse_text(one_a_line).forms  # one cell a line: the two rows follow each other
    assert [(r.name, r.target) for r in form.indicators][:2] == [
        ("鉴定校准实验室仪器", "≥57个"),
        ("购买标准试剂", "≥100个"),
    ]
    assert len(form.indicators) == 7
    (form,) = _read(REAL / "fresh2" / "gd_dongguan_2022_tgt_property.txt").forms
    assert [row.name for row in form.indicators][:3] == [
        "物管服务面积",
        "物业管理保障工作合格率",
        "物业管理各项任务完成达标率",
    ]
    assert form.indicators[0].target == "建筑面积2.6万平方米,展示面积1万平方米"  # once, not twice


def test_the_scoring_method_columns_boilerplate_is_no_row():
    """sd_jinan's 得分计算方法 column prints "定量指标计算:完成值达到指标值,记满分;…按B/A或A/B*该指标分值
    记分。" once down the table's side: it was read as a 数量指标 row."""
    (form,) = _read(FRESH / "sd_jinan_licheng_2019_se_culturecenter.txt").forms
    assert [row.name for row in form.indicators] == [
        "全年免费开放", "免费开放管理制度健全、执行有效性", "免费开放率", "实际成本与工作内容的匹配程度",
        "承担重要公益服务项目、助推民生事业发展",
    ]  # fmt: skip


def test_a_name_cut_by_the_end_takes_only_its_own_missing_target_warning_with_it():
    """The cut last row goes with its indicator_without_target; an earlier row printed without its
    target keeps the warning (it was dropped with the cut row's: every such warning of the form)."""
    lines = [
        "2022年项目支出绩效目标表",
        "项目名称 | 物业管理服务",
        "主管部门 | 东莞市某局 | 实施单位 | 东莞市某中心",
        "年度资金总额 | 120万元",
        "一级指标 | 二级指标 | 三级指标 | 指标值",
        "产出指标 | 数量指标 | 物管服务面积 | 2.6万平方米",
        "产出指标 | 质量指标 | 物业管理保障工作合格率 | |",
        "产出指标 | 时效指标 | 任务完成及时率 | 100%",
        "产出指标 | 质量指标 | 维修施工验收合格率",
    ]
    document = parse_bytes("\n".join(lines).encode(), "cut.txt")
    assert [row.name for row in document.forms[0].indicators][-1] == "任务完成及时率"
    assert [(i.code, i.line_no) for i in document.issues if i.code.startswith("indicator_")] == [
        ("indicator_without_target", 7),
        ("indicator_cut_off", 9),
    ]


def test_a_name_cut_by_the_end_of_the_text_is_no_row_a_closed_blank_target_is():
    """A page whose text stops inside a row's name cell ("维修施工验收合格率", "质量指标 一审案件改", no
    separator after it) lost that row's values with the rest: the cut name is said, not read. A row
    printed whole with its target cell blank ("name | ||||") stays."""
    document = _read(REAL / "fresh2" / "gd_dongguan_2022_tgt_property.txt")
    assert "维修施工验收合格率" not in [row.name for row in document.forms[0].indicators]
    assert [(i.code, i.line_no) for i in document.issues if i.code == "indicator_cut_off"] == [
        ("indicator_cut_off", 20)
    ]
    assert "form_truncated_end" in codes(document) and not document.forms[0].is_complete
    (form,) = _read(COLLECTED / "nx_yuanzhou_2022_tgt_forest.txt").forms
    assert (form.indicators[-1].name, form.indicators[-1].target) == (
        "提高森林生态系统服务功能,显著改善项目区及周边地区的生态环境。", None
    )  # fmt: skip
    (form,) = _read(REAL / "fresh9" / "sn_chencang_2021_tgt_forestrestore.txt").forms
    assert form.indicators[-1].name == "草原有害生物防治面积(万亩)"


def test_the_only_row_of_a_named_form_cut_by_the_end_of_the_text_is_no_row():
    """gd_zhaoqing's page stops inside its first indicator name ("产出指标 / 数量指标 / 满足开展", no
    value after it): the form has its name and figures from its own fields, so the cut row goes as
    it would after other rows, and the form stays."""
    lines = text_of(FRESH / "gd_zhaoqing_2024_tgt_elderlycare.txt").split("\n")
    start = lines.index("项目名称")
    (form,) = parse_text("\n".join(lines[start:])).forms
    assert form.project_name == "2024年开展“助老颐养”公益"
    assert form.budget_current == Decimal("50") and form.indicators == []
    document = _read(FRESH / "gd_zhaoqing_2024_tgt_elderlycare.txt")
    assert [i.message.split(" ends")[0] for i in document.issues if i.code == "indicator_cut_off"] == [
        "'满足开展'"
    ]


def test_an_indicator_table_printed_before_its_forms_title_is_that_forms_table():
    """望城's mirror prints the page out of order: its page title, the indicator table's first rows,
    then the same title again with the form's own fields (专项名称 残疾人就业保障金, 资金总额 …). The
    rows were a form of their own, named by the title, and the form had none: one form, its rows."""
    document = _read(THIRD / "hn_wangcheng_2018_tgt_disabledemployment.txt")
    (form,) = document.forms
    assert (form.project_name, form.fiscal_year, form.unit_name) == (
        "残疾人就业保障金",
        2018,
        "长沙市望城区残疾人联合会",
    )
    assert [(row.level2, row.target) for row in form.indicators] == [
        ("数量指标", "各级培训残疾人、扶持残疾人创业就业"),
        ("质量指标", "区、街镇、村社区培训残疾人300人"),
        ("时效指标", None),
    ]
    assert "table_before_title" in codes(document) and "project_name_from_title" not in codes(document)


def test_a_heading_or_a_list_of_forms_with_only_a_guessed_name_is_no_form():
    """Nothing read but a name the title gave ("部门(单位)整体绩效目标申报表" ending the page) or the words
    before a 项目名称 column head ("…自评表清单 | 序号 | 项目名称"): a mention, not a form."""
    document = _read(REAL / "fresh5" / "hn_nanxian_2024_tgt_assetrent.txt")
    assert [form.project_name for form in document.forms] == ["国有资产出租收入应交税费"]
    document = _read(REAL / "fresh3" / "ah_chuzhou_2022_se_sanzhiyifu.txt")
    assert [form.project_name for form in document.forms] == ["“三支一扶”省级财政补助资金"]
    assert "form_mentioned_only" in codes(document)


def test_a_departments_whole_budget_form_is_no_projects_form():
    """hn_nanxian's page goes on from the project's form to a 部门(单位)整体绩效目标申报表 (cut after
    its title there; here with a table of its own): a department's whole budget, named by its title
    alone, is not read as a project. A form under such a title with a 项目名称 of its own is."""
    lines = text_of(REAL / "fresh5" / "hn_nanxian_2024_tgt_assetrent.txt").split("\n")
    whole = [
        "部门(单位)整体绩效目标申报表 | |||||||||",
        "(2025年度) | |||||||||",
        "单位名称 | 南县住房保障服务中心 | |",
    ]
    table = lines[22:31]  # 年度绩效目标 and the indicator table
    document = parse_text("\n".join(lines[:31] + whole + table))
    assert [(form.project_name, len(form.indicators)) for form in document.forms] == [
        ("国有资产出租收入应交税费", 7)
    ]
    assert "department_form_not_read" in codes(document)
    named = whole + ["项目名称 | 机关运行经费 | |"] + table
    document = parse_text("\n".join(lines[:31] + named))
    assert [form.project_name for form in document.forms] == ["国有资产出租收入应交税费", "机关运行经费"]


def test_the_evaluation_frameworks_performance_goal_is_a_level2_under_its_decision_level1():
    """Under 决策 the national evaluation framework's 二级 are 项目立项 / 绩效目标 / 资金投入; 绩效目标 is
    also a word that wraps a table, and was passed over, so its rows stayed under 项目立项."""
    (form,) = _read(COLLECTED / "js_zhenjiang_2024_tgt_pearlbuckpark.txt").forms
    levels = {row.name: (row.level1, row.level2) for row in form.indicators}
    assert levels["立项依据充分性"] == ("决策", "项目立项")
    assert levels["绩效指标明确性"] == levels["绩效目标合理性"] == ("决策", "绩效目标")


def test_the_unit_that_spends_the_money_is_the_forms_unit():
    """Guangdong's municipal target form names its unit 用款单位 (beside 主管部门)."""
    (form,) = _read(FRESH / "gd_zhaoqing_2024_tgt_elderlycare.txt").forms
    assert (form.unit_name, form.supervisor_name) == ("肇庆市民政局、肇庆高新区社会工作局", "肇庆市民政局")


def test_a_note_row_after_the_table_ends_it():
    """ "其他需说明的问题 | 主管…" after a target form's last row (no 总分 to end the table) was read as a
    满意度 row."""
    (form,) = _read(COLLECTED / "hn_xiangtan_2024_tgt_fogcannon.txt").forms
    assert (form.indicators[-1].level2, form.indicators[-1].name) == ("服务对象满意度指标", "满意度")
    assert not any("说明" in (row.name or "") for row in form.indicators)


def test_a_table_end_word_left_inside_run_together_text_is_no_row():
    """hn_hengshan's self-evaluation is run together; its last cell reads "…市民满意度调查290%100%说明无"
    before "注:": the template's 说明 row (its value 无) is the table's foot, not a 满意度 row."""
    (form,) = _read(SHARED / "hn_hengshan_2020_se_grain.txt").forms
    assert [(row.name, row.target) for row in form.indicators][-1] == ("市民满意度调查", "290%")
    assert "说明" not in [row.name for row in form.indicators]


def test_the_fund_execution_row_printed_in_the_indicator_table_is_no_indicator():
    """Hebei's 预算项目绩效自评表 ends its indicator table with the budget's own row, its label in the
    merged 一级 and 二级 cells ("预算执行率 预算执行率", its figures cut here): not a 满意度 indicator."""
    page = text_of(FRESH / "he_chengan_2020_se_centenarian.txt")
    (form,) = parse_text(page).forms
    assert [row.name for row in form.indicators] == [
        "符合条件申报对象覆盖率",
        "完成率",
        "补贴发放率",
        "服务对象满意度",
    ]
    # one cell a line, as a converter prints the same table: the same four rows
    lines = page.split("\n")
    last = lines.index("预算执行率 预算执行率       ")
    one_a_line = lines[:16] + [cell for line in lines[16 : last + 1] for cell in line.split()]
    (form,) = parse_text("\n".join(one_a_line)).forms
    assert [row.name for row in form.indicators][-1] == "服务对象满意度"


def test_an_outcome_printed_after_the_name_again_is_the_rows_outcome():
    """咸宁's self-evaluation, one cell a line, prints its one row as "建设环境空气质量自动监测子站 | 11个 |
    建设环境空气质量自动监测子站 | 0 | 在准备开始建设时…": the 全年完成值 cell repeats the name before its
    figure. The same name again under the same 二级, after a row with no outcome, is that row's outcome."""
    (form,) = _read(REAL / "fresh9" / "hb_xianning_2021_se_airpollution.txt").forms
    (row,) = form.indicators
    assert (row.level2, row.name, row.target, row.actual) == (
        "数量指标",
        "建设环境空气质量自动监测子站",
        "11个",
        "0",
    )
    assert row.deviation_reason.startswith("在准备开始建设时")


def test_no_break_spaces_part_words_as_spaces_do():
    """Web text keeps &nbsp; as the character U+00A0 when a page is saved as text. 衡阳's run-together
    self-evaluation parts its wrapped labels with spaces ("质量 指标", "县级储备粮管理制 度严格执行率");
    with no-break spaces it lost all 16 rows, 保山's "004 >=20次" its sign."""
    for path in (SHARED / "hn_hengshan_2020_se_grain.txt", FRESH5 / "yn_baoshan_2023_se_energy.txt"):
        page = text_of(path)
        (form,) = parse_text(page).forms
        (nbsp,) = parse_text(page.replace(" ", "\u00a0")).forms
        assert len(form.indicators) >= 3
        assert [(r.level2, r.name, r.target) for r in nbsp.indicators] == [
            (r.level2, r.name, r.target) for r in form.indicators
        ]


def test_a_full_width_percent_sign_in_the_unit_column_is_the_targets_unit():
    """大英's table splits its target into 指标性质 | 指标值 | 度量单位 ("… | = | 100 | % | 5"). Typed
    in full width ("％"), the unit was taken for the outcome and the target read "=100"."""
    lines = text_of(REAL / "fresh4" / "sc_daying_2023_se_medinsurance_x2.txt").split("\n")[:8]
    for page in ("\n".join(lines), "\n".join(lines).replace("%", "％")):
        (form, *_) = parse_text(page).forms
        assert v.nfkc(form.indicators[0].target) == "=100%"


def test_a_budget_code_in_full_width_brackets_or_digits_is_stripped_from_the_name():
    """乌海's form prints its codes in brackets ("实施单位 (433001)乌海市供销合作社联合社"), 邛崃's its
    project code before the name; typed in a Chinese input mode, the brackets are "（…）" and the
    digits "４３３００１". The code is no part of the unit's or the project's name either way."""
    lines = text_of(COLLECTED / "nm_wuhai_2021_tgt_recycling.txt").split("\n")
    wide = str.maketrans("()0123456789", "（）０１２３４５６７８９")
    for line in (lines[9], lines[9].translate(wide)):
        (form,) = parse_text("\n".join([*lines[:9], line, *lines[10:]])).forms
        assert form.unit_name == "乌海市供销合作社联合社"
    page = text_of(SHARED / "sc_qingshen_2023_se_salary.txt")
    (form,) = parse_text(page).forms
    (wide_form,) = parse_text(page.translate(str.maketrans("0123456789", "０１２３４５６７８９"))).forms
    assert wide_form.project_name == form.project_name == "工资性支出"


def test_a_label_printed_one_character_a_line_before_a_spaced_out_label():
    """汉阴's 一级 is printed one character a line ("产" | "出" | "指" | "标") before its first 二级,
    "数量指标"; a Word table spacing that head out ("数 量 指 标") left its characters as four cells
    glued to the 一级 ("产出指标数 量 指 标"), and the first row lost its 二级."""
    page = text_of(FRESH5 / "sn_hanyin_2022_tgt_inclusivefinance.txt")
    spaced = page.replace("\n数量指标\n", "\n数 量 指 标\n", 1)
    assert spaced != page
    for text in (page, spaced):
        (form,) = parse_text(text).forms
        assert (form.indicators[0].level1, form.indicators[0].level2) == ("产出指标", "数量指标")


@pytest.mark.parametrize(
    "path",
    [
        COLLECTED / "ah_huoshan_2024_se_medicalaid.txt",  # a head the vocabulary reads only in a header
        FRESH / "hb_huangshi_2022_se_libraryshare.txt",  # a wrapper before the heads on their line
    ],
)
def test_the_indicator_header_printed_again_where_a_page_broke_is_no_row(path: Path):
    """A table that runs over a page prints its header again at the top of the next ("二级指标 |
    三级指标 | 指标值 | 全年实际完成值 | …"): its heads were read as a row of the 二级 above
    ('全年实际完成值', '年度绩效目标1 (80分)')."""
    lines = text_of(path).split("\n")
    head = next(k for k, line in enumerate(lines) if "三级指标" in line)
    at = head + 4
    page = "\n".join(lines)
    again = "\n".join([*lines[:at], lines[head], *lines[at:]])
    (form,) = parse_text(page).forms
    (form_again,) = parse_text(again).forms
    assert [(r.level1, r.level2, r.name, r.target) for r in form_again.indicators] == [
        (r.level1, r.level2, r.name, r.target) for r in form.indicators
    ]


def test_guangdongs_bond_form_labels_end_the_project_name_in_run_together_text():
    """罗湖's 专项债券 self-evaluation prints "项目名称 | … | 投向领域 | 老旧小区改造领域…" and then
    "项目实施内容 | …". A mirror that runs each row's cells together ("项目名称罗湖区…(南湖街道)投向领域
    老旧小区改造领域15500") gave the name the words up to the next known label: the form matched no
    gold name. The two labels are read by no field, and end the value before them."""
    lines = text_of(REAL / "fresh3" / "gd_luohu_2022_se_gaspipe.txt").split("\n")
    run_together = ["".join(part.strip() for part in line.split("|")) for line in lines]
    assert run_together[0].startswith("项目名称罗湖区全面实施“瓶改管”工程 (南湖街道)投向领域")
    (form,) = parse_text("\n".join(run_together)).forms
    assert form.project_name == "罗湖区全面实施“瓶改管”工程(南湖街道)"
    assert form.supervisor_name == "罗湖区住房和建设局"


def _reads_alike_reprinted(page: str, pattern: str, replacement: str):
    """The page's one form, once the page re-printed (``re.sub``) has been read to the same indicator
    names and targets."""
    reprinted = re.sub(pattern, replacement, page)
    assert reprinted != page
    (form,) = parse_text(page).forms
    (form_reprinted,) = parse_text(reprinted).forms
    assert [(r.name, r.target) for r in form_reprinted.indicators] == [
        (r.name, r.target) for r in form.indicators
    ]
    return form


@pytest.mark.parametrize(
    "path",
    [
        FRESH3 / "ah_yuan_2022_se_relics.txt",  # rows parted by spaces: "指标1:验收通过率 100% 95% 6 5"
        REAL / "fresh2" / "sc_nd_se_inclusivefinance.txt",  # run together: "…增长率≥10%≥10%…"
    ],
)
def test_a_percent_sign_one_space_after_its_figure_is_the_figures(path: Path):
    """PDF text often prints "100 %": with one space before it the percent sign was a word of its
    own, and the targets lost it ("100", "≥95") or rows were lost. A run of spaces still parts
    columns (the re-printed shapes' "100   %" is 指标值 | 度量单位)."""
    form = _reads_alike_reprinted(text_of(path), r"(\d)%", r"\1 %")
    assert any("%" in (r.target or "") for r in form.indicators)


def test_a_unit_one_space_after_its_figure_is_the_figures():
    """池州's rows are parted by spaces ("基建工程委托业务项目数量 ≥50个 …"); printed "≥50 个", "≤90 万元"
    (as PDF text and hand-typed pages space them) the unit was a word of its own and the target lost
    it. A year's, a month's or a day's word is left as printed."""
    form = _reads_alike_reprinted(
        text_of(REAL / "fresh2" / "ah_chizhou_2022_se_entrust.txt"), r"(\d)(个|万元)", r"\1 \2"
    )
    assert {"≥50个", "≤90万元"} <= {r.target for r in form.indicators}


def test_the_full_years_outcome_column_is_the_outcome():
    """霍山's self-evaluation heads its columns "指标值 | 全年实际完成值 | 未完成原因和改进措施": the
    outcome's head was unknown, so the outcome (110406) was not read as one."""
    (form,) = _read(COLLECTED / "ah_huoshan_2024_se_medicalaid.txt").forms
    row = form.indicators[0]
    assert (row.name, row.target, row.actual) == ("享受医疗救助人次", "≥50000人次", "110406")


def test_a_numbered_category_label_is_read_without_its_number():
    """Some templates number their categories ("一、产出指标", "(一)数量指标", "1.数量指标"). The labels
    were known (their keys drop the number) but read with it, so every row's 一级/二级 differed from
    the form's words; the number goes as a note such as "(50分)" does."""
    page = text_of(COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt")
    numbered = (
        page.replace("\n产出指标 |", "\n一、产出指标 |").replace("\n数量指标 |", "\n(一)数量指标 |")
        .replace("\n质量指标 |", "\n2.质量指标 |")
    )  # fmt: skip
    assert numbered.count("、产出指标") == 1 and "(一)数量指标" in numbered and "2.质量指标" in numbered
    (form,) = parse_text(page).forms
    (form_numbered,) = parse_text(numbered).forms
    levels = [(r.level1, r.level2, r.name) for r in form.indicators]
    assert [(r.level1, r.level2, r.name) for r in form_numbered.indicators] == levels
    assert ("产出指标", "数量指标") in {(l1, l2) for l1, l2, _ in levels}


@pytest.mark.parametrize(
    "path",
    [
        FRESH / "gd_zhaoqing_2024_tgt_elderlycare.txt",  # the project's name: "2024 年开展“助老颐养”…"
        COLLECTED / "sc_anju_2021_se_foodsafety.txt",  # a target: "2021 年 12 月 31 日"
    ],
)
def test_a_year_month_or_day_one_space_after_its_figure_is_the_figures(path: Path):
    """PDF text spaces a date's words from its figures ("2021 年 12 月 31 日"): the words stood alone,
    a target kept only "2021", and a name that starts with its year ("2024 年开展…") was cut there
    (肇庆's form was lost)."""
    page = text_of(path)
    spaced = re.sub(r"(\d)([年月日])", r"\1 \2", page)
    assert spaced != page
    reading = [
        (f.project_name, f.fiscal_year, [(r.name, r.target) for r in f.indicators])
        for f in parse_text(page).forms
    ]
    assert (
        [
            (f.project_name, f.fiscal_year, [(r.name, r.target) for r in f.indicators])
            for f in parse_text(spaced).forms
        ]
        == reading
        != []
    )


@pytest.mark.parametrize("label", ["合计得分", "得分总计", "综合得分", "自评得分合计"])
def test_other_wordings_of_the_total_score_row(label: str):
    """永德's self-evaluation ends "总分 | 100 | 96 | …"; templates word the row otherwise too. Read as a
    row of the table under another label, its score was lost and its figures were a spurious row."""
    page = text_of(SHARED / "yn_yongde_2022_se_nutrition.txt")
    assert page.count("总分") == 1
    (form,) = parse_text(page).forms
    (form_worded,) = parse_text(page.replace("总分", label)).forms
    assert form.total_score == form_worded.total_score == Decimal("96")
    assert [r.name for r in form_worded.indicators] == [r.name for r in form.indicators]


def test_a_rate_printed_under_its_head_without_its_percent_sign_is_the_rate_where_the_figures_agree():
    """Hebei's 预算项目绩效自评表 heads its fund row 预算执行进度(%) and prints the rate bare at the row's
    end ("预算数 6.84 到位数 6.84 执行数 6.84 100.00"): 执行数 / 预算数 tells it is the 执行率."""
    page = text_of(FRESH / "he_chengan_2020_se_centenarian.txt")
    (form,) = parse_text(page).forms
    assert (form.full_year_budget, form.executed, form.execution_rate_stated) == (
        Decimal("6.84"), Decimal("6.84"), Decimal("100.00")
    )  # fmt: skip
    half = page.replace("执行数 6.84 100.00", "执行数 3.42 50.00")
    assert half != page and parse_text(half).forms[0].execution_rate_stated == Decimal("50.00")
    other = page.replace("执行数 6.84 100.00", "执行数 3.42 100.00")  # the figures disagree: not the rate
    assert parse_text(other).forms[0].execution_rate_stated is None


def test_a_level2_label_wrapped_around_its_row_is_put_back_together():
    """One cell a line, a merged 二级 cell's wrapped label prints around its row: "社会公众或服务" |
    "政策满意度" | "≥90%" | "对象满意度指标". The row was left under the 二级 before it (可持续影响指标)."""
    (form,) = _read(FRESH / "hb_wh_qingshan_2021_tgt_scitech.txt").forms
    last = form.indicators[-1]
    assert (last.level1, last.level2, last.name, last.target) == (
        "效益指标", "社会公众或服务对象满意度指标", "政策满意度", "≥90%"
    )  # fmt: skip
    assert form.indicators[-2].level2 == "可持续影响指标"


def test_cost_after_rows_whose_categories_the_page_lost_is_a_level2():
    """sc_daying's page opens inside the table: its first row has no 一级/二级, then "成本指标 | name"
    with no 二级 label after it. Like 成本指标 after 数量/质量/时效, that is the 二级 (its 一级 not
    printed), not a 一级 of its own."""
    forms = _read(REAL / "fresh4" / "sc_daying_2023_se_medinsurance_x2.txt").forms
    rows = {row.name: (row.level1, row.level2) for row in forms[0].indicators}
    assert rows["城乡居民参保网络宣传成本预算"] == (None, "成本指标")
    assert rows["城乡居民参保网络宣传群众知晓率"] == ("效益指标", "社会效益指标")


def test_hainans_older_framework_levels_are_level1_labels():
    """Hainan's 项目绩效目标表 types its rows 产出指标 / 成效指标 / 效率指标 (指标类型 | 指标名称 | 绩效目标):
    成效指标 and 效率指标 were read as names, every row after them under 产出指标."""
    document = _read(REAL / "fresh5" / "hi_haikou_2016_tgt_archives.txt")
    (form,) = document.forms
    rows = {row.name: row for row in form.indicators}
    row = rows["向社会公开政府公开信息和记录市领导政务活动信息"]
    assert (row.level1, row.target) == ("成效指标", "向社会公开政府公开信息及记录市领导政务活动信息")
    assert "成效指标" not in rows and "效率指标" not in rows
    # the one 效率指标 row, "项目资金到位率  全", is where the stored page stops: its target cut
    assert [i.message for i in document.issues if i.code == "indicator_cut_off"] == [
        "'项目资金到位率' ends the text, its last value cut ('全'): not read"
    ]


def test_a_form_printed_again_and_cut_in_a_value_is_the_same_form():
    """The page's metadata 内容概述 cell holds the whole self-evaluation run together; the form then
    restarts in pipe rows and is cut inside 资金使用单位 ("市農(nóng)"). Same name, type and year, no
    figure disagreeing, a unit that is the other's beginning: one form, not two."""
    (form,) = _read(REAL / "fresh4" / "ah_xuancheng_2024_se_animalepidemic.txt").forms
    assert form.unit_name == "市農(nóng)業(yè)農(nóng)村局-市畜牧獸醫(yī)服務(wù)中心"
    assert (form.full_year_budget, form.executed) == (Decimal("390"), Decimal("390"))


@pytest.mark.parametrize(
    "foot",
    ["填表说明:1、指标值请填写具体数值。2、定性指标填写达成情况。", "填报说明 | 绩效指标按照项目实际填写 |",
     "联系人:张三 联系电话:0731-1234567", "审核人:李四", "制表人:王五  联系电话:12345678",
     "浏览次数: 88", "阅读次数:1234", "责任编辑:张三", "【打印】【关闭】"],
)  # fmt: skip
def test_the_sheets_foot_after_a_target_forms_table_is_no_row(foot: str):
    """A target form has no 总分 row to end its table: the notes and signatures under the sheet
    (填表说明, 联系人, 审核人 …) and the web page's furniture (浏览次数:, 责任编辑, 【打印】) were read
    as a last row."""
    page = text_of(COLLECTED / "sc_zhaohua_2021_tgt_familyaid.txt")
    (form,) = parse_text(page).forms
    (footed,) = parse_text(page.rstrip("\n") + "\n" + foot + "\n").forms
    assert [(r.name, r.target) for r in footed.indicators] == [(r.name, r.target) for r in form.indicators]


@pytest.mark.parametrize(
    "note",
    ["填报说明:本表由项目单位填写,项目名称填写预算项目全称。", "填表说明:项目名称:请填写项目全称;实施单位:填写具体实施单位。"],
)  # fmt: skip
def test_a_templates_note_on_how_to_fill_a_field_is_no_value(note: str):
    """A 填报说明 printed above or below the form tells how to fill its labels ("项目名称填写预算项目
    全称"): the instruction became the project's name, or a second form's."""
    page = text_of(COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt")
    forms = [(f.project_name, f.unit_name, len(f.indicators)) for f in parse_text(page).forms]
    assert forms[0][0] == "农村文化建设配套补助经费"
    assert [
        (f.project_name, f.unit_name, len(f.indicators)) for f in parse_text(note + "\n" + page).forms
    ] == forms
    assert [
        (f.project_name, f.unit_name, len(f.indicators)) for f in parse_text(page + "\n" + note).forms
    ] == forms


@pytest.mark.parametrize(
    "heading",
    ["关于公开2023年度项目支出绩效目标表的说明", "附件:2023年部门整体支出绩效目标表及项目支出绩效目标表",
     "2022年度项目支出绩效自评表"],
)  # fmt: skip
def test_a_heading_above_a_page_that_opens_inside_its_table_keeps_the_table(heading: str):
    """sc_dyrmt's page opens inside a self-evaluation's table (no title, no header). A heading line
    above it, a notice about forms ("…绩效目标表的说明"), a list of them ("…绩效目标表及…绩效目标
    表") or the form's own title, made the table a mention's: the form was lost."""
    page = text_of(REAL / "fresh2" / "sc_dyrmt_nd_se_wagetail.txt")
    (form,) = parse_text(page).forms
    rows = [(r.level2, r.name, r.target) for r in form.indicators]
    assert len(rows) == 4
    (headed,) = parse_text(heading + "\n" + page).forms
    assert [(r.level2, r.name, r.target) for r in headed.indicators] == rows


@pytest.mark.parametrize(
    "summary",
    ["项目支出绩效自评结果汇总表\n序号 | 项目名称 | 自评得分 | 等级 |\n1 | 农村公路养护 | 95 | 优 |",
     "序号 | 项目名称 | 预算金额(万元) | 自评得分 |\n1 | 农村公路养护 | 100 | 95 |\n2 | 村级道路建设 | 50 | 90 |"],
)  # fmt: skip
@pytest.mark.parametrize(
    "path", [COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt", SHARED / "yn_yongde_2022_se_nutrition.txt"]
)
def test_a_summary_list_of_projects_after_the_forms_is_no_form_and_no_row(path: Path, summary: str):
    """A page may close with a list of its projects (序号 | 项目名称 | 自评得分 …, maybe under its own
    title …汇总表): its title was read as a row, and 项目名称 as a form's label (a form named
    "自评得分")."""
    page = text_of(path)
    forms = [(f.project_name, [(r.name, r.target) for r in f.indicators]) for f in parse_text(page).forms]
    listed = parse_text(page.rstrip("\n") + "\n" + summary + "\n").forms
    assert [(f.project_name, [(r.name, r.target) for r in f.indicators]) for f in listed] == forms


def test_a_binary_files_last_row_with_a_blank_target_stays():
    """A spreadsheet is never cut mid-cell, and its rows drop their trailing empty cells: a last row
    printed with its target blank ends the lines the same way as a text page cut inside its name,
    but stays a row."""
    from tests.office_forms import gold_form, target_table, xlsx_bytes

    form = gold_form("shared/hb_wh_qingshan_2020_tgt_school", 1)
    form["indicators"][-1]["target"] = None
    (read,) = parse_bytes(xlsx_bytes([target_table(form)], one_sheet=True), "form.xlsx").forms
    assert (read.indicators[-1].name, read.indicators[-1].target) == (form["indicators"][-1]["name"], None)


def test_a_row_naming_a_list_is_still_a_row():
    """A …汇总表/一览表 title ends the table; an indicator naming one, its value after it, does not."""
    page = text_of(COLLECTED / "ah_huaibei_2025_tgt_villageopera.txt").rstrip("\n")
    (form,) = parse_text(page + "\n编制项目一览表 |\n1份 |\n|||\n").forms
    assert (form.indicators[-1].name, form.indicators[-1].target) == ("编制项目一览表", "1份")


def run_together(page: str) -> str:
    """A page whose bar rows lost their separators, as a document preview or an HTML table's text
    prints them: each row's cells run together, empty cells gone (tests/real/reshape.py's cells)."""
    return "\n".join(
        "".join(cell.strip() for cell in line.strip().strip("|").split("|")) if "|" in line else line
        for line in page.split("\n")
    )


@pytest.mark.parametrize(
    ("path", "name", "target"),
    [
        (FRESH / "tj_ninghe_2020_tgt_kindergartenrent.txt", "补贴标准", "71.86元/平方米"),
        (COLLECTED / "tj_xqmirror_2020_tgt_sanitation.txt", "保障期限", "2020年1月--2020年11月"),
    ],
)
def test_a_per_unit_word_and_a_doubled_dash_range_are_one_value_in_run_together_rows(
    path: Path, name: str, target: str
):
    """In a row run together ("成本指标补贴标准71.86元/平方米", "保障期限2020年1月--2020年11月") a value is
    cut out of the words by its shape: a unit after the slash was read one character long ("元/平")
    and a range's dash only single, so the value stopped short and the row was lost."""
    glued = run_together(text_of(path))
    assert name + target in glued
    rows = {(r.name, r.target) for f in parse_text(glued).forms for r in f.indicators}
    assert (name, target) in rows


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        (
            COLLECTED / "nx_yuanzhou_2022_tgt_forest.txt",
            [("实施未成林抚育提升及退化林改造总面积(亩)", "50000"), ("修建作业道长度(公里)", "30")],
        ),
        (COLLECTED / "tj_xqmirror_2020_tgt_sanitation.txt", [("清扫保洁道路条数", "485条")]),
    ],
)
def test_a_name_then_its_measure_ends_a_row_in_a_page_run_together_on_one_line(path: Path, rows: list):
    """A page on one line, each row's cells run together and the rows parted by a space: a figure
    after a name closed by its unit in brackets ("…总面积(亩)50000修建作业道…"), or a figure with
    its unit after words that end as a name's do ("清扫保洁道路条数485条"), is the row's target; the
    words ran on into the next row's name, or were taken for one name."""
    one_line = " ".join(run_together(text_of(path)).split("\n"))
    read = {(r.name, r.target) for f in parse_text(one_line).forms for r in f.indicators}
    assert set(rows) <= read


def test_a_templates_fill_hint_ends_its_label_where_the_cells_run_together():
    """Ningxia's template marks its 二级 labels "(必填硬性指标)", "(必填)", "(选填)". Where a row's
    cells run together ("数量指标 (必填硬性指标)实施营造林总面积(亩)80000") the hint went to the
    name, or the name and its figure stayed one word; the hint ends the label's cell."""
    page = text_of(COLLECTED / "nx_yuanzhou_2022_tgt_forest.txt")
    for text in (run_together(page), " ".join(run_together(page).split("\n"))):
        read = {(r.level2, r.name, r.target) for f in parse_text(text).forms for r in f.indicators}
        assert ("数量指标", "实施营造林总面积(亩)", "80000") in read
        assert ("社会效益指标", "受益人数(人)", "132") in read
        assert not any(name.startswith("(") for _, name, _ in read)


def test_a_category_label_wrapped_at_its_space_stays_one_label_where_the_cells_run_together():
    """A cell wraps "社会效益指标" as "社会效益 指标"; where the row's cells run together the 指标 ran
    into the name ("社会效益 指标政策知晓率═100%98%109"): the row was read as a name '指标政策知晓率…'
    with no target. The stem and its 指标 are one label, so the name and its values follow it."""
    glued = run_together(text_of(SHARED / "yn_yongde_2022_se_nutrition.txt"))
    assert "社会效益 指标政策知晓率═100%" in glued
    read = {(r.level2, r.name, r.target) for f in parse_text(glued).forms for r in f.indicators}
    assert ("社会效益指标", "政策知晓率", "═100%") in read


@pytest.mark.parametrize(
    ("path", "row"),
    [
        (FRESH3 / "sc_suining_2021_se_drugsupervision.txt", ("化妆品抽验批次", "≥3")),
        (FRESH3 / "ah_yuan_2022_se_relics.txt", ("修缮建筑面积", "6000平方米")),
    ],
)
def test_an_indicators_number_starts_a_row_where_the_rows_run_together(path: Path, row: tuple):
    """Sichuan's and Anhui's self-evaluations number their indicators ("指标2.化妆品抽验批次",
    "指标2:修缮建筑面积"). With the lines of a table run together, as an HTML table's text is
    flattened, the row before ended in a figure glued to the number ("…≥34指标2.化妆品抽验批次≥37…"):
    the name began with the figure and matched nothing. The number starts a row."""
    flat = re.sub(r"(?<=\S)\n(?=\S)", "", text_of(path))
    assert "指标2" in flat and "\n指标2" not in flat
    read = {(r.name, r.target) for f in parse_text(flat).forms for r in f.indicators}
    assert row in read


def test_a_self_evaluations_target_printed_again_as_its_outcome_parts_a_run_together_row():
    """A self-evaluation often repeats a qualitative target as the outcome. With the row's cells run
    together ("以最新资源面市资源采购期以当年为主资源采购期以当年为主10") no value could be cut out of the
    words: the row read as one long name. The text printed twice before the score is the target
    and the outcome; the words before it the name."""
    glued = run_together(text_of(FRESH / "hb_huangshi_2022_se_libraryshare.txt"))
    assert "以最新资源面市资源采购期以当年为主资源采购期以当年为主10" in glued
    read = {(r.name, r.target) for f in parse_text(glued).forms for r in f.indicators}
    assert ("以最新资源面市", "资源采购期以当年为主") in read


def test_a_field_label_inside_a_name_closed_by_its_unit_is_no_label_in_a_spaced_line():
    """A name holding a field label ("天保工程实施单位保险参保人数(人)") was cut on the label when the
    page's cells were parted by single spaces, the rows between empty ones on one line: the name
    became '天保工程' and the label's value. A word closed by its unit in brackets, one label inside it, is a name, as a
    line of its own already was."""
    page = text_of(REAL / "fresh9" / "sn_chencang_2021_tgt_forestrestore.txt")
    rows = [
        " ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip())
        for line in page.split("\n")
    ]
    spaced = re.sub(r"(?<=\S)\n(?=\S)", " ", "\n".join(rows))  # the rows between empty ones on one line
    assert "数量指标 天保工程实施单位保险参保人数(人)" in spaced
    read = {r.name for f in parse_text(spaced).forms for r in f.indicators}
    assert "天保工程实施单位保险参保人数(人)" in read


def test_a_measured_names_value_whose_unit_goes_on_is_no_row_end():
    """A target of several measures run together ("建筑面积2.6万平方米,展示面积1万平方米", one cell a
    line) is one target: the value cut out after 面积 stops inside its unit (2.6万|平方米), so it ends
    no row there, though a value after a measured name does ("补贴标准71.86元/平方米")."""
    page = text_of(REAL / "fresh2" / "gd_dongguan_2022_tgt_property.txt")
    one_per_line = "\n".join(
        cell.strip() + "\n" for line in page.split("\n") for cell in line.split("|") if cell.strip()
    )
    read = {(r.name, r.target) for f in parse_text(one_per_line).forms for r in f.indicators}
    assert ("物管服务面积", "建筑面积2.6万平方米,展示面积1万平方米") in read
    assert not any(name == "建筑面积" for name, _ in read)


def test_a_key_indicators_stars_keep_a_label_word_inside_its_name_one_cell_a_line():
    """Anhui's ★★★ mark core indicators; "★★★其中:…建档立卡贫困人口数量" is one name, not a 其中 sub-row
    label cutting it: the page read one cell a line gives the row the bars gave it."""
    lines = text_of(FRESH / "ah_suixi_2019_se_tempaid.txt").split("\n")
    name = "★★★其中:农村低保对象中建档立卡贫困人口数量(按月平均)(≥**人)"
    for shape in (lines, _rendered(cells_of(lines), "one cell per line")):
        (form,), _ = read_forms(shape)
        assert [(i.name, i.target) for i in form.indicators if "其中" in i.name] == [(name, ">=9431人")]


def test_kinds_counted_in_zhong_are_a_unit_one_space_after_the_figure():
    """种 counts kinds as 个 counts things ("发放健康教育资料 不少于12 种"): the unit of the target
    the space parts from its figure, not an outcome of its own."""
    lines = text_of(REAL / "fresh7" / "sx_jishan_2021_se_publichealth.txt").split("\n")
    (form,), _ = read_forms(lines)
    row = next(i for i in form.indicators if i.name == "发放健康教育资料")
    assert (row.target, row.actual) == ("不少于12种", None)


def test_a_coded_unit_run_onto_the_last_target_opens_the_next_form():
    """Two forms printed one after the other, a table's rows run together and flattened as an HTML
    table's text is: the next form's unit, printed with its budget code and no label, ran onto the
    last row's target ("干警满意度干警满意度≥95百分比207101天津市河北区人民法院单位:万元项目名称…").
    "207101天" read as a figure and its unit, the row and the next form were lost; the coded name
    opens the next form's unit row, and the next form's 项目名称 is no header column for the 一级指标 |
    二级指标 further on its row, behind its values."""
    flat = re.sub(r"(?<=\S)\n(?=\S)", "", run_together(text_of(FRESH / "tj_hebei_court_2023_tgt_x2.txt")))
    assert "≥95百分比207101天津市河北区人民法院单位:万元项目名称" in flat
    first, second = parse_text(flat).forms
    assert (first.indicators[-1].name, first.indicators[-1].target) == ("干警满意度", "≥95百分比")
    assert (first.project_name, second.project_name) == ("安全隐患维修", "办案业务费(陪审员及互联网专线)")
    # a figure and its count's unit in prose is no coded unit, whatever the words end in
    prose = "用于维修审判楼玻璃幕墙等共计200000元用于审判大楼管理中心"
    assert [c.text for c in cut_glued(prose, 1, 1, True)] == [prose]


def test_a_coded_unit_opens_a_project_in_a_project_list_on_one_line():
    """A department's project list (项目名称 | 项目单位 | … | 一级指标 …) printed on one line: the
    next project's own cells followed the last row's ("…办公设备采购数量 正向 大于等于 10 7.5 办案(业务)经费
    776001-扎赉特旗人民检察院 32-专项资金项目 3,239,300.00 …") and were read as an indicator. Its unit's
    coded name, its budget where the list puts it, opens the project."""
    from tests.real.reshape import PAGE_SHAPES

    page = text_of(FRESH / "nm_zhalaite_procuratorate_nd_tgt_x2.txt")
    (one_line,) = PAGE_SHAPES["one_line"](page.split("\n"))
    forms = parse_text(one_line).forms
    assert [f.project_name for f in forms] == ["业务装备经费", "办案(业务)经费"]
    assert forms[1].budget_current == Decimal("3239300.00")
    assert not any(r.name == "办案(业务)经费" for f in forms for r in f.indicators)


def test_a_figure_in_ten_thousands_of_a_unit_is_one_target_where_the_cells_run_together():
    """ "清扫保洁道路面积1346.0088万平方米": a unit counted in ten thousands (万平方米, 万亩) was cut after its
    万, the rest ("平方米") left to the next row's name; and "1346.00" was read as a year and a month
    (yyyy.mm), the figure cut in two. The whole measure is the target."""
    glued = run_together(text_of(COLLECTED / "tj_xqmirror_2020_tgt_sanitation.txt"))
    assert "清扫保洁道路面积1346.0088万平方米\n" in glued
    rows = {(r.name, r.target) for f in parse_text(glued).forms for r in f.indicators}
    assert ("清扫保洁道路面积", "1346.0088万平方米") in rows


@pytest.mark.parametrize("indent", ["  ", "\t"], ids=["two_spaces", "tab"])
def test_an_outline_indented_by_wider_steps_or_tabs_reads_the_same(indent: str):
    """A budget system's tree shows its levels only by indentation (unit, project, 一级, 二级, 三级
    one space deeper each). A copy that widens every step alike (two spaces, a tab for each) keeps
    the tree: the levels are the distinct steps, not one space each. Two spaces read no tree and
    a tab was no indentation at all: the page gave a form of 5 rows named after its heading."""
    page = text_of(FRESH / "nx_shizuishan_2020_tgt_vaccines.txt")
    widened = re.sub(r"(?m)^ +", lambda m: indent * len(m.group()), page)
    (stored,) = parse_text(page).forms
    (form,) = parse_text(widened).forms
    assert (form.project_name, form.unit_name, form.budget_current) == (
        stored.project_name, stored.unit_name, stored.budget_current
    )  # fmt: skip
    assert [(r.level1, r.level2, r.name, r.target) for r in form.indicators] == [
        (r.level1, r.level2, r.name, r.target) for r in stored.indicators
    ]
    assert len(form.indicators) == 13


@pytest.mark.parametrize(
    ("path", "project"),
    [
        (FRESH5 / "cq_jiangjin_2021_tgt_municipalmaint.txt", "市政日常维护经费"),
        (COLLECTED / "cq_rongchang_2022_tgt_greening.txt", "古昌镇大青冈村乡村振兴绿化美化项目"),
        (FRESH5 / "sc_zitong_2023_se_deputyhome.txt", "人大代表之家建设"),
        # the page prints "专项名称金 |": the stray 金 stays the name's
        (REAL / "fresh9" / "sn_chencang_2021_tgt_forestrestore.txt", "金林业草原生态保护恢复资金"),
    ],
)
def test_a_templates_own_labels_cut_a_flattened_page(path: Path, project: str):
    """With a page's lines run together, as an HTML table flattened to its text, only the labels
    part a field's value from the next: Chongqing's 项目(专项)名称 and 项目预计开始时间 | 预计完成时间,
    Sichuan's 政策(项目)名称, a transfer payment's 区级财政部门 were no labels, so the form had no
    name, or the dates or the next field in it."""
    flat = re.sub(r"(?<=\S)\n(?=\S)", "", run_together(text_of(path)))
    assert [f.project_name for f in parse_text(flat).forms] == [project]


@pytest.mark.parametrize("shape", ["bars", "tabs", "space_aligned"])
def test_a_category_column_left_empty_keeps_the_next_columns_in_place(shape: str):
    """Anhui's project list prints its 一级 categories as columns (产出指标 | 效益指标 | 满意度指标).
    With a project's 产出 cell empty, its 效益 cell was read under 产出 and its 满意度 under 效益: the
    empty cells were dropped before the columns were counted. A bar or tab row keeps an empty
    cell's place by its separators; a row spaced into columns (pdftotext's layout) by where each
    cell starts, under its column."""
    from tests.real.reshape import PAGE_SHAPES

    page = text_of(FRESH5 / "ah_huoshan_2023_tgt_farmmachinery_x3.txt")
    row = next(line for line in page.split("\n") if line.startswith("2 | "))
    cells = row.split(" | ")
    assert cells[6].startswith("庙岗集村农业机械化服务设备")  # the 产出指标 column
    page = page.replace(row, " | ".join([*cells[:6], "", *cells[7:]]))
    if shape == "tabs":
        page = "\n".join(line.replace(" | ", "\t").replace("|", "\t") for line in page.split("\n"))
    elif shape == "space_aligned":
        page = "\n".join(PAGE_SHAPES["space_aligned"](page.split("\n")))
    second = parse_text(page).forms[1]
    assert second.project_name == "庙岗集村农业机械化服务项目"
    assert [(r.level1, r.name, r.target) for r in second.indicators] == [
        ("效益指标", "受益户数", "≥300户"),
        ("效益指标", "受益脱贫户数", "≥20户"),
        ("满意度指标", "脱贫人口满意度", "≥90%"),
    ]
