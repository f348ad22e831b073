"""What the OCR self-evaluation parser and the form reader share: a target printed in three cells
put back together (and its issue), and the checks every parser owes a form."""

from __future__ import annotations

import re

from .. import lexicon
from ..model import Form, Issue, Severity


def compose_target(operator: str | None, value: str | None, unit: str | None) -> str | None:
    """A target printed in three cells (指标性质 / 指标值 / 度量单位) as one printed text.

    '≥', '95', '%' → '≥95%'. An 指标性质 that is a word (定性, 定量, 正向指标) is not part of the
    target; a unit the value already ends with is not repeated. No 指标值, no target.
    """
    value = (value or "").strip()
    if not value:
        return None
    sign = (operator or "").replace(" ", "")
    signs = re.sub(
        r"^\d{3}(?=\D)", "", sign
    )  # "004 >=": Yunnan's system prints the nature's code; kept as printed
    prefix = sign if signs and all(ch in lexicon.TARGET_OPERATORS for ch in signs) else ""
    suffix = (unit or "").strip()
    if suffix in ("无", "/", "-") or suffix and value.endswith(suffix):  # 度量单位 "无": no unit
        suffix = ""
    return f"{prefix}{value}{suffix}"


def target_composed_issue(
    name: str, parts: list[str], target: str | None, line_no: int, form_seq: int
) -> Issue:
    """The info issue for a target put together from its 指标性质 / 指标值 / 度量单位 cells."""
    shown = " | ".join(part or "(blank)" for part in parts)
    dropped = parts[0] and not (target or "").startswith(parts[0].replace(" ", ""))
    note = f"; 指标性质 {parts[0]!r} is not a sign and is left out" if dropped else ""
    return Issue(
        Severity.INFO,
        "target_composed",
        f"{name!r}: target printed in three cells (指标性质 | 指标值 | 度量单位: {shown}), read as {target!r}{note}",
        line_no,
        form_seq,
    )


def check_form(form: Form, form_seq: int, issues: list[Issue], has_title: bool) -> None:
    """Warnings every parser owes a form: cut off at the start, no indicator table, a titled form
    whose project name, unit or year was not found, amounts printed without a unit."""
    line = form.line_start
    if not has_title:
        form.is_complete = False
        issues.append(
            Issue(
                Severity.WARNING,
                "form_truncated_start",
                "the document starts in the middle of a form: its title, unit and project name are missing; "
                "kept as a partial form",
                line,
                form_seq,
            )
        )
    if not form.indicators:
        form.is_complete = False
        issues.append(
            Issue(Severity.WARNING, "no_indicators", "the form has no indicator table", line, form_seq)
        )
    if has_title:
        check_header_fields(form, form_seq, issues)


def check_header_fields(form: Form, form_seq: int, issues: list[Issue]) -> None:
    """Warnings for a titled form whose project name, unit or year was not found, or whose amounts
    carry no unit."""
    line = form.line_start
    for attr, label in (("project_name", "项目名称"), ("unit_name", "单位"), ("fiscal_year", "年度")):
        if getattr(form, attr) is None:
            issues.append(
                Issue(Severity.WARNING, f"missing_{attr}", f"{label} not found on the form", line, form_seq)
            )
    if form.amount_unit is None and any(
        getattr(form, a) is not None for a in ("budget_total", "budget_current", "prior_year_budget")
    ):
        issues.append(
            Issue(Severity.WARNING, "amount_unit_unknown", "amounts printed without a unit", line, form_seq)
        )
