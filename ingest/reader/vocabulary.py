"""Every label the form reader recognises, as data: the national templates' and the provinces' variants.

Keys are folded (``text.fold``: NFKC, no whitespace, no trailing colon) with any unit marker
("(万元)", "(元)") and column letter ("(A)", "(B/A)") removed. Nothing here names a file, a unit or a
project: only the words the forms print.
"""

from __future__ import annotations

import re

from .. import lexicon

# Form titles, checked with `in` against a folded cell; the first match decides the type.
TITLES: tuple[tuple[str, str], ...] = (
    ("绩效目标自评表", "self_eval"),
    ("绩效自评表", "self_eval"),
    ("自评表", "self_eval"),
    ("绩效评价自评报告", "self_eval"),  # Hunan's older 财政支出项目绩效评价自评报告: a form, not prose
    ("绩效目标申报明细表", "target"),
    ("绩效目标申报表", "target"),
    ("绩效目标表", "target"),
    ("绩效目标管理表", "target"),
    ("绩效目标批复表", "target"),
    ("绩效评价指标表", "target"),  # targets with 分值 (Hebei); a table with 实际完成值 turns it self_eval
    ("项目绩效年度表", "target"),  # Hunan's 预算一体化 system
)

# Header fields → Form attribute.
FIELDS: dict[str, str] = {
    "项目名称": "project_name",
    "项目支出名称": "project_name",
    "专项资金名称": "project_name",
    "资金名称": "project_name",
    "专项名称": "project_name",
    "转移支付(项目)名称": "project_name",
    "转移支付名称": "project_name",
    "项目(资金)名称": "project_name",
    "项目(专项)名称": "project_name",
    "政策(项目)名称": "project_name",
    "二级项目名称": "project_name",  # Hunan's 项目绩效年度表: the project, under its 一级项目
    "主管部门": "supervisor_name",
    "项目主管部门": "supervisor_name",
    "县级主管部门": "supervisor_name",
    "市级主管部门": "supervisor_name",
    "主管部门及代码": "supervisor_name",
    "主管部门及编码": "supervisor_name",
    "主管单位": "supervisor_name",
    "省级主管部门": "supervisor_name",
    "地方主管部门": "supervisor_name",
    "中央主管部门": "supervisor_name",
    "预算部门": "unit_name",
    "实施单位": "unit_name",
    "项目实施单位": "unit_name",
    "项目执行单位": "unit_name",
    "执行单位": "unit_name",
    "资金使用单位": "unit_name",
    "用款单位": "unit_name",  # Guangdong's municipal target form: the unit that spends the money
    "申报单位": "unit_name",
    "申报单位名称": "unit_name",
    "填报单位": "unit_name",
    "预算单位": "unit_name",
    "单位名称": "unit_name",
    "项目单位": "unit_name",
    "部门": "unit_name",
    "部门名称": "unit_name",  # Hunan's 专项资金绩效目标表 beside 填报单位, which wins
    "下达地方或单位": "unit_name",  # 中央预算内投资计划绩效目标表 (以工代赈)
    "项目类别": "project_category",
    "项目类型": "project_category",
    "项目属性": "project_category",
    "专项属性": "project_category",
    "评分等级": "grade",
    "自评等级": "grade",
    "绩效等级": "grade",
}
# Label shapes beyond the list above: "转移支付(项目)名称", "专项(项目)名称", "资金使用单位",
# "地方主管部门". The rank says which wins when a form prints two labels for one field.
FIELD_PATTERNS: tuple[tuple[str, str, int], ...] = (
    # A transfer fund's form names no executing unit: the county department that spends it is one.
    (r"^(?:区县|县区|县级|区级|市县|县市区)主管部门$", "unit_name", 1),
    (r"^[^,。:]{0,10}(?:项目|专项|资金|转移支付)[^,。:]{0,6}名称$", "project_name", 2),
    (r"^(?:中央|省级?)主管(?:部门|单位)(?:名称)?$", "supervisor_name", 1),
    (r"^[^,。:]{0,6}主管(?:部门|单位)(?:名称|及代码|及编码)?$", "supervisor_name", 2),
    (r"^[^,。:]{0,6}(?:实施|使用|执行)(?:\([^()]{1,4}\))?单位(?:名称)?$", "unit_name", 3),  # 实施(主管)单位
    (r"^[^,。:]{0,6}(?:申报|填报)单位(?:名称)?$", "unit_name", 2),
)
# Which of two labels for the same field wins: the executing unit over the department that files.
FIELD_PRIORITY: dict[str, int] = {
    "省级主管部门": 1, "中央主管部门": 1, "地方主管部门": 2, "资金使用单位": 3, "用款单位": 3, "实施单位": 3, "项目实施单位": 3, "项目执行单位": 3, "执行单位": 3, "项目单位": 3, "部门": 0, "部门名称": 0, "预算部门": 1,
}  # fmt: skip
# The continuation of a label split over two cells ("主管部门" | "及编码").
LABEL_TAILS: frozenset[str] = frozenset(
    {"及编码", "及代码", "及其编码", "及其代码", "(盖章)", "名称", "盖章", "小计", "(一)", "(二)", "(三)"}
)

