"""Labels the forms use, kept as data in one place.

Parsers find fields by these labels and by the form's structure, never by line or column
positions. Keys are folded with ``text.fold`` (NFKC, no whitespace, no trailing colon), so
"项目总预算（元）：" and "项目总预算(元):" match the same entry once the unit is cut off.
"""

from __future__ import annotations

# Form titles → form type. Checked with `in` against a folded line.
FORM_TITLES: dict[str, str] = {
    "项目支出绩效自评表": "self_eval",
    "绩效自评表": "self_eval",
    "绩效目标申报表": "target",
    "绩效目标表": "target",
}

# Sheet suffixes that continue the form already open rather than start a new one
# (district forms print 项目总体情况 / 绩效目标 / 制度保障 as separate sheets of one form).
CONTINUATION_SHEETS = ("(绩效目标)", "(制度保障)", "(项目构成)", "(项目资金)")

# Header fields: folded label (unit marker removed) → Form attribute.
FIELD_LABELS: dict[str, str] = {
    "申报单位名称": "unit_name",
    "申报单位": "unit_name",
    "填报单位(盖章)": "unit_name",
    "填报单位": "unit_name",
    "实施单位": "unit_name",
    "单位名称": "unit_name",
    "主管部门": "supervisor_name",
    "主管部门及代码": "supervisor_name",
    "主管单位": "supervisor_name",
    "项目名称": "project_name",
    "项目类别": "project_category",
    "项目类型": "project_category",
}

# Budget figures: folded label with its unit marker removed → Form attribute.
BUDGET_LABELS: dict[str, str] = {
    "项目总预算": "budget_total",
    "总预算": "budget_total",
    "中期资金总额": "budget_total",
    "项目当年预算": "budget_current",
    "当年预算": "budget_current",
    "年度本级预算金额": "budget_current",
    "年度资金总额": "budget_current",
    "资金总额": "budget_current",
    "同名项目上年预算额": "prior_year_budget",
    "上年预算额": "prior_year_budget",
    "同名项目上年预算执行数": "prior_year_executed",
    "上年预算执行数": "prior_year_executed",
}

# Prefixes of numbered budget lines ("一、项目总预算：296.00") that are layout, not label.
BUDGET_LINE_PREFIX = r"^(?:[一二三四五六七八九十]+、|\(\S{1,2}\)|\d+\.)\s*"

# Indicator table header cells → role.
INDICATOR_HEADER: dict[str, str] = {
    "一级目标": "level1",
    "一级指标": "level1",
    "二级目标": "level2",
    "二级指标": "level2",
    "三级目标": "name",
    "三级指标": "name",
    "指标名称": "name",
    "指标目标值": "target",
    "目标值": "target",
    "指标值": "target",
    "年度指标值": "target",
    # Some provinces print a target in three cells: 指标性质 (≥ ≤ = or 定性), 指标值, 度量单位.
    "指标性质": "target_operator",
    "度量单位": "target_unit",
    "计量单位": "target_unit",
    "实际完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "得分": "score",
    "偏差原因分析及改进措施": "deviation_reason",
    "备注": "note",
}

# Category labels (folded). 一级 and 二级 of the national framework and of the older Shanghai forms.
LEVEL1_LABELS: frozenset[str] = frozenset(
    {
        "投入与管理", "投入和管理", "投入和管理目标", "投入与管理目标",
        "产出目标", "效果目标", "影响力目标",
        "产出指标", "效益指标", "满意度指标", "成本指标",
    }
)  # fmt: skip

LEVEL2_LABELS: frozenset[str] = frozenset(
    {
        "投入管理", "财务管理", "实施管理", "资产管理",
        "数量", "质量", "时效", "成本",
        "社会效益", "经济效益", "环境效益", "生态效益", "生态环境", "满意度",
        "长效管理", "人力资源", "配套设施", "信息共享", "部门协助", "其它", "其他",
        "数量指标", "质量指标", "时效指标", "成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
        "服务对象满意度指标", "社会公众或服务对象满意度指标",
        "经济成本指标", "社会成本指标", "生态环境成本指标",
        # 以工代赈 中央预算内投资计划绩效目标表: the 二级 under 过程管理指标
        "计划管理指标", "资金管理指标", "项目管理指标", "监督检查指标",
    }
)  # fmt: skip

# Labels that wrap the indicator table in some layouts without being a category.
WRAPPER_LABELS: frozenset[str] = frozenset({"绩效目标", "年度绩效目标", "绩效指标", "年度绩效指标"})

# Lines that declare the money unit for the whole form ("金额单位：万元").
AMOUNT_UNIT_LABELS = ("金额单位", "单位:万元", "单位:元")

# Headings of a form's fund block; with a unit marker ("项目资金（万元）") they state the unit of
# every figure in it, whose own labels (年度资金总额) carry none.
AMOUNT_UNIT_BLOCK_LABELS: frozenset[str] = frozenset({"项目资金", "资金情况", "项目资金情况", "资金投入情况"})

