"""Outlines: a budget system's tree export, where only leading spaces show the hierarchy.

    石嘴山市疾病预防控制中心             (unit)
      狂犬、乙肝、流感等疫苗…            (project; its amount on the next, unindented line)
    3000000
       产出指标                          (一级)
        成本指标(必填硬性指标)            (二级)
         按照物价部门定价标准采购          (三级; its value on the next, unindented line)
    100%

An outline becomes the rows of a project list, the shape the form reader already reads: one
tab-separated row per indicator, printed on the line of its name (so line numbers still point at
the source), under a header naming the columns. Other lines of the outline are emptied.
"""

from __future__ import annotations

import re
from collections import Counter

from . import values as v
from .categories import is_level2_text, level1_of_text
from .lines import PAGE_MARKER

HEADER = "单位名称\t项目名称\t预算数\t一级指标\t二级指标\t三级指标\t指标值"
_SPACES = " \u3000\u00a0\t"


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip(_SPACES))


def _category_depth(lines: list[str]) -> tuple[int, int] | None:
    """The indentation of the outline's 一级 lines and the step of one level, when the 二级 sit one
    step deeper (a space, two, a tab: a copy may widen every step alike): None if no outline."""
    level1 = Counter(
        _depth(line) for line in lines if _depth(line) >= 2 and level1_of_text(line.strip(_SPACES))
    )
    level2 = {_depth(line) for line in lines if _depth(line) >= 3 and is_level2_text(line.strip(_SPACES))}
    for depth, _ in level1.most_common():
        step = next((s for s in range(1, 9) if depth + s in level2), None)
        if step is not None and depth >= 2 * step:
            return depth, step
    return None


def _start(lines: list[str], top: int, step: int) -> int:
    """The outline's first line: the unit and project lines just above its first 一级."""
    first_level1 = next(
        k for k, line in enumerate(lines) if _depth(line) == top and level1_of_text(line.strip(_SPACES))
    )
    start = first_level1
    for depth in (top - step, top - 2 * step):
        above = [k for k in range(start - 1, -1, -1) if lines[k].strip() and _depth(lines[k]) == depth]
        if above and all(
            _depth(lines[k]) in (0, depth + step) for k in range(above[0] + 1, start) if lines[k].strip()
        ):
            start = above[0]
    return start


def outline_rows(lines: list[str]) -> list[str]:
    """The lines with an outline, if they hold one, rewritten as project-list rows; else as given."""
    found = _category_depth(lines)
    if found is None:
        return lines
    top, step = found
    start = _start(lines, top, step)
    out = list(lines)
    path: dict[int, str] = {}  # depth → text: unit top-2, project top-1, 一级 top, 二级 top+1
    amount = ""
    first = None
    pending_name: int | None = None  # index of a 三级 line waiting for its value
    project_row_done = False
    for i, line in enumerate(lines[start:], start):
        text = line.strip(_SPACES + "\t")
        if not text or PAGE_MARKER.match(text):
            continue  # a page's number where the page broke does not end the outline
        depth = _depth(line)
        if depth and (depth - top) % step:
            continue  # between the outline's levels: no line of it
        if depth:
            depth = top + (depth - top) // step  # in levels from here on: 一级 top, 二级 top + 1 …
        if depth == 0:
            if pending_name is not None and v.looks_like_target(text):
                out[pending_name] += "\t" + text
                out[i], pending_name = "", None
            elif path.get(top - 1) and not amount and v.number(text) is not None:
                amount, out[i] = text, ""
            elif first is not None and not v.looks_like_target(text):
                break  # the outline has ended
            continue
        if top - 2 <= depth <= top + 2:
            first = i if first is None else first
            out[i] = ""
        if depth in (top - 2, top - 1):
            path[depth] = text
            path = {d: t for d, t in path.items() if d <= depth}
            if depth == top - 1:
                amount, project_row_done = "", False
        elif depth in (top, top + 1):
            path[depth] = text
            path = {d: t for d, t in path.items() if d <= depth}
        elif depth == top + 2:
            own = (
                [path.get(top - 2, ""), path.get(top - 1, ""), amount]
                if not project_row_done
                else ["", "", ""]
            )
            project_row_done = True
            out[i] = "\t".join([*own, path.get(top, ""), path.get(top + 1, ""), text])
            pending_name = i
    if first is None:
        return lines
    header_at = next((k for k in range(first - 1, -1, -1) if lines[k].strip()), None)
    if header_at is None:
        return lines
    out[header_at] = HEADER
    return out