# Budget figures of a target form → Form attribute.
AMOUNTS: dict[str, str] = {
    "项目总预算": "budget_total",
    "总预算": "budget_total",
    "项目资金总额": "budget_total",
    "资金总额": "budget_total",
    "中期资金总额": "budget_total",
    "实施期资金总额": "budget_total",
    "项目当年预算": "budget_current",
    "当年预算": "budget_current",
    "年度资金总额": "budget_current",
    "当年资金总额": "budget_current",
    "年度本级预算金额": "budget_current",
    "年度预算金额": "budget_current",
    "项目预算金额": "budget_current",
    "项目预算资金": "budget_current",
    "预算金额": "budget_current",
    "年度预算资金": "budget_current",
    "年度资金申请总额": "budget_current",
    "本年度预算": "budget_current",
    "本年度申请资金": "budget_current",
    "转移支付预算数": "budget_current",  # a transfer fund's self-evaluation: its 全年预算数
    "转移支付执行数": "executed",
    "本年度申请市财政预算资金": "budget_current",  # 东莞
    "本年度申请财政预算资金": "budget_current",
    "资金总额及构成": "budget_current",  # 长沙: "资金总额及构成 | 总额 | 10606.7522万元 | 财政拨款 …"
    "年度资金总额及构成": "budget_current",
    "本年申请资金": "budget_current",
    "本年度安排资金": "budget_current",
    "本年度预计投入": "budget_current",  # Hunan's 专项资金绩效目标申报表 (南岳)
    "上年度安排资金": "prior_year_budget",
    "上年安排资金": "prior_year_budget",
    "本年预算": "budget_current",
    "年度金额": "budget_current",
    "资金额度": "budget_current",  # a 区域绩效目标表 (transfer fund): 专项名称 | 主管部门 | 资金额度
    "预算数": "budget_current",
    "计划投资额": "budget_current",
    "项目申报金额": "budget_current",  # 重庆 (江津)
    "申报金额": "budget_current",
    "本次下达中央预算内投资": "budget_current",  # 中央预算内投资计划绩效目标表 (以工代赈)
    "下达中央预算内投资": "budget_current",
    "执行数": "executed",
    "实际使用情况": "executed",
    "资金使用情况": "executed",
    "实际支出": "executed",
    "计划安排资金": "full_year_budget",  # the same report: 计划安排资金 | 实际到位资金 | 实际支出
    "同名项目上年预算额": "prior_year_budget",
    "上年预算额": "prior_year_budget",
    "上年预算数": "prior_year_budget",
    "同名项目上年预算执行数": "prior_year_executed",
    "上年预算执行数": "prior_year_executed",
    "上年执行数": "prior_year_executed",
}