# Row labels of target forms that are not read into a field but end the value before them when a
# form's cells come as a stream (one cell per line, or run together on one line).
HEADER_ROW_LABELS: frozenset[str] = frozenset(
    {
        "项目属性", "项目期", "计划开始日期", "计划完成日期", "是否含有政府购买服务", "绩效类型",
        "项目资金", "财政拨款", "其他资金", "其中", "本级财政资金", "上级补助资金",
        "年度绩效目标", "年度总体目标", "中期目标", "总目标及阶段性目标", "绩效指标",
        "本项目上年度市级财政资金使用情况", "项目负责人", "联系人", "联系电话", "项目代码", "项目编码",
        "预算级次", "资金来源", "填报日期",
    }
)  # fmt: skip

# Section headings that end an indicator table.
TABLE_END_LABELS = ("项目名称", "项目构成分解", "金额合计", "填报单位负责人", "制度保障")

# 项目构成分解 (budget lines) header cells → BudgetItem attribute.
BUDGET_ITEM_HEADER: dict[str, str] = {
    "项目内容": "item_group",
    "项目明细": "item_name",
    "子项目名称": "item_name",
    "明细金额": "amount",
    "预算金额": "amount",
    "金额": "amount",
    "单价": "unit_price",
    "数量": "quantity",
    "备注": "note",
}

# Comparison signs a target value may start with (= ≥ ≤ > < in ASCII and full width, and the odd
# glyphs seen in real forms). "<=" and ">=" are two of them in a row.
TARGET_OPERATORS: frozenset[str] = frozenset("=≥≤<>＝＞＜≧≦═")

# --- PDF text in scrambled reading order (上海市财政支出项目绩效目标申报表, layout pdf_scrambled_target) ---

# Row labels printed once per form in its field block. When a form's title comes after some of its
# own fields, the first of these labels seen a second time after a title starts the next form.
FORM_HEAD_LABELS = ("项目名称", "资金用途", "开始时间", "项目概况", "立项依据", "项目类型")

# Row and column labels of target forms whose text the front-end does not write out (folded, unit
# marker removed). A line made only of these (or of indicator / budget-line header cells) is layout,
# not content.
FORM_ROW_LABELS: frozenset[str] = frozenset(
    {
        "项目名称", "资金用途", "开始时间", "结束时间", "项目概况", "立项依据", "项目类型",
        "项目设立的必要性", "保证项目实施的制度、措施", "项目当年投入资金构成", "项目实施计划",
        "项目总目标", "年度绩效目标", "分解目标内容", "分解目标", "绩效指标", "指标目标值", "备注",
        "子项目名称", "预算金额",
    }
)  # fmt: skip

# 项目类型 checkboxes of the 2018 Shanghai form print in two rows. The first is the project category
# (市委市政府已确定的新增项目 … 其他经常性项目; 项目类别 on the 2020 forms); the second, these, is the
# performance type (资金用途; 绩效类型 on the 2020 forms), which is not project_category.
PERFORMANCE_TYPE_OPTIONS = (
    "基本建设工程类",
    "信息化建设类",
    "政策补贴类",
    "政府购买服务",
    "资产购置类",
    "其他事业专业类",
)
CHECKBOX_TICKED = "√■☑✓✔☒"
CHECKBOX_EMPTY = "□☐"

# 一级 labels in the order a form prints them, one family per tuple; used to put indicator rows read in
# scrambled order back into the form's order.
LEVEL1_ORDER: tuple[tuple[str, ...], ...] = (
    ("投入与管理", "投入和管理", "投入和管理目标", "投入与管理目标"),
    ("产出目标", "产出指标"),
    ("效果目标", "效益指标"),
    ("满意度指标",),
    ("影响力目标",),
    ("成本指标",),
)

# Words in an indicator name that put it in the 投入和管理 (input and management) family of the
# Shanghai 2018-2020 forms: budget, funds, finance, project approval, management rules.
INPUT_MANAGEMENT_KEYWORDS = ("预算", "资金", "财务", "立项", "管理制度", "政府采购", "合同管理")

# Qualitative targets printed alone in a cell (folded); with TARGET_OPERATORS and leading digits they
# tell a stray target value from a stray indicator name.
TARGET_WORDS: frozenset[str] = frozenset(
    {
        "科学", "规范", "充分", "有效", "健全", "合规", "及时", "提高", "增强", "完善", "共享", "无",
        "不发生", "达标", "合格", "合理", "完备", "可控", "保持", "加强", "满意", "保障", "是", "否",
        "完成", "优", "良", "建立健全", "充分合理", "不断提高", "内部共享",
    }
)  # fmt: skip

# Endings of indicator names (三级): a line ending so is a name, never a budget line or a target.
INDICATOR_NAME_SUFFIXES = ("率", "性", "度", "数", "量", "情况", "能力", "水平", "时间", "次")

# Labels printed inside the indicator table itself (its merged left column and its 备注 column).
INDICATOR_TABLE_LABELS = frozenset({"分解目标", "备注"})

# --- Self-evaluation forms (项目支出绩效自评表; layout tsv_self_eval, clean or OCR'd) ---

