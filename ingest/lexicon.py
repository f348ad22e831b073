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
    "主管单位": "supervisor_name",
    "项目名称": "project_name",
    "项目类别": "project_category",
    "项目类型": "project_category",
}

# Budget figures: folded label with its unit marker removed → Form attribute.
BUDGET_LABELS: dict[str, str] = {
    "项目总预算": "budget_total",
    "总预算": "budget_total",
    "项目当年预算": "budget_current",
    "当年预算": "budget_current",
    "年度本级预算金额": "budget_current",
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
    }
)  # fmt: skip

# Labels that wrap the indicator table in some layouts without being a category.
WRAPPER_LABELS: frozenset[str] = frozenset({"绩效目标", "年度绩效目标", "绩效指标", "年度绩效指标"})

# Lines that declare the money unit for the whole form ("金额单位：万元").
AMOUNT_UNIT_LABELS = ("金额单位", "单位:万元", "单位:元")

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