# A department's project list printed as blocks of prose (Anhui's 项目绩效目标和指标 pages):
#    037001 / 黄山市公安局 / 27955180          a unit: its code, name and budget, one per line
#    其他运转类 / 1681680                       a project category and its total
#    037001 / 某某服务采购项目 / 1681680         a project: the unit's code, its name and budget
#    【项目概况】:… 【总体目标】 …               prose, not read as rows
#    【产出指标-数量指标】                      一级-二级
#    指标1:机柜数量(≥77台)                      三级 (指标值)
BRACKET_HEADER = "项目类别\t单位名称\t项目名称\t预算数\t一级指标\t二级指标\t三级指标\t指标值"
_BRACKET_HEADING = re.compile(r"^【([^】\-—－]+)[-—－]([^】]+)】$")
_BRACKET_ITEM = re.compile(r"^(?:指[标標]\s*\d+\s*[:：])?\s*(.+?)\s*(?:[(（]([^()（）]*)[)）])?$")
_UNIT_CODE = re.compile(r"^\d{6}$")


def _unit_codes(texts: list[str]) -> list[int]:
    """Lines of a unit's code: six digits, then a name, then a figure, and the same code again further
    on (the unit's line and each project's); a budget figure of six digits is not repeated so."""
    nonblank = [k for k, t in enumerate(texts) if t]
    shaped = [
        k
        for j, k in enumerate(nonblank[:-2])
        if _UNIT_CODE.match(texts[k])
        and v.number(texts[nonblank[j + 1]]) is None
        and v.number(texts[nonblank[j + 2]]) is not None
    ]
    seen = Counter(texts[k] for k in shaped)
    return [k for k in shaped if seen[texts[k]] >= 2]


def bracketed_rows(lines: list[str]) -> list[str]:
    """The lines with a bracketed project list, if they hold one, as project-list rows; else as given."""
    if "【" not in "".join(lines):
        return lines  # no bracketed heading: the common case, decided without a pass per line
    headings = {
        k: (m[1], m[2])
        for k, line in enumerate(lines)
        if "【" in line  # a substring test in C: brackets in prose ("沪财【2008】") are few
        and (m := _BRACKET_HEADING.match(line.strip(_SPACES + "\t")))
        and level1_of_text(m[1])
    }
    if len(headings) < 2:
        return lines  # decided before the pass over every line for unit codes
    texts = [line.strip(_SPACES + "\t") for line in lines]
    # a page's number where the page broke ("第 2 页 共 3 页"), between a unit's lines or a heading
    # and its items, is none of the list's lines
    texts = ["" if PAGE_MARKER.match(text) else text for text in texts]
    codes = _unit_codes(texts)
    if not codes or codes[0] > min(headings):
        return lines
    nonblank = [k for k, t in enumerate(texts) if t and k >= codes[0]]
    code_lines = set(codes)
    start = next(
        (k for k in range(codes[0] - 1, max(codes[0] - 40, -1), -1) if texts[k].startswith("单位编码")),
        codes[0],
    )
    out = [*lines[:start], BRACKET_HEADER, *([""] * (len(lines) - start - 1))]

    def at(j: int) -> str:
        return texts[nonblank[j]] if j < len(nonblank) else ""

    unit = category = ""
    project: list[str] | None = None  # the next row's own columns, until a row takes them
    project_at = 0  # the line of its name
    level = ("", "")
    j = 0
    while j < len(nonblank):
        k, text = nonblank[j], at(j)
        if k in code_lines and at(j + 1):
            if project is not None:  # a project with no indicator: its own columns alone
                out[project_at] = "\t".join(project)
                project = None
            name, j, project_at = at(j + 1), j + 1, nonblank[j + 1]
            amount = at(j + 1) if v.number(at(j + 1)) is not None else ""
            j += 1 if amount else 0
            if at(j + 1).startswith("【"):
                project, level = [category, unit, name, amount], ("", "")
            else:
                unit = name
        elif k in headings:
            level = headings[k]
        elif not text.startswith(("【", "指标")) and v.number(at(j + 1)) is not None:
            category, level, j = text, ("", ""), j + 1  # 其他运转类 / 1681680
        elif level[0] and (item := _BRACKET_ITEM.match(text)) and not text.startswith("【"):
            own = project if project is not None else [""] * 4
            out[k] = "\t".join([*own, *level, item[1], item[2] or ""])
            project = None
        j += 1
    if project is not None:
        out[project_at] = "\t".join(project)  # the copy ends before the project's indicators
    return out