# Header fields of a self-evaluation form → Form attribute. OCR splits these labels over cells
# ("项目 | 名称", "主管 | 部门"), so the reader matches them across cell boundaries.
SELF_EVAL_FIELD_LABELS: dict[str, str] = {
    "项目名称": "project_name",
    "主管部门": "supervisor_name",
    "实施单位": "unit_name",
}

# The fund block's column labels (年度资金总额 row), in the printed order when the header is unreadable.
SELF_EVAL_FUND_COLUMNS: dict[str, str] = {
    "年初预算数": "initial_budget",
    "全年预算数": "full_year_budget",
    "全年执行数": "executed",
    "全年执行": "executed",
    "调整后预算数": "full_year_budget",
    "预算执行数": "executed",
    "分值": "weight",
    "分数": "weight",
    "执行率": "rate",
    "得分": "score",
}
SELF_EVAL_FUND_ORDER = ("initial_budget", "full_year_budget", "executed", "weight", "rate", "score")
SELF_EVAL_FUND_TOTAL_LABEL = "年度资金总额"
SELF_EVAL_TOTAL_LABEL = "总分"
SELF_EVAL_GRADE_LABEL = "评分等级"

# Self-evaluation indicator table header cells, by a word the (often garbled) cell still contains.
SELF_EVAL_INDICATOR_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("一级", "level1"),
    ("二级", "level2"),
    ("三级", "name"),
    ("指标名称", "name"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("指标性质", "target_operator"),
    ("度量单位", "target_unit"),
    ("计量单位", "target_unit"),
    ("完成值", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("偏差", "deviation_reason"),
    ("备注", "note"),
)

# Grades and their score bands (DOMAIN: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60).
GRADE_BANDS: tuple[tuple[int, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))

# Weight of the budget-execution row; indicator weights make up the rest of 100.
EXECUTION_WEIGHT_DEFAULT = 10

# 一级 weight splits a form may follow (national default 产出 50 / 效益 30 / 满意度 10). Only a
# preference when the OCR leaves an indicator's 二级 group uncertain, never a rule.
LEVEL1_WEIGHT_SPLITS: tuple[dict[str, int], ...] = ({"产出指标": 50, "效益指标": 30, "满意度指标": 10},)

# National framework: 二级 → the 一级 it sits under (first = default; 成本指标 is a 二级 of 产出指标
# on 财预〔2020〕10号 forms and an 一级 of its own from 财预〔2021〕101号).
LEVEL2_PARENTS: dict[str, tuple[str, ...]] = {
    "数量指标": ("产出指标",),
    "质量指标": ("产出指标",),
    "时效指标": ("产出指标",),
    "成本指标": ("产出指标", "成本指标"),
    "经济效益指标": ("效益指标",),
    "社会效益指标": ("效益指标",),
    "生态效益指标": ("效益指标",),
    "可持续影响指标": ("效益指标",),
    "服务对象满意度指标": ("满意度指标",),
    "社会公众或服务对象满意度指标": ("满意度指标",),
    "经济成本指标": ("成本指标",),
    "社会成本指标": ("成本指标",),
    "生态环境成本指标": ("成本指标",),
}
LEVEL1_NATIONAL: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标", "成本指标")

# Words in an indicator's name (or unit in its target) that point to a 二级 group. Only used to
# choose between the groups above and below a row whose 二级 cell the OCR left blank.
LEVEL2_CUES: tuple[tuple[str, str], ...] = (
    (r"满意", "服务对象满意度指标"),
    (r"及时|按时|时效|时限|进度", "时效指标"),
    (r"合格|准确|合规|质量|故障|差错|处置率|覆盖率|达标率|通过率", "质量指标"),
    (r"成本|预算批复|不超过", "成本指标"),
    (r"数$|数量|次数|完成数|完成率|场次", "数量指标"),
    (r"[(（](?:个|份|件|次|场|套|本|人|人次|家|幢|条|项|篇|册|期|个标段)[)）]", "数量指标"),
    (r"长效|机制|可持续", "可持续影响指标"),
    (r"经济效益|收益|利用率", "经济效益指标"),
    (r"生态|节能|减排|绿化", "生态效益指标"),
    (r"社会|改善|提升|提高|公开|应用|推动", "社会效益指标"),
)

# Qualitative results of a self-evaluation row (实际完成值), as printed.
ACHIEVEMENT_PHRASES: tuple[str, ...] = (
    "达成指标",
    "达成预期指标",
    "部分达成指标并具有一定效果",
    "部分达成预期指标并具有一定效果",
    "未达成指标且效果较差",
    "未达成预期指标且效果较差",
)

# How OCR renders category words: 指标 split into its parts (扌→1, 旨→日, 标→7小), and Japanese
# forms of Chinese characters. Used only to read 一级/二级 cells, never names or values.
OCR_LABEL_READINGS: dict[str, str] = {
    "1日7小": "指标",
    "1日77": "指标",
    "1日17小": "指标",
    "1日1小": "指标",
    "指怀": "指标",
    "旨标": "指标",
}
OCR_CHAR_READINGS: dict[str, str] = {"満": "满", "対": "对", "応": "应", "効": "效"}