# Sub-rows of the fund block whose figures are read by no field but must not be taken by another.
FUND_SUB_ROWS: frozenset[str] = frozenset(
    {
        "财政拨款", "当年财政拨款", "本年财政拨款", "上级资金", "上级财政补助资金", "同级财政资金",
        "其他资金", "当年其他资金", "上年结转资金", "财政专户管理资金", "单位资金", "其他", "财政资金",
        "该项目支出上级资金", "上级补助资金", "本级财政资金", "自筹资金", "社会资金", "项目资金来源情况",
        "中央、省、市补助县级资金", "中央补助资金", "省级补助资金", "市级补助资金", "县级资金",
        "中央", "省级", "市级", "县级", "本级", "市级资金", "省级资金", "中央资金", "本级资金",
    }
)  # fmt: skip

# Self-evaluation fund columns → meaning.
FUND_COLUMNS: dict[str, str] = {
    "年初预算数": "initial_budget",
    "年初预算": "initial_budget",
    "年初预算金额": "initial_budget",
    "全年预算数": "full_year_budget",
    "调整后预算数": "full_year_budget",
    "调整后预算": "full_year_budget",
    "全年预算": "full_year_budget",
    "全年执行数": "executed",
    "预算执行数": "executed",
    "全年执行": "executed",
    "实际执行数": "executed",
    # a form with one budget column: 预算数(A) | 执行数(B) | 执行率(B/A) (Yunnan's 20/80 template)
    "预算数": "full_year_budget",
    "执行数": "executed",
    "分值": "weight",
    "权重": "weight",
    "分值权重": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "得分": "score",
}
# Rows of the fund block that carry the project's totals.
FUND_TOTAL_ROWS: frozenset[str] = frozenset(
    {"年度资金总额", "年度财政资金总额", "总额", "资金总额", "合计", "年度资金总额合计"}
)

