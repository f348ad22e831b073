"""A read form's last checks and repairs, each announced through ``note``: figures printed away
from their row, the one annual figure, a unit the form does not print, a project named only by its
title, and a table cut before its 满意度 rows; and what a segment gave that is no form (a heading,
a department's whole-budget form) or no row (a name cut by the end of the text)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from ..model import FIGURE_FIELDS, Form, FormType, Issue, Severity
from ..numbers import parse_amount
from ..traditional import simplified
from . import values as v
from . import vocabulary as vocab
from .cell import Cell
from .funds import rate_agrees
from .segments import Segment, title_head

Note = Callable[..., None]  # FormReader.note(severity, code, message, line_no=None)

# What a title says before its form word that is not the project: the year, the form's kind.
_TITLE_NOISE = re.compile(
    r"^\d{4}年度?|(?:部门预算|财政|预算)?(?:项目)?支出$|项目$|区域$|\(打捆项目\)$|[《》\"“”]"
)
# Titles that name a kind of form, not a project ("专项资金绩效目标表").
_GENERIC_TITLES = frozenset({"专项资金", "项目资金", "财政资金", "专项项目", "资金项目"})
_PERCENT_FIGURE = re.compile(r"\d{1,3}\.\d{1,2}")  # a rate printed without its %: "100.00"
_AMOUNT_FIELDS = ("budget_total", "budget_current", "initial_budget", "full_year_budget", "executed")


def lacks_satisfaction(form: Form) -> bool:
    """A table in the national framework (产出指标, 效益指标 …) with no 满意度 row."""
    levels = [(row.level1 or "") + (row.level2 or "") for row in form.indicators]
    national = any(level.startswith(("产出指标", "效益指标")) for level in levels)
    return national and not any("满意" in level for level in levels)


def repair_from_loose_figures(
    form: Form, loose_figures: list[Cell], note: Note, rate_head: Cell | None = None
) -> None:
    """Scrambled text prints some fund figures away from their row. A lone percentage is the
    执行率 when none was read; a figure that makes 执行数 / 全年预算数 equal it is the 执行数.
    Under a rate column's head (Hebei's 预算执行进度(%)) a figure printed without its % ("100.00")
    that 执行数 / 预算数 confirms is the 执行率."""
    rates = [v.rate(v.nfkc(c.text)) for c in loose_figures if v.rate(v.nfkc(c.text)) is not None]
    if form.execution_rate_stated is None and len(rates) == 1:
        form.execution_rate_stated = rates[0]
        note(Severity.INFO, "rate_apart_from_row", f"执行率 {rates[0]}% printed apart from its row")
    base, rate = form.full_year_budget or form.initial_budget, form.execution_rate_stated
    budget = base or form.budget_current  # a self-evaluation's 预算数, not yet its 全年预算数
    if rate is None and rate_head is not None and budget and form.executed is not None:
        after = [
            c for c in loose_figures if c.line_no >= rate_head.line_no and _PERCENT_FIGURE.fullmatch(c.text)
        ]
        figure = next((c for c in after if rate_agrees(form.executed, budget, Decimal(c.text))), None)
        if figure is not None:
            rate = form.execution_rate_stated = Decimal(figure.text)
            message = (
                f"执行率 {rate} printed under {rate_head.text!r} without its %: 执行数 / 预算数 confirms it"
            )
            note(Severity.INFO, "rate_apart_from_row", message, figure.line_no)
    if base is None or rate is None or (form.executed is not None and rate_agrees(form.executed, base, rate)):
        return
    for cell in loose_figures:
        amount = parse_amount(cell.text)
        if amount is not None and rate_agrees(amount.value, base, rate):
            form.executed = amount.value
            message = f"执行数 {cell.text!r} printed apart from its row; 执行率 confirms it"
            note(Severity.INFO, "executed_apart_from_row", message, cell.line_no)
            return


def settle_budget_figures(form: Form) -> None:
    if form.form_type == FormType.SELF_EVAL:
        if form.full_year_budget is None and form.budget_current is not None:
            form.full_year_budget, form.budget_current = form.budget_current, None  # its 预算数
    elif form.budget_total is not None and form.budget_current is None:
        # one figure (资金总额) with no year's figure beside it: the form's annual budget
        form.budget_current, form.budget_total = form.budget_total, None


def rate_as_percent(form: Form, note: Note) -> None:
    """执行率 printed as a fraction ("0.958") where 执行数 / 全年预算数 confirms it: the percent it
    means (95.8). A fraction the figures do not confirm stays as printed."""
    rate, base, executed = (
        form.execution_rate_stated,
        form.full_year_budget or form.initial_budget,
        form.executed,
    )
    if rate is None or not 0 < rate <= Decimal("1.5") or not base or executed is None:
        return
    if rate_agrees(executed, base, rate * 100) and not rate_agrees(executed, base, rate):
        form.execution_rate_stated = rate * 100
        message = f"执行率 printed as the fraction {rate}; 执行数 / 预算数 confirms it: read as {rate * 100}%"
        note(Severity.INFO, "rate_printed_as_fraction", message, form.line_start)


def assume_unit(form: Form, note: Note, seq: int = 0) -> None:
    """A form that states no unit for its figures: the national template's fund block is in 万元,
    so small figures are taken as 万元; large ones (a yuan figure runs to six digits) as 元."""
    amounts = [getattr(form, a) for a in _AMOUNT_FIELDS if getattr(form, a) is not None]
    if form.amount_unit is not None or not amounts:
        return
    form.amount_unit = "万元" if max(amounts) < 100000 else "元"
    message = f"no unit printed for the form's figures; {form.amount_unit} assumed from their size"
    note(Severity.WARNING, "amount_unit_assumed", message, form.line_start, seq)


def name_from_title(form: Form, segment: Segment, note: Note) -> None:
    """No 项目名称 label: a title that names the project ("服务贸易项目绩效自评表") names it."""
    t = segment.title
    if form.project_name is not None or t is None:
        return
    title = segment.cells[t]
    head = segment.cells[t - 1].key if t > 0 and title_head(segment.cells[t - 1], title) else ""
    words = head + title.key
    for word, _ in vocab.TITLES:
        words = words.split(word)[0]
    name = words
    while (shorter := _TITLE_NOISE.sub("", name)) != name:
        name = shorter
    if len(name) >= 4 and v.has_han(name) and name not in _GENERIC_TITLES:
        head_text = segment.cells[t - 1].text if head else ""
        printed = re.sub(r"\s+", "", v.nfkc(head_text + title.text))
        at = simplified(printed).find(name)  # the key's characters are simplified one for one
        name = printed[at : at + len(name)] if at >= 0 else name  # a value stays as printed
        form.project_name = name
        note(
            Severity.INFO,
            "project_name_from_title",
            f"no 项目名称 label; the title names {name!r}",
            title.line_no,
        )


def note_missing_fields(form: Form, note: Note, seq: int = 0, cut_at_start: bool = False) -> None:
    """A warning for each header field not found; a form cut off at its start lost its name and unit
    with its top (form_truncated_start says so), so only its year is looked for."""
    fields = (("project_name", "项目名称"), ("unit_name", "单位"), ("fiscal_year", "年度"))
    for attr, label in fields[2:] if cut_at_start else fields:
        if getattr(form, attr) is None:
            note(Severity.WARNING, f"missing_{attr}", f"{label} not found on the form", form.line_start, seq)


_PAGE_SOURCE = re.compile(r"^(?:信息)?来源[:：]\s*([\u4e00-\u9fff()（）]{4,30})$")


def unit_from_page_source(forms: list[Form], head: list[Cell], issues: list[Issue]) -> None:
    """A page's publisher ("信息来源:临邑县师范附属小学") that a heading of the page starts with
    ("临邑县师范附属小学项目支出目标申报表"), both in the page's head (the text before the first
    form and its first cells): a unit publishing its own form, the unit of each form that prints none."""
    sources = [m.group(1) for cell in head if (m := _PAGE_SOURCE.match(cell.text.strip()))]
    source = next(
        (
            source
            for source in sources
            for cell in head
            if cell.text.startswith(source)
            and len(cell.text) > len(source)
            and ("表" in cell.text or "绩效" in cell.text)
        ),
        None,
    )
    for seq, form in enumerate(forms, 1):
        if source and form.unit_name is None:
            form.unit_name = source
            issues[:] = [i for i in issues if (i.form_seq, i.code) != (seq, "missing_unit_name")]
            message = f"no unit on the form; {source!r}, who published the page its heading names"
            issues.append(Issue(Severity.INFO, "unit_name_from_page_source", message, head[0].line_no, seq))


# What a later sheet of a form says about itself that is not news about the form.
_SHEET_ISSUES = frozenset(
    {
        "form_truncated_start",
        "no_indicators",
        "missing_unit_name",
        "missing_fiscal_year",
        "amount_unit_assumed",
    }
)


def continues(prev: Form, form: Form) -> bool:
    """A later sheet of the form before it, printed under the same project name (申报表(绩效目标),
    (制度保障), (项目构成)): nothing on it disagrees with that form, and at most one holds indicators."""
    if (
        form.project_name is None
        or form.project_name != prev.project_name
        or form.form_type != prev.form_type
    ):
        return False
    if form.indicators and prev.indicators:
        return False
    for name in (*FIGURE_FIELDS, "unit_name", "fiscal_year"):
        ours, theirs = getattr(prev, name), getattr(form, name)
        if (
            isinstance(ours, str)
            and isinstance(theirs, str)
            and (ours.startswith(theirs) or theirs.startswith(ours))
        ):
            continue  # a name cut with the text ("市農(nóng)" of "市農(nóng)業(yè)…"): the same, not another
        if ours is not None and theirs is not None and ours != theirs:
            return False
    return True


def merge_sheet(prev: Form, form: Form, sheet_issues: list[Issue], seq: int, issues: list[Issue]) -> None:
    for name in (
        *FIGURE_FIELDS,
        "unit_name",
        "supervisor_name",
        "fiscal_year",
        "amount_unit",
        "project_category",
    ):
        if getattr(prev, name) is None:
            setattr(prev, name, getattr(form, name))
    prev.indicators += form.indicators
    prev.budget_items += form.budget_items
    prev.line_end = max(prev.line_end, form.line_end)
    if form.indicators:
        issues[:] = [i for i in issues if not (i.form_seq == seq and i.code == "no_indicators")]
    issues += [replace(i, form_seq=seq) for i in sheet_issues if i.code not in _SHEET_ISSUES]
    prev.is_complete = not any(i.form_seq == seq and i.code in _INCOMPLETE for i in issues)


def table_before_its_title(prev: Form, form: Form, seq: int, issues: list[Issue]) -> bool:
    """The form before this one, under the same title, is only this form's indicator table: a copy
    that prints the page out of order (a mirror's page title, the table, then the form's own title
    and fields). The earlier holds rows and nothing of its own but the title's name; this one has
    its fields and no rows. ``seq`` is the earlier's number."""
    return (
        bool(prev.indicators)
        and not form.indicators
        and prev.unit_name is None
        and prev.supervisor_name is None
        and all(getattr(prev, name) is None for name in FIGURE_FIELDS)
        and any(i.form_seq == seq and i.code == "project_name_from_title" for i in issues)
    )


