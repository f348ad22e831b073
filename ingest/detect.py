"""Which layout family a document belongs to, from its labels and structure (never its file name)."""

from __future__ import annotations

from .text import fold

UNKNOWN = "unknown"


def detect_layout(lines: list[str]) -> str:
    """Layout family name; parsers are registered per family in ``parsers.PARSERS``."""
    content = [line for line in lines if line.strip()]
    if not content:
        return UNKNOWN
    tabbed = sum("\t" in line for line in content) / len(content)
    text = fold("".join(content[:3000]))
    is_self_eval = "自评表" in text or ("年初预算数" in text and "全年执行" in text)
    is_target = "绩效目标" in text and ("预算" in text or "指标" in text)
    if is_self_eval:
        return "tsv_self_eval" if tabbed >= 0.3 else "text_self_eval"
    if not is_target and "一级" not in text:
        return UNKNOWN
    if tabbed >= 0.3:
        district = "项目构成分解" in text or "(项目总体情况)" in text or "金额单位:万元" in text
        return "tsv_district_target" if district else "tsv_target"
    if "上海市财政支出项目绩效目标申报表" in text or "子项目名称" in text:
        return "pdf_scrambled_target"
    return "pdftext_target"