# Indicator table header cells → role. "long_*" are the 长期 (medium-term) columns, read by nothing.
INDICATOR_HEADER: dict[str, str] = {
    "一级指标": "level1",
    "一级目标": "level1",
    "二级指标": "level2",
    "二级目标": "level2",
    "二级指标(年度)": "level2",
    "三级指标": "name",
    "一级": "level1",
    "二级": "level2",
    "三级": "name",
    "年度数值": "target",
    "三级目标": "name",
    "三级指标(年度)": "name",
    "指标名称": "name",
    "指标内容": "name",
    "绩效指标名称": "name",
    "指标值": "target",
    "指标目标值": "target",
    "目标值": "target",
    "年度指标值": "target",
    "年度目标值": "target",
    "指标值(年度)": "target",
    "指标值及单位": "target",
    "全年(程)指标值": "target",
    "全年指标值": "target",
    "半年(程)指标值": "target_half",
    "半年指标值": "target_half",
    "预期目标值": "target",
    "年初目标值": "target",
    "年初指标值": "target",
    "年初设定目标": "target",
    "年度目标": "target",
    "目标": "target",
    "绩效目标值": "target",
    "计划指标值": "target",
    # further wordings of the same columns (no development page prints them; domain knowledge)
    "计划值": "target",
    "预期值": "target",
    "年度预期值": "target",
    "年度预期目标值": "target",
    "当年度指标值": "target",  # Guangdong's municipal target form (gd_zhaoqing)
    "当年指标值": "target",
    "当年目标值": "target",
    "年度计划值": "target",
    "全年实际完成值": "actual",  # Anhui's and Sichuan's 自评表 (ah_huoshan_2024, sc_guangyuan)
    "本年实际完成值": "actual",
    "年初计划值": "target",
    "实际完成数": "actual",
    "实际达到值": "actual",
    "标准分值": "weight",
    "指标权重": "weight",
    "指标性质": "target_operator",
    "指标值类型": "target_operator",
    "指标值内容": "standard",
    "度量单位": "target_unit",
    "计量单位": "target_unit",
    "单位": "target_unit",
    "实际完成指标值": "actual",
    "实际完成值": "actual",
    "全年实际值": "actual",
    "全年完成值": "actual",
    "完成值": "actual",
    "实际值": "actual",
    "年度实际完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "权重(分)": "weight",
    "得分": "score",
    "评分": "score",
    "绩效标准": "standard",
    "评分标准": "standard",
    "得分计算方法": "standard",
    "指标说明": "standard",
    "指标解释": "explain",
    "当年预期实现值": "target",
    "预期实现值": "target",
    "绩效指标描述": "standard",
    "指标描述": "standard",
    "评价指标": "level1",
    "指标类型": "level1",  # Hainan's 项目绩效目标表: 指标类型 | 指标名称 | 绩效目标 | 绩效标准
    "评价内容": "level2",
    "评分方法": "standard",
    "计分方法": "standard",
    "备注": "note",
    # Hebei's 预算项目绩效自评表 (a two-row header): 预期指标值 over 符号 | 单位(文字描述), and
    # 自评得分 over 单项指标得分 | 权重占比(%) | 单项指标折算得分
    "预期指标值": "target",
    "符号": "target_operator",
    "单位(文字描述)": "target_unit",
    "单项指标实际完成值": "actual",
    "单项指标完成情况": "status",
    "单项指标得分": "score",
    "权重占比": "weight",
    "单项指标折算得分": "weighted_score",
    # Xinjiang's 2023 自评表 (13 columns): 指标值 | 指标值设置依据 | 上年完成值 | 指标分值权重 | 指标赋分规则 |
    # 佐证资料 | 指标实际完成值 | 完成率 | 指标得分 | 偏差原因分析及改进措施
    "指标值设置依据": "standard",
    "指标值设定依据": "standard",
    "上年完成值": "prior_actual",
    "上年实际完成值": "prior_actual",
    "指标分值权重": "weight",
    "分值权重": "weight",
    "指标赋分规则": "rule",
    "赋分规则": "rule",
    "佐证资料": "evidence",
    "佐证材料": "evidence",
    "指标实际完成值": "actual",
    "指标得分": "score",
    "指标方向性": "target_direction",
    "指标方向": "target_direction",
    "二级指标(长期)": "long",
    "三级指标(长期)": "long",
    "指标值(长期)": "long",
}
# Column heads that are indicator names too ("完成率" is he_chengan's 三级): heads only inside a header.
HEADER_ONLY_WORDS: dict[str, str] = {"完成率": "completion_rate", "指标完成率": "completion_rate"}
# "年度 | 实际 …" over "指标值 | 完成值": a header whose cells wrapped; the heads name the columns only
# where the tails follow in the header
WRAPPED_HEADER_HEADS: dict[str, str] = {"年度": "target", "实际": "actual"}
WRAPPED_HEADER_TAILS = frozenset({"指标值", "完成值"})
# The national template's 绩效标准 values: printed after a row's target, they end it.
STANDARD_WORDS = ("计划标准", "行业标准", "历史标准", "其他标准")
# Header cells that begin with these words state the deviation reason column, however they go on
# (偏差原因分析及改进措施, 未完成原因和改进措施, 未完成原因及拟采取的改进措施 …).
REASON_HEADER_PREFIXES = ("偏差原因", "未完成原因", "原因分析", "偏差")
# Cells that wrap the table without being a column of it.
TABLE_WRAPPERS: frozenset[str] = frozenset(
    {
        "绩效指标",
        "年度绩效指标",
        "本年度绩效指标",
        "绩效目标",
        "年度绩效目标",
        "绩效项目指标表",
        "项目绩效指标",
    }
)

# 一级 of the evaluation frameworks: under them a 二级 word of the other frameworks (财务管理, 产出数量)
# followed by its points is a 三级 name.
EVALUATION_LEVEL1: frozenset[str] = frozenset({"决策", "过程", "项目决策", "项目管理", "项目绩效"})
# The evaluation framework's 二级 under 决策 (项目立项 / 绩效目标 / 资金投入) that is a wrapper word elsewhere.
EVALUATION_WRAPPED_LEVEL2: frozenset[str] = frozenset({"绩效目标"})
# With the evaluation framework (决策 / 过程 / 产出 / 效益) some provinces print on target forms too.
LEVEL1: frozenset[str] = (
    lexicon.LEVEL1_LABELS
    | frozenset({"产出", "效益", "满意度", "成本", "投入和管理指标"})
    | frozenset({"成效指标", "效率指标"})  # Hainan's 项目绩效目标表: 产出指标 / 成效指标 / 效率指标
    | EVALUATION_LEVEL1
)
LEVEL2: frozenset[str] = lexicon.LEVEL2_LABELS | frozenset(
    {
        "社会公众满意度指标", "服务对象满意度", "社会公众或服务对象满意度", "可持续影响",
        "经济效益", "社会效益", "生态效益", "可持续发展指标", "产出数量", "产出质量", "产出时效",
        "项目立项", "资金投入", "资金管理", "组织实施", "决策过程", "资金分配", "资金到位",
        "产出成本", "具体指标", "环境效益指标", "环境效益",
        "项目目标", "项目产出", "项目效益",  # the older evaluation framework (项目决策 / 项目管理 / 项目绩效)
    }
)  # fmt: skip
# 二级 words a printed label may wrap ("服务对象满意度指标等"): a cell made of one of these plus
# 指标/目标 and a short tail is a 二级 label as printed.
LEVEL2_STEMS = (
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "环境效益",
    "可持续影响",
    "满意度",
)