def take_table_before_title(
    prev: Form, form: Form, form_issues: list[Issue], seq: int, issues: list[Issue]
) -> Form:
    """The form with the rows printed before its title (``table_before_its_title``), numbered as the
    earlier was; what the earlier said of its missing fields goes, what it said of its rows stays."""
    form.indicators = prev.indicators + form.indicators
    form.line_start = min(prev.line_start, form.line_start)
    gone = {"project_name_from_title", "missing_unit_name", "missing_fiscal_year", "missing_project_name"}
    issues[:] = [i for i in issues if not (i.form_seq == seq and i.code in gone)]
    issues += [replace(i, form_seq=seq) for i in form_issues if i.code != "no_indicators"]
    message = f"the indicator table printed before the title of {form.project_name!r}: read as its table"
    issues.append(Issue(Severity.INFO, "table_before_title", message, prev.line_start, seq))
    form.is_complete = not any(i.form_seq == seq and i.code in _INCOMPLETE for i in issues)
    return form


_INCOMPLETE = frozenset({"form_truncated_start", "form_truncated_end", "no_indicators", "no_total_score"})


# --- what a segment gave that is no form, or no row of it ----------------------------------------

_DEPARTMENT_WIDE = re.compile(r"(?:部门|单位)(?:\((?:部门|单位)\))?整体(?:支出)?绩效")


