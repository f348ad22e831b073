"""The indicator table: columns from its header, 一级/二级 from their labels, rows from ``rows``.

Whatever the text shape, the table arrives as a stream of cells. Category cells are known by the
label vocabulary of both frameworks (``categories``) and carried down; the data cells between two
category cells are one or more rows, cut by ``rows.split_rows``. A department's project list (one
row per indicator, the project's own columns first) is cut into projects here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..memo import memo
from ..model import Indicator
from . import values as v
from . import vocabulary as vocab
from .categories import category_text, header_role, is_level2, is_level2_text, level1_of, level1_of_text
from .cell import Cell, label_key
from .labels import is_label
from .rows import split_rows
from .value_block import scrambled_rows

_VALUE_ROLES = ("explain", "target_operator", "target_direction", "target", "target_unit", "target_half", "actual",
                "prior_actual", "completion_rate", "status", "weight", "score", "weighted_score", "deviation_reason",
                "note", "standard", "rule", "evidence")  # fmt: skip
# Sub-columns a two-row header prints under one head: 符号 | 单位 under 预期指标值 (the value between
# them), 单项指标得分 | 权重占比 | 折算得分 under 自评得分.
_TARGET_PARTS = ("target_operator", "target_unit")
_SCORE_PARTS = ("score", "weight", "weighted_score")
# The 得分计算方法 column's boilerplate ("完成值达到指标值,记满分;未达到指标值,按B/A…该指标分值记分"),
# printed once down the table's side: how rows are scored, never a row
_CATEGORY_LABELS = vocab.LEVEL1 | vocab.LEVEL2
_LEVEL2_OR_COST = vocab.LEVEL2 | {"成本指标"}
_VALUE_TAIL = re.compile(r"值$")
_ROW_NUMBER = re.compile(r"\d{1,3}")


@memo(1 << 12)
def _names_a_level2(level1: str) -> bool:
    """A 一级 reading that names a 二级 (成本指标, and 成本值: Shandong's)."""
    return _VALUE_TAIL.sub("指标", label_key(level1)) in _LEVEL2_OR_COST


# Heads a header can start with (header_length's own test, as a set lookup for every cell)
_HEADER_STARTS = frozenset(
    key for key, role in vocab.INDICATOR_HEADER.items() if role in ("level1", "level2", "name", "wrapper")
) | frozenset(vocab.TABLE_WRAPPERS)
_SCORING_RULE = re.compile(r"记满分|分值[记计]分|来[记计]分|按比例[记计扣]分")
# The words of a row that ends the table (说明 | 无, 合计 | 100), when run-together text left them
# inside the table's last cell: a row named by one of them alone is the table's foot, not a row
_TABLE_END_WORDS = frozenset(label_key(word) for word in vocab.TABLE_END)


def value_slots(roles: list[str]) -> list[str]:
    """The value columns after the indicator name, in printed order. Where a two-row header prints
    年度指标值 above 指标性质 / 指标值 / 度量单位, those three take its place."""
    targets = [k for k, role in enumerate(roles) if role == "target"]
    parts = [k for k, role in enumerate(roles) if role in ("target_operator", "target_unit")]
    if len(targets) >= 2 and parts:
        group = sorted([*parts, min(targets[1:], key=lambda k: min(abs(k - p) for p in parts))])
        order = [roles[k] for k in group]
        roles = [
            *roles[: targets[0]],
            *order,
            *[r for k, r in enumerate(roles[targets[0] + 1 :], targets[0] + 1) if k not in group],
        ]
    slots: list[str] = []
    for role in roles:
        if role in _VALUE_ROLES and role not in slots:
            slots.append(role)
    if not slots:
        slots.append("target")  # a header with no value columns: names and targets only
    return slots


@dataclass
class IndicatorTable:
    slots: list[str]
    self_eval: bool
    cells: list[Cell] = field(default_factory=list)
    scrambled: bool = False
    leftover: list[str] = field(default_factory=list)  # figures after a scrambled table's rows (its 总分)
    # A project list (one row per indicator, the project's own columns before 一级指标, as budget
    # systems export a department's projects): those columns' meanings, in printed order.
    project_columns: list[str] = field(default_factory=list)
    category_names: list[Cell] = field(default_factory=list)  # category words read as a row's name
    has_level1: bool = True  # the header has a 一级 column
    # 指标类型 | 指标名称 | 指标值 with no 二级 column: a 二级 label in the name column is the row's name
    level2_names: bool = False
    # rows whose 一级 was lost (the national 二级 tells it)
    inferred: list[Indicator] = field(default_factory=list)
    # 二级 | 三级 | 指标值 printed twice side by side (实施周期 | 年度): each line holds two rows
    parallel: bool = False

    @classmethod
    def from_header(cls, header: list[Cell], self_eval: bool, project_columns: list[str]) -> IndicatorTable:
        wrapped = _wrapped_heads(header)
        roles = [header_role(cell.key) or wrapped.get(cell.key, "") for cell in header]
        # 三级指标 | 指标内容: a second, differently named name column describes the indicator
        # (Hunan's 专项 form); the same header again is a parallel column set (长期 | 年度)
        names = [k for k, role in enumerate(roles) if role == "name"]
        parallel = any(header[k].key == header[names[0]].key for k in names[1:])
        if names and "target" in roles[names[0] :]:
            # an unknown head between the name and the target (Hebei's 指标分值, holding the 指标解释):
            # a column describing the row, not a value
            for k in range(names[0] + 1, roles.index("target", names[0])):
                if not roles[k] and v.has_han(header[k].text) and header[k].row == header[names[0]].row:
                    roles[k] = "explain"
        for k in names[1:]:
            if header[k].key != header[names[0]].key:
                roles[k] = "explain"
        if "target" not in roles and "name" in roles and "wrapper" in roles[roles.index("name") :]:
            roles[roles.index("wrapper", roles.index("name"))] = "target"  # 指标名称 | 绩效目标: its targets
        if "standard" in roles and "target" in roles and roles.index("standard") < roles.index("target"):
            roles[roles.index("standard")] = "explain"  # 绩效标准 before the value: it describes the row
        self_eval = self_eval or "actual" in roles or "score" in roles
        roles = _under_their_heads(header, roles)
        name_at = roles.index("name") if "name" in roles else 0
        level2_names = "level2" not in roles and "level1" in roles[:name_at]
        return cls(
            value_slots(roles),
            self_eval,
            project_columns=project_columns,
            has_level1="level1" in roles,
            level2_names=level2_names,
            parallel=parallel,
        )

    def projects(self) -> list[tuple[dict[str, str], list[Indicator]]]:
        """The table's indicators, per project for a project list (its columns' values first),
        else as one group; ``self.guesses`` then lists the rows whose name was a guess."""
        self.guesses: list[Indicator] = []
        self.unread: list[Cell] = []  # cells of the table no row took
        self.composed: list[tuple[Indicator, str]] = []  # targets put together from their parts
        cells = _without_row_numbers(self.cells)
        if not self.project_columns:
            return [({}, self._indicators(cells))]
        groups: list[tuple[dict[str, str], list[Cell]]] = []
        for row in self._rows_parted_at_units(_physical_rows(cells)):
            if sum(1 for c in row if header_role(c.key) or is_label(c)) >= max(3, 0.6 * len(row)):
                continue  # the header printed again at the top of the next page
            first = next((k for k, c in enumerate(row) if level1_of(c) or is_level2(c)), None)
            if first is None and self._project_alone(row):
                groups.append((dict(zip(self.project_columns, [c.text for c in row], strict=True)), []))
                continue  # a project whose rows the copy lost: its own columns and nothing else
            if first is None:
                if groups:
                    groups[-1][1].extend(
                        row
                    )  # a row's wrapped tail; a subtotal row before any project is skipped
                continue
            if first > 0:  # the project's own cells start the row: a new project
                values = [c.text for c in row[:first]][-len(self.project_columns) :]
                columns = self.project_columns[len(self.project_columns) - len(values) :]
                groups.append((dict(zip(columns, values, strict=True)), []))
            if groups:
                groups[-1][1].extend(row[first:])
        return [(values, self._indicators(rows)) for values, rows in groups]

    def _rows_parted_at_units(self, rows: list[list[Cell]]) -> list[list[Cell]]:
        """A project's row starting inside the row before (a page run together on one line): its unit's
        coded name ("776001-某检察院") after a category label, its budget where the list puts it, opens
        the project's own columns."""
        if "unit_name" not in self.project_columns:
            return rows
        unit_at = self.project_columns.index("unit_name")
        budget_at = (
            self.project_columns.index("budget_current") - unit_at
            if "budget_current" in self.project_columns
            else None
        )
        out = []
        for row in rows:
            start = 0
            seen_category = False
            for k, cell in enumerate(row):
                seen_category = seen_category or bool(level1_of(cell) or is_level2(cell))
                opens = (
                    seen_category
                    and k - unit_at > start
                    and v.CODED_UNIT.match(cell.key) is not None
                    and (
                        budget_at is None
                        or k + budget_at < len(row)
                        and v.number(row[k + budget_at].text) is not None
                    )
                )
                if opens:
                    out.append(row[start : k - unit_at])
                    start, seen_category = k - unit_at, False
            out.append(row[start:])
        return out

    def _project_alone(self, row: list[Cell]) -> bool:
        """A row of exactly the project's own columns, its budget a figure where the list has one."""
        if len(row) != len(self.project_columns) or "project_name" not in self.project_columns:
            return False
        at = (
            self.project_columns.index("budget_current") if "budget_current" in self.project_columns else None
        )
        return at is not None and v.number(row[at].text) is not None

    def _names_its_row(self, cells: list[Cell], k: int) -> bool:
        """A category label with only value cells after it on its row: in the name column."""
        tail = [c for c in cells[k + 1 : k + 1 + len(self.slots) + 1] if c.row == cells[k].row]
        if not tail and k + 1 < len(cells):  # one cell a line: the value comes next, not a name
            after = cells[k + 1].text.strip()
            return v.looks_like_target(after) or len(after) <= 2 and v.has_han(after)
        if len(tail) > len(self.slots) and cells[-1].row == cells[k].row:
            tail = tail[:1]  # run together on one line (rows only grow): the row is the whole text
            return v.looks_like_target(tail[0].text) or len(tail[0].text.strip()) <= 2
        return 0 < len(tail) <= len(self.slots) and not any(level1_of(c) or is_level2(c) for c in tail)

    def _rows(self, run: list[Cell], level1: str | None, level2: str | None) -> list[Indicator]:
        return split_rows(
            run, self.slots, self.self_eval, level1, level2, self.guesses, self.composed, self.unread
        )

    def _indicators(self, cells: list[Cell]) -> list[Indicator]:
        scrambled = scrambled_rows(cells, self.slots)
        if scrambled is not None:
            self.scrambled, (rows, self.leftover) = True, scrambled
            return rows
        cells = _split_labels_joined(cells)
        out: list[Indicator] = []
        level1 = level2 = None
        run: list[Cell] = []
        outer = _outer_levels(cells)
        fund_row = doubled = skip_to = -1
        for k, cell in enumerate(cells):
            if k == doubled or cell.row == fund_row or k < skip_to:
                continue
            if cell.key in _HEADER_STARTS and (length := header_length(cells, k)):
                # the header printed again where a page broke (一级指标 | 二级指标 | … | 全年实际完成值):
                # its line, with a wrapper before its heads ("绩效指标(权重分值90分…)") and heads the
                # vocabulary lacks after them, is no row; the categories go on below it
                out += self._rows([c for c in run if c.row != cell.row], level1, level2)
                run, skip_to = [], k + length
                while skip_to < len(cells) and cells[skip_to].row == cells[skip_to - 1].row:
                    skip_to += 1
                continue
            if cell.key in vocab.FUND_COLUMNS and k + 1 < len(cells) and cells[k + 1].key == cell.key:
                # the fund block's execution row printed in the table, its label in the merged 一级
                # and 二级 cells (Hebei's "预算执行率 | 预算执行率 | … | 10"): no indicator, and its
                # figures none either (its line's, or no category is open after it to take them)
                out += self._rows(run, level1, level2)
                level1 = level2 = None
                run, doubled, fund_row = [], k + 1, cell.row
                continue
            # l1: the 一级 it is read as, which the tests below may undo (level1_of and is_level2
            # asked on the text at hand: one call less each, for every cell)
            l1 = printed_l1 = level1_of_text(cell.text)
            l2 = is_level2_text(cell.text)
            category = bool(l1) or l2
            if self.level2_names and category and self._names_its_row(cells, k):
                out += self._rows(run, level1, level2)
                level2, run = category_text(cell), [cell]
                continue
            if outer and category:
                out += self._rows(run, level1, level2)
                run = []
                if cell.key in outer or (l1 and label_key(category_text(cell)) not in _CATEGORY_LABELS):
                    level1, level2 = l1, None
                else:
                    level2 = category_text(cell)
                continue
            if (
                l1
                and _names_a_level2(l1)
                and (level1 or level2 or out or run)  # or after rows whose merged cells the page lost
                and not _next_is_level2(cells, k)
            ):
                l1 = None  # 成本指标 under 产出指标 (2020 template), or among 二级s whose 一级 was lost
            if l1 and l1 == level1 and level2 is None and not run:
                l1 = None  # the 一级 printed again in the 二级 column: 满意度指标 | 满意度指标
            if not l1 and level2 and not run and l2 and _bare_word(cell):
                run.append(cell)  # a bare word (满意度) right after a 二级 label is the row's name
                continue
            if (
                level2
                and label_key(level1 or "") in vocab.EVALUATION_LEVEL1
                and l2
                and _bare_word(cell)
                and k + 2 < len(cells)
                and v.number(cells[k + 1].text) is not None
                and v.number(cells[k + 2].text) is not None
            ):
                run.append(
                    cell
                )  # 财务管理 | 3 | 3 under 项目管理 / 资金管理: a 三级 name, its 分值, its 得分
                continue
            if category and _names_a_row(cells, k):
                self.category_names.append(cell)
                run.append(cell)  # "满意度 ≥90%": a category word with a value and no name is the name
                continue
            if l1 or l2 or (l1 is None and printed_l1) or header_role(cell.key):
                out += self._rows(run, level1, level2)
                run = []
                if l1:
                    level1, level2 = l1, None
                elif l2 or printed_l1:
                    level2 = category_text(cell)
                elif (
                    cell.key in vocab.EVALUATION_WRAPPED_LEVEL2
                    and label_key(level1 or "") in vocab.EVALUATION_LEVEL1
                ):
                    level2 = cell.text  # 决策 > 绩效目标: the framework's 二级, not the table's wrapper
                continue
            if level1 is None and level2 is None and not (run or _starts_a_row(cells, k)):
                continue  # words between the header and the first category (a header cell's tail)
            if not cell.key:
                continue  # "(30分)": the points of a merged 一级 whose label the copy lost
            run.append(cell)
        out += self._rows(run, level1, level2)
        out = [
            row
            for row in out
            if not _SCORING_RULE.search(row.name or "") and label_key(row.name or "") not in _TABLE_END_WORDS
        ]
        if self.parallel:
            out = _annual_of_pairs(out)
        elif self.self_eval:
            out = _outcome_under_the_name_again(out)
        _level1_printed_below(out)
        if self.has_level1:
            # the merged 一级 cell was lost: raw keeps what is printed (no 一级); staging maps the
            # national 二级 to its 一级 (seed indicator_category_map, 一级 '*')
            self.inferred += [r for r in out if r.level1 is None and r.level2 in vocab.NATIONAL_LEVEL1_OF]
        return out


# The first halves a wrapped 二级 label may be cut into (three characters or more): a cell that is
# none of them starts no split label, which spares the look-ahead for nearly every cell.
_LEVEL2_HEADS = frozenset(label[:n] for label in vocab.LEVEL2 for n in range(3, len(label)))


def _split_labels_joined(cells: list[Cell]) -> list[Cell]:
    """A merged 二级 cell whose label wrapped is printed around its row, one cell a line:
    "社会公众或服务" | name | target | "对象满意度指标". The two halves make the label, in the head's place."""
    out = list(cells)
    for k, cell in enumerate(out):
        key = cell.key
        if key not in _LEVEL2_HEADS or key in vocab.LEVEL2 or is_level2(cell) or level1_of(cell):
            continue
        for j in range(k + 1, min(k + 5, len(out))):
            tail = out[j].key
            if len(tail) >= 3 and tail.endswith("指标") and key + tail in vocab.LEVEL2:
                out[k] = Cell(cell.text + out[j].text, cell.line_no, cell.row)
                del out[j]
                break
    return out


def _annual_of_pairs(rows: list[Indicator]) -> list[Indicator]:
    """A row and the next of the same name are the 实施周期 and the 年度 set's, side by side: the
    later, the year's, stays (in pipe rows they share a line; one cell a line, they follow)."""
    out: list[Indicator] = []
    for row in rows:
        if out and out[-1].name == row.name and out[-1].level2 == row.level2:
            out[-1] = row
        else:
            out.append(row)
    return out


def _outcome_under_the_name_again(rows: list[Indicator]) -> list[Indicator]:
    """A self-evaluation's outcome cell that prints the row's name again before its figure
    (hb_xianning, one cell a line: name | 11个 | name | 0 | 原因…) reads as a second row of the
    same name: a row with a target and no outcome, then the same name under the same 二级, is one
    row, the second's values its outcome on."""
    out: list[Indicator] = []
    for row in rows:
        prev = out[-1] if out else None
        if (
            prev is not None
            and row.name
            and row.name == prev.name
            and (row.level1, row.level2) == (prev.level1, prev.level2)
            and prev.target is not None
            and prev.actual is None
            and row.target is not None
        ):
            prev.actual = row.target
            prev.deviation_reason = prev.deviation_reason or row.deviation_reason or row.actual
            prev.weight = prev.weight if prev.weight is not None else row.weight
            prev.score = prev.score if prev.score is not None else row.score
            continue
        out.append(row)
    return out


def _under_their_heads(header: list[Cell], roles: list[str]) -> list[str]:
    """A two-row header's sub-columns put where they are printed: under their head's column."""
    top = [k for k, cell in enumerate(header) if cell.row == header[0].row]
    parts = [roles[k] for k, cell in enumerate(header) if cell.row != header[0].row and roles[k]]
    if "target" not in (roles[k] for k in top) or not set(_TARGET_PARTS) & set(parts):
        return roles
    out: list[str] = []
    for k in top:
        if roles[k] == "target":
            out += [r for r in ("target_operator",) if r in parts] + ["target"]
            out += [r for r in ("target_unit",) if r in parts]
        elif (roles[k] == "score" or header[k].key.endswith("得分")) and set(_SCORE_PARTS) <= set(parts):
            out += [role for role in parts if role in _SCORE_PARTS]
        else:
            out.append(roles[k])
    return out


def _bare_word(cell: Cell) -> bool:
    """满意度, not 满意度指标 nor "时效指标 (必填)": a category word without 指标/目标, its note aside."""
    return not label_key(category_text(cell)).endswith(("指标", "目标"))


def _outer_levels(cells: list[Cell]) -> frozenset[str]:
    """一级 labels over a framework's own 一级s (以工代赈's 实施效果指标 over 产出指标 | 效益指标, 过程管理指标
    over 计划管理指标): a 一级-shaped label followed at once by another, other than the national four.
    Under them every category label is a 二级."""
    outer = set()
    cats = [c for c in cells if c.key]
    for cell, after in itertools.pairwise(cats):
        if (
            cell.key not in vocab.LEVEL1
            and level1_of_text(cell.text)  # on the text: one call less for every cell of the table
            and level1_of_text(after.text)
            and after.key != cell.key
            and label_key(category_text(after)) not in _LEVEL2_OR_COST
        ):
            outer.add(cell.key)
    return frozenset(outer)


def _level1_printed_below(rows: list[Indicator]) -> None:
    """A merged 一级 cell is printed at its group's middle: the group's first rows come before the
    label ("是否完成…数量" | "产出指标(50分)" | "质量指标" …). Rows before the first 一级 take it where
    their 二级 belongs under it."""
    first = next((row for row in rows if row.level1), None)
    if first is None:
        return
    family = label_key(first.level1).removesuffix("指标")
    for row in rows:
        if row.level1:
            break
        if vocab.NATIONAL_LEVEL1_OF.get(row.level2 or "", "").removesuffix("指标") == family:
            row.level1 = first.level1


def _starts_a_row(cells: list[Cell], k: int) -> bool:
    """Before any category label, a row of a name and its value: the merged 一级/二级 cells of the
    table's first rows were lost ("贫困地区新增特色产业数量 | ≥1个")."""
    cell = cells[k]
    after = [c for c in cells[k + 1 : k + 3] if c.row == cell.row]
    if not after and k + 1 < len(cells) and cells[k + 1].row == cell.row + 1 and len(cell.key) >= 4:
        after = [cells[k + 1]]  # one cell a line: the value on the next
    if not v.has_han(cell.text) or header_role(cell.key) or not after:
        return False
    first = v.nfkc(after[0].text).strip()
    if v.looks_like_target(first) and any(ch.isdigit() for ch in first):
        return True
    return len(after) == 2 and _sign_and_figure(*after)


def _names_a_row(cells: list[Cell], k: int) -> bool:
    """A bare category word (no 指标/目标) followed on its line by a value only: a row's name."""
    cell = cells[k]
    if cell.key.endswith(("指标", "目标")) or not (is_level2_text(cell.text) or level1_of_text(cell.text)):
        return False
    after = [c for c in cells[k + 1 : k + 3] if c.row == cell.row]
    return (
        len(after) == 1 and v.looks_like_target(after[0].text) and any(ch.isdigit() for ch in after[0].text)
    )


def _next_is_level2(cells: list[Cell], k: int) -> bool:
    return k + 1 < len(cells) and is_level2(cells[k + 1]) and not level1_of(cells[k + 1])


def _without_row_numbers(cells: list[Cell]) -> list[Cell]:
    """A 序号 column: rows that start with 1, 2, 3 … in turn. The numbers are no values of the row."""
    numbered = [
        row[0]
        for row in _physical_rows(cells)
        if len(row) >= 2 and _ROW_NUMBER.fullmatch(row[0].text.strip())
    ]
    runs = sum(1 for a, b in itertools.pairwise(numbered) if int(b.text) == int(a.text) + 1)
    if len(numbered) < 3 or runs < 0.8 * (len(numbered) - 1):
        return cells
    drop = {id(cell) for cell in numbered}
    return [cell for cell in cells if id(cell) not in drop]


def _physical_rows(cells: list[Cell]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for cell in cells:
        if rows and rows[-1][-1].row == cell.row:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return rows


# A table met without its header (the text starts inside it): the national columns after the name.
HEADERLESS_SLOTS = ["target_operator", "target", "target_unit", "actual", "weight", "score"]


def headerless_table_at(cells: list[Cell], k: int) -> bool:
    """A 一级 label, then a 二级 label, then a name: an indicator table whose header the text lost
    (a page that starts inside the form)."""
    if k + 2 >= len(cells):
        return False
    if level1_of(cells[k]) is not None:
        return (
            is_level2(cells[k + 1])
            and level1_of(cells[k + 1]) is None
            and v.has_han(cells[k + 2].text)
            and header_role(cells[k + 2].key) is None
            and level1_of(cells[k + 2]) is None
        )
    # or a row shaped like one: a name, then a comparison sign and a figure ("…及时率 | = | 100 | %")
    row = [c for c in cells[k : k + 4] if c.row == cells[k].row]
    return (
        len(row) >= 3
        and v.has_han(row[0].text)
        and len(row[0].key) >= 4
        and header_role(row[0].key) is None
        and not is_label(row[0])
        and _sign_and_figure(row[1], row[2])
    )


def _sign_and_figure(sign: Cell, figure: Cell) -> bool:
    """ "= | 100": a comparison sign in one cell and its figure in the next (指标性质 | 指标值)."""
    return v.is_operator(v.nfkc(sign.text).strip()) and v.number(v.nfkc(figure.text)) is not None


def _wrapped_heads(header: list[Cell]) -> dict[str, str]:
    """The roles of words that head a column only inside a header: words that are indicator names
    too (完成率), and a wrapped header's heads (年度, 实际) when their tails (指标值, 完成值) follow."""
    keys = {cell.key for cell in header}
    heads = dict(vocab.HEADER_ONLY_WORDS)
    return heads | vocab.WRAPPED_HEADER_HEADS if keys & vocab.WRAPPED_HEADER_TAILS else heads


def _header_goes_on(cells: list[Cell], k: int) -> int | None:
    """Where a header interrupted by its first rows goes on (an xls preview prints the merged heads
    年度 | 实际 | 指标值 | 完成值 first, then rows, then 二级指标 | 三级指标 … 分值 | 得分): the next
    二级/三级 head within a few rows, if no category or field label comes before it."""
    for j in range(k, min(k + 16, len(cells))):
        role = header_role(cells[j].key)
        if role in ("level2", "name"):
            return j
        if role or is_label(cells[j]) or level1_of(cells[j]) or is_level2(cells[j]):
            return None
    return None


def header_length(cells: list[Cell], k: int) -> int:
    """Length of the indicator-table header starting at cell k, 0 when none starts there.

    PDF text in scrambled reading order may print a 二级 label or a row's name among the header
    cells; up to three such cells between header cells still make one header (they are the table's
    first cells, see ``FormReader.read``), and a sheet preview's header interrupted by its first
    rows goes on after them (``_header_goes_on``)."""
    if header_role(cells[k].key) not in ("level1", "level2", "name", "wrapper"):
        return 0
    end, last = k, k
    roles = set()
    wrapped = _wrapped_heads(cells[k : k + 16])
    while end < len(cells):
        role = header_role(cells[end].key) or wrapped.get(cells[end].key)
        if role is not None:
            roles.add(role)
            last = end
        elif len(cells[end].key) > 20 or v.is_figure(cells[end].text) or end - last > 3:
            if roles & {"target", "actual"} and "name" not in roles and (rest := _header_goes_on(cells, end)):
                end = last = rest  # a converter's merged heads first, the rest after the first rows
                continue
            break
        end += 1
    named = (
        "name" in roles or "target" in roles and cells[k].key in ("一级指标", "一级目标")
    )  # 二级 column: the names
    return last + 1 - k if named and ("level1" in roles or "level2" in roles) else 0