TOTAL_SCORE = "总分"
# Labels of a self-evaluation's total score: 总分 and the sum row some provinces print instead.
TOTAL_SCORES = frozenset(
    {
        TOTAL_SCORE,
        "得分合计",
        "总得分",
        "自评总分",
        "分总",
        "合计得分",
        "得分总计",
        "综合得分",
        "自评得分合计",
    }
)  # 分总: 总分 read right to left
# Cells that end the indicator table; the last line, a government web page's furniture after its
# last table (a target form has no 总分 row to end it).
TABLE_END: tuple[str, ...] = (
    *sorted(TOTAL_SCORES), "合计", "注:", "注:", "说明", "填表人", "填报人", "财政部门审核意见", "其他需要说明事项",
    "其他需说明", "其他说明",  # 其他需说明的问题 | 其他说明事项: a note row after the table
    "最近年度绩效评价情况",  # 浙江: 优秀□ 良好□ 合格□ …, the row after the indicator table
    "填表说明", "填报说明", "编制说明", "联系人", "联系电话", "审核人", "制表人", "经办人",  # the sheet's foot
    "评价结论", "存在问题", "附件", "单位负责人", "项目负责人", "财务负责人", "审核意见",
    "目标未完成", "改进措施",
    # the web page around the form: its footer ends any table
    "扫一扫", "打印本页", "关闭窗口", "上一篇", "下一篇", "分享到", "相关链接", "内容保障", "版权所有",
    "网站地图", "联系我们", "主办单位", "承办单位", "网站标识码", "copyright", "©", "文件下载",
    "责任编辑",
)  # fmt: skip
# The page's counter ("浏览次数: 88", "阅读量:1234"): with its colon it ends a table; without, it may
# be an indicator's name.
PAGE_COUNTER = re.compile(r"(?:阅读|浏览|访问|点击)(?:次数|量|数)\s*[:：]")
# Footer words that also begin indicators ("政策咨询建议完成率", "技术支持服务次数"): they end a table
# only standing alone or before their value ("技术支持:…").
PAGE_FOOTER_WORDS: tuple[str, ...] = ("政策咨询", "技术支持")

# Rows only a self-evaluation prints (after its indicator table): they tell its type without a title.
SELF_EVAL_SECTIONS = ("评价结论", "存在问题", "改进措施", "自评结论", "偏差原因分析")
GRADES = frozenset({"优", "良", "中", "差", "优秀", "良好", "合格", "不合格"})

# Qualitative targets a run-together row may end with (longest first when matched).
TARGET_PHRASES: tuple[str, ...] = tuple(
    sorted(
        lexicon.TARGET_WORDS
        | {
            "稳步提高", "显著提升", "显著提高", "显著改善", "持续改善", "持续提高", "持续保障", "巩固提高",
            "逐步提高", "有所提高", "明显提高", "明显改善", "有效提升", "有效改善", "有效提高", "优良", "良好",
            "高", "较高", "提升", "改善", "达到", "按时完成", "按期完成", "全部完成", "长期", "持续", "稳定",
            "逐步改善", "大幅提升", "正常运行", "安全", "有效保障",
        }
        ,
        key=len,
        reverse=True,
    )
)  # fmt: skip