def name_cut_by_the_end(form: Form, lines: list[str]) -> bool:
    """The text stops inside the last row's name cell ("…质量指标 | 一审案件改", no separator after
    it): the name is cut and its row's values lost. A row whose cells are closed ("name |", "||||"
    or a line of tabs after it), or whose name closes with its unit ("…面积(万亩)"), was printed
    whole, its target blank."""
    last = _last_line(lines)
    row = form.indicators[-1] if form.indicators else None
    return (
        row is not None
        # a table of one cut row is left as read where the row is all the form holds (it stays a
        # form); a form named by its own fields loses nothing but the cut row
        and (len(form.indicators) > 1 or form.project_name is not None)
        and bool(row.name)
        and row.target is None
        and all(x is None for x in (row.actual, row.weight, row.score))
        and last.endswith(row.name)
        and not last.endswith(("|", "\t"))
        and not v.is_name_with_unit(row.name)
    )


def _last_line(lines: list[str]) -> str:
    """The text's last line that holds anything, its tabs and bars kept (they close a cell)."""
    return next((line.strip(" \r\n") for line in reversed(lines) if line.strip(" \r\n")), "")


_RATE_FIRST_DIGIT = re.compile(r"[<>=≥≤≧≦]{0,2}\d")
_SIGN_ALONE = re.compile(r"(?:^|[\s|])[<>=≥≤≧≦]{1,2}$")


