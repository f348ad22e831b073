"""Form boundaries in the cell stream: a title starts a form once the form before it has content.

Titles repeated before any content (a page heading, then the form's own title) are one form; a
project-name label after a form's indicator table starts a form whose title was not printed.
Form type is decided per form, so a file may hold a target form and then a self-evaluation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..memo import memo
from ..model import FormType
from ..traditional import simplified
from . import vocabulary as vocab
from .categories import header_role
from .cell import Cell
from .items import item_header_at
from .labels import field_for, is_label, title_type_of_key, unit_statement
from .table import headerless_table_at
from .values import CODED_UNIT, looks_like_target, nfkc

# not after a digit: "12020年" is no year (a code or a figure run into it)
# "(2017年度)", and "(20 17 年度)": pdftotext may part a year's digits, never a year from its 年度
_YEAR_OF_FORM = re.compile(r"(?:(?<!\d)|(?<=附件\d))((?:19|20) ?\d{2})\s*年\s*度")
_YEAR = re.compile(r"(?:(?<!\d)|(?<=附件\d))((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# or after an attachment's number run into it: "附件22023年…区域绩效目标表"
# A notice that hands funds down ("关于下达2023年中央…补助资金的通知") before the form it attaches
_NOTICE_YEAR = re.compile(r"下达((?:19|20)\d{2})年")
# The project's period within one year ("项目起止时间 | 2016 年 1 月起至 2016 年 12 月止"): the form's
# year when nothing else states one (an evaluation's own period is no project's year).
_PERIOD_IN_A_YEAR = re.compile(
    r"(?:起止时间|实施期|项目期|实施周期|执行期)[^0-9]{0,6}((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月[^年]{0,12}?(?:至|到|-|—|~)\s*(?:\1\s*年|\d{1,2}\s*月)"
)


@dataclass
class Segment:
    cells: list[Cell]
    title: int | None  # index of the title cell, None for a form cut off before its title
    form_type: FormType
    ends_text: bool = False  # the document's last form: its text may be cut off
    after_form: bool = False  # another form came before it: no title means a shared heading, not a cut
    preamble: list[Cell] = field(default_factory=list)  # the first form's: the text before it (its summary)
    # the cell before the form's first on its line: run-together text may hold its title's head there
    lead: str = ""

    def year(self) -> tuple[int | None, str | None]:
        """The year the title states ("(2020年度)", "2023年项目支出…"); without a title, the first
        short cell that states one ("2020年绩效目标"), then any: prose mentions other years; last, the
        year of the funds a notice before the form hands down (its words returned with it)."""
        cells, t = self.cells, self.title
        lead = self.lead[-40:] if t is not None and t <= 1 else ""  # the title's head, cut off
        windows = (
            lambda: lead + " ".join(c.text for c in cells[max(0, t - 2) : t + 4]) if t is not None else "",
            lambda: " ".join(c.text for c in cells[:80] if len(c.key) <= 20),
            lambda: " ".join(c.text for c in cells[:40]),
        )  # built only as far as needed
        for window in (make() for make in windows):
            for pattern in (_YEAR_OF_FORM, _YEAR):
                match = pattern.search(nfkc(window))
                if match:
                    return int(match.group(1).replace(" ", "")), None
        match = _PERIOD_IN_A_YEAR.search(simplified(nfkc(" ".join(c.text for c in cells[:120]))))
        if match:
            return int(match.group(1)), None
        notice = next((m for c in self.preamble if (m := _NOTICE_YEAR.search(c.text))), None)
        return (int(notice.group(1)), notice.group()) if notice else (None, None)


@memo(1 << 14)
def _key_marks(key: str) -> tuple[FormType | None, tuple[str, int] | None, bool, bool]:
    """What split_forms asks of every cell's key, in one cached answer: the form type a title
    names, the field a label names, whether it heads a 一级/二级 column, whether it labels an amount."""
    return (
        title_type_of_key(key),
        field_for(key),
        header_role(key) in ("level1", "level2"),
        key in vocab.AMOUNTS,
    )


def split_forms(cells: list[Cell]) -> list[Segment]:
    segments: list[Segment] = []
    start, title, form_type = 0, None, FormType.TARGET
    has_name = has_table = has_fields = False
    for k, cell in enumerate(cells):
        found, named, heads_a_level, labels_an_amount = _key_marks(cell.key)
        if found and _inside_sentence(cells, k):
            found = None
        is_name_label = (
            named is not None
            and named[0] == "project_name"
            and not item_header_at(cells, k)
            and not in_table_header(cells, k)
        )
        starts_table = heads_a_level or (
            # under a heading that names the form, before any of its fields: the page opens in its table
            not (found or segments)
            and (title is None or not (has_fields or has_name))
            and headerless_table_at(cells, k)
        )
        if (found and (has_name or has_table)) or (is_name_label and has_name and has_table):
            cut = k - 1 if found and k - 1 > start and title_head(cells[k - 1], cell) else k
            if not found:
                cut = _with_unit_row(cells, start, cut)
            if (title is not None or has_name or has_table) and cut > start:
                if title is not None and title >= cut - start:
                    title = None  # the title's cell went to the next form (a title split over two cells)
                segments.append(Segment(cells[start:cut], title, form_type, after_form=bool(segments)))
            title = k - cut if found else None
            start, form_type = cut, found or form_type
            has_name, has_table = is_name_label, starts_table
            continue
        if found:
            if title is None and not segments:
                start = k - 1 if k > 0 and title_head(cells[k - 1], cell) else k
            title, form_type = k - start, found
        has_name = has_name or is_name_label
        has_table = has_table or starts_table
        has_fields = has_fields or named is not None or labels_an_amount
    # a title with no field of a form after it is a mention ("…的绩效自评表"), not a form
    if has_name or has_table or (title is not None and has_fields):
        segments.append(Segment(cells[start:], title, form_type, ends_text=True, after_form=bool(segments)))
    if segments and segments[0].cells:
        first = segments[0].cells[0]
        segments[0].preamble = cells[: next(k for k, cell in enumerate(cells) if cell is first)]
        offset = len(segments[0].preamble)  # the segments follow one another from there
        for segment in segments:
            if offset and segment.cells and cells[offset - 1].line_no == segment.cells[0].line_no:
                segment.lead = cells[offset - 1].text
            offset += len(segment.cells)
    return segments


def in_table_header(cells: list[Cell], k: int) -> bool:
    """项目名称 as a column of a project list's header (printed again on each page), not a form's label."""
    row = cells[k].row
    if k > 0 and cells[k - 1].key == "序号" and cells[k - 1].row == row:
        return True  # 序号 | 项目名称: a list's columns (a summary of projects), no form's label
    # the header's labels next to it: a value between ends the header (a page run together on one
    # line holds the next form's 项目名称 | 某项目 … 一级指标 | 二级指标 on the same row)
    near = _labels_on_row(reversed(cells[max(0, k - 6) : k]), row)
    near += _labels_on_row(cells[k + 1 : k + 12], row)
    return sum(1 for c in near if header_role(c.key) in ("level1", "level2", "name")) >= 2


def _labels_on_row(run, row: int) -> list[Cell]:
    out = []
    for cell in run:
        if cell.row != row or not (is_label(cell) or header_role(cell.key)):
            break
        out.append(cell)
    return out


def _with_unit_row(cells: list[Cell], start: int, cut: int) -> int:
    """A form that starts at its 项目名称 may have its unit line just above ("207101某单位 | 单位:万元")."""
    row = cells[cut - 1].row if cut > start else None
    first = cut
    while first > max(start, cut - 3) and cells[first - 1].row == row and not _a_value(cells[first - 1].text):
        first -= 1  # a few cells at most: in text run together on one line the row is the whole form
        if CODED_UNIT.match(cells[first].key):
            break  # the unit's coded name opens its row: what is before it ends the form before
    if not any(unit_statement(c) for c in cells[first:cut]):
        return cut
    before = cells[first - 1] if first - 1 > start else None
    if before and before.row == cells[first].row - 1 and CODED_UNIT.match(before.key):
        first -= 1  # one cell a line: "207101某单位" on the line before "单位:万元"
    return first


def _a_value(text: str) -> bool:
    """A row's value ("≥95百分比"), not a unit's name with its budget code ("207101某法院")."""
    return looks_like_target(text) and len(re.findall(r"[\u4e00-\u9fff]", text)) < 4


def title_head(head: Cell, title: Cell) -> bool:
    """The first words of a title that run-together text cut off before its form word:
    "2023年度项目支出" | "绩效目标表"."""
    return head.line_no == title.line_no and title.glued and len(head.key) <= 30 and not is_label(head)


def _inside_sentence(cells: list[Cell], k: int) -> bool:
    """A title's words in the middle of run-together prose ("是否完成" | "绩效目标申报表" | "中申报的数量"):
    words that are not labels run into it on both sides, so it names a form, it does not start one."""
    if not cells[k].glued or k == 0 or k + 1 >= len(cells):
        return False
    before, after = cells[k - 1], cells[k + 1]
    return all(
        other.line_no == cells[k].line_no
        and other.glued
        and "\u4e00" <= other.text[:1] <= "\u9fff"
        and not is_label(other)
        for other in (before, after)
    ) and not after.text.startswith(("年", "表"))