# Measurement units a target or actual value may end with (after its number).
VALUE_UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "%", "万元", "元", "亿元", "千元", "人次", "人", "户", "个", "家", "所", "项", "件", "套", "台", "辆",
            "次", "天", "日", "月", "年", "小时", "分钟", "米", "厘米", "公里", "千米", "平方米", "亩", "吨",
            "公斤", "千克", "起", "场", "期", "份", "篇", "册", "本", "条", "处", "座", "间", "张", "批", "名",
            "m", "M", "km", "㎡", "平米", "万人", "万人次", "万", "倍", "周", "分", "例", "只", "头", "株", "棵", "顿",
            "百分比", "立方米", "公顷", "千瓦", "万千瓦", "平方公里", "种",
        }
        ,
        key=len,
        reverse=True,
    )
)  # fmt: skip

# Row labels read by no field: they end the value of the label before them.
STOP_LABELS: frozenset[str] = frozenset(
    {
        "项目负责人", "负责人及电话", "项目负责人及电话", "联系电话", "联系人", "联系人及电话", "项目起止时间",
        "项目期", "起始日期", "结束日期", "项目概况", "立项依据", "年度目标", "总体目标", "年度总体目标",
        "中期目标", "实施期绩效目标", "本年度绩效目标", "项目基本情况", "资金情况", "项目资金", "年初设定目标",
        "全年实际完成情况", "预期目标", "实际完成情况", "项目支出实施期", "项目实施期", "年度总体目标完成情况综述",
        "年度总体目标完成情况", "项目年度目标", "年度目标完成情况", "项目绩效目标", "长期目标", "项目编码",
        "项目代码", "预算级次", "资金来源", "填报日期", "申报日期", "项目资金情况",
        "项目资金来源", "资金投入情况", "预算执行情况", "绩效目标完成情况", "归口业务科室", "是否政府采购",
        # Hunan's 预算一体化 项目绩效年度表 prints these labels, mostly left blank
        "一级项目名称", "项目分类", "申报属性", "资金用途", "项目开始日期", "项目完成日期", "基本情况", "项目立项必要性",
        "保障项目实施的制度措施", "项目实施计划", "组织实施单位", "监督管理单位", "政策依据", "其他依据", "需要说明的其他情况",
        # Guangdong's 专项债券 self-evaluation: 项目名称 | … | 投向领域 | …, then 项目实施内容
        "投向领域", "项目实施内容",
        # Tianjin's 项目支出绩效目标表: 预算规模及资金用途 | 预算数 | … then the use on a row of its own
        "预算规模及资金用途",
        # Chongqing's 重点项目绩效目标表: the project's planned dates after its name
        "项目预计开始时间", "预计开始时间", "预计完成时间",
        # a transfer payment's 区域绩效目标表: the finance department of each level, beside its 主管部门
        "省级财政部门", "市级财政部门", "县级财政部门", "区级财政部门", "市县财政部门", "区县财政部门",
    }
)  # fmt: skip

# "…申报表中申报的数量": a label or title followed by 中 and these is prose, not a label (中央 is a
# fund row's first word, so 中 alone does not do)
PROSE_AFTER_LABEL: frozenset[str] = frozenset(f"中{c}" for c in "申的所列填报规确明")

# Comparison signs written as words, in an 指标性质 / 指标方向 cell ("大于等于" | "98" | "%").
OPERATOR_WORDS: frozenset[str] = frozenset(
    {
        "大于等于",
        "小于等于",
        "等于",
        "大于",
        "小于",
        "不低于",
        "不高于",
        "不少于",
        "不多于",
        "不超过",
        "不大于",
        "不小于",
    }
)

# The national framework's 二级 → 一级 (DOMAIN.md), to put back a 一级 cell a text copy lost
# (a merged cell printed as "(50分)" alone).
NATIONAL_LEVEL1_OF: dict[str, str] = {
    **dict.fromkeys(("数量指标", "质量指标", "时效指标", "成本指标"), "产出指标"),
    **dict.fromkeys(("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"), "效益指标"),
    **dict.fromkeys(("服务对象满意度指标", "社会公众或服务对象满意度指标"), "满意度指标"),
}