def target_cut_by_the_end(form: Form, lines: list[str]) -> bool:
    """The text stops inside the last row's target cell, the target visibly cut: one character of a
    phrase ("定性 | 减" of 减少), a rate's first digit ("验收合格率 | 1", "满意度 | >=9" of >=90%), or
    its sign alone ("覆盖率 | ≧"), the figure lost; or the outcome after it, cut inside the target's words."""
    row = form.indicators[-1] if len(form.indicators) > 1 else None
    if row is None or not row.name:
        return False
    last = _last_line(lines)
    if row.target is None:  # "覆盖率 | ≧": the sign printed, its figure cut
        return row.actual is None and _SIGN_ALONE.search(last) is not None
    if row.actual and last.endswith(row.actual) and row.weight is None and row.score is None:
        # "严格执行相关财经法规制度 严格执行相关财经法": the outcome, the target's words, cut short
        return len(row.actual) < len(row.target) and row.target.startswith(row.actual)
    if not last.endswith(row.target) or last.endswith(("|", "\t")):
        return False
    target = v.nfkc(row.target).replace(" ", "")
    if len(target) == 1 and v.has_han(target):
        return target not in vocab.TARGET_PHRASES  # "高" is a whole target
    return _RATE_FIRST_DIGIT.fullmatch(target) is not None and ("率" in row.name or "满意" in row.name)


def department_wide(segment: Segment, seq: int, issues: list[Issue]) -> bool:
    """A 部门(单位)整体绩效目标表 / 部门整体支出绩效自评表, named by its title alone: a department's
    whole budget, not a project (a form with a 项目名称 of its own is read whatever its title)."""
    title = segment.cells[segment.title].key if segment.title is not None else ""
    return bool(_DEPARTMENT_WIDE.search(title)) and any(
        i.form_seq == seq and i.code == "project_name_from_title" for i in issues
    )


def only_a_guessed_name(form: Form, seq: int, issues: list[Issue]) -> bool:
    """Nothing read but a name the title gave, or the words printed before a 项目名称 label: a
    heading with no form under it ("部门(单位)整体绩效目标申报表" at the text's end), or a list of
    forms ("…自评表清单 | 序号 | 项目名称"), not a form."""
    if form.indicators or any(getattr(form, name) is not None for name in FIGURE_FIELDS):
        return False
    if form.unit_name or form.supervisor_name or form.project_category:
        return False
    return any(
        i.form_seq == seq
        and (
            i.code == "project_name_from_title"
            or i.code == "value_before_label"
            and i.message.startswith("project_name")
        )
        for i in issues
    )
