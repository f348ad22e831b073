"""Indicator rows of a self-evaluation form once the whole table is read (the OCR front-end, ``ocr_cells``).

``ocr_table`` reads each row as printed; what can only be decided with every row in view
lives here:

- **text repairs** (``repair_rows``): a row's name, values and 偏差原因 joined from their cells and
  continuation lines, OCR noise dropped, a 二级 label or a second OCR reading cut out of a name;
  then the repairs across rows: one row read twice (found by the weights adding up to too much), a
  偏差原因 read into the wrong row's 得分 cell, two names in one name cell;
- **一级 / 二级 placement** (``place_levels``): the label pieces put back together and every row
  placed in a group by ``ocr_levels``, with the national framework's labels;

Every repair is an issue: ``info`` when the text shows it, ``warning`` when it is a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .. import lexicon
from ..model import Severity
from . import ocr_levels, ocr_repair
from .ocr_levels import Label, Piece, RowPlace
from .ocr_lines import FormIssues, fold
from .ocr_repair import concat_cells, has_han, join_cells, unwrap
from .ocr_table import Row

# --- text of each row, then repairs across rows ------------------------------------------------------------


def repair_rows(rows: list[Row], expected_weight: Decimal | None, issues: FormIssues) -> None:
    """Each row's text, then the repairs across rows; a row found to be a second reading is marked
    ``dropped``. ``expected_weight``: what the indicator weights add up to (100 less the execution weight)."""
    for row in rows:
        _finish_text(row)
    _merge_duplicate_rows(rows, expected_weight, issues)
    _move_stray_deviations(rows, issues)
    _move_second_names(rows, issues)
    for row in rows:
        if row.dropped:
            continue
        if not row.name and not row.aligned and row.target and not _value_like(row.target):
            issues.add(
                Severity.WARNING,
                "name_from_target_column",
                f"line {row.line_no}: no name cell, and the only text before 实际完成值 is {row.target!r}, "
                "which reads as a name, not a value; read as the name, 年度指标值 left empty",
                row.line_no,
            )
            row.name, row.target = row.target, None
        if not row.name:
            issues.add(
                Severity.WARNING,
                "indicator_name_missing",
                f"line {row.line_no}: no 三级指标 name printed (target {row.target!r}); name left empty",
                row.line_no,
            )
        if row.target is None:
            issues.add(
                Severity.WARNING,
                "indicator_target_missing",
                f"line {row.line_no}: 年度指标值 cell is empty for {row.name!r}",
                row.line_no,
            )
        if row.repairs:
            issues.add(
                Severity.INFO,
                "ocr_row_repaired",
                f"line {row.line_no} ({row.name or 'no name'}): " + "; ".join(row.repairs),
                row.line_no,
            )


def _finish_text(row: Row) -> None:
    """The row's name, values and 偏差原因 joined from their cells and continuation lines, OCR noise
    dropped; every change goes to ``row.repairs``."""
    printed_name = " | ".join(c for c in [*row.name_tokens_from_category, *row.name_cells] if c)
    name_cells = [
        ocr_repair.drop_noise(c) for c in [" ".join(row.name_tokens_from_category), *row.name_cells]
    ]
    name_cells = [c for c in name_cells if c]
    row.name_cell_lines = max((len(c.split()) for c in name_cells), default=0)
    name, repairs = join_cells(name_cells)
    row.repairs.extend(repairs)
    name, bleed = _cut_category_bleed(name_cells, name)
    if bleed:
        row.repairs.append(f"dropped {bleed!r}, a 二级 label run into the name cell")
        row.name_cell_lines = 1
    name, duplicate = _drop_second_reading(name)
    if duplicate:
        row.repairs.append(f"dropped {duplicate!r}, a second OCR reading of the name")
        row.name_cell_lines = 1
    for extra in row.name_lines:
        name = unwrap(f"{name} {ocr_repair.drop_noise(extra)}")
    row.name = name
    if printed_name and printed_name != name:
        row.repairs.append(f"name {printed_name!r} read as {name!r}")
    for attr, label in (("target", "年度指标值"), ("actual", "实际完成值")):
        value = getattr(row, attr)
        if value and ocr_repair.is_noise(value):
            row.repairs.append(f"{label} {value!r} is OCR noise; left empty")
            setattr(row, attr, None)
        elif value and value != unwrap(value):
            row.repairs.append(f"{label} {value!r} read as {unwrap(value)!r} (line wraps)")
            setattr(row, attr, unwrap(value))
    deviation, repairs = concat_cells(row.deviation_cells)
    row.repairs.extend(repairs)
    for extra in row.deviation_lines:
        deviation = unwrap(f"{deviation} {ocr_repair.drop_noise(extra)}")
    printed = " | ".join(row.deviation_cells + row.deviation_lines)
    if deviation and not has_han(deviation):
        row.repairs.append(f"偏差原因 cells hold only OCR noise ({printed!r}); left empty")
        deviation = ""
    elif deviation and deviation != printed:
        row.repairs.append(f"偏差原因 {_short(printed)!r} read as {_short(deviation)!r}")
    row.deviation = deviation or None


def _merge_duplicate_rows(all_rows: list[Row], expected: Decimal | None, issues: FormIssues) -> None:
    """Two neighbouring rows that are one row read twice, found by the weights adding up to too much."""
    rows = [row for row in all_rows if not row.dropped]
    total = sum((row.weight or Decimal(0)) for row in rows)
    if expected is None or total <= expected:
        return
    excess = total - expected
    for first, second in zip(rows, rows[1:], strict=False):
        if first.weight != second.weight or first.score != second.score or first.weight != excess:
            continue
        if not _same_row(first, second):
            continue
        keep, drop = first, second
        keep.name = max((first.name, second.name), key=len)
        keep.target = _better_target(first.target, second.target)
        keep.actual = _better_actual(keep.target, first.actual, second.actual, keep.score == keep.weight)
        keep.deviation = keep.deviation or drop.deviation
        keep.positions |= drop.positions
        drop.dropped = True
        issues.add(
            Severity.WARNING,
            "duplicate_row_merged",
            f"lines {first.line_no} and {second.line_no} are one row read twice (weights summed to "
            f"{total}, {excess} over {expected}): kept name {keep.name!r}, target {keep.target!r}, "
            f"actual {keep.actual!r}",
            first.line_no,
        )
        return


def _move_stray_deviations(all_rows: list[Row], issues: FormIssues) -> None:
    """偏差原因 text read into the 得分 cell of a row that lost no points goes to the nearest row that
    lost points and has none."""
    rows = [row for row in all_rows if not row.dropped]
    for index, row in enumerate(rows):
        if not row.stray_deviation:
            continue
        text = unwrap(row.stray_deviation)
        lost = [
            r
            for r in rows
            if r.weight is not None and r.score is not None and r.score < r.weight and not r.deviation
        ]
        if row.score is not None and row.weight is not None and row.score < row.weight or not lost:
            row.deviation = unwrap(f"{row.deviation or ''} {text}") or None
            continue
        target = min(lost, key=lambda r: (abs(rows.index(r) - index), rows.index(r) < index))
        target.deviation = text
        issues.add(
            Severity.WARNING,
            "deviation_moved",
            f"偏差原因 text {text!r} was read into the 得分 cell of line {row.line_no}, whose row lost no "
            f"points; given to line {target.line_no}, the nearest row that lost points and has none",
            target.line_no,
        )


def _move_second_names(all_rows: list[Row], issues: FormIssues) -> None:
    """A name cell holding two names above a row with none: the last wrapped line is that row's name."""
    rows = [row for row in all_rows if not row.dropped]
    for above, row in zip(rows, rows[1:], strict=False):
        if row.name or above.name_cell_lines < 2:
            continue
        head, tail = _split_last_line(above)
        if not head or len(tail) < 4 or not tail.endswith(lexicon.INDICATOR_NAME_SUFFIXES):
            continue
        above.name, row.name = head, tail
        issues.add(
            Severity.WARNING,
            "name_moved",
            f"the name cell of line {above.line_no} holds two names and line {row.line_no} has none: "
            f"{tail!r} read as line {row.line_no}'s name, {head!r} kept for line {above.line_no}",
            row.line_no,
        )


# --- 一级 / 二级 -------------------------------------------------------------------------------------------


def place_levels(
    all_rows: list[Row], pieces: dict[int, list[Piece]], issues: FormIssues, form_line_start: int
) -> None:
    """一级 and 二级 of every kept row, from the label pieces of the 一级 (1) and 二级 (2) columns."""
    rows = [row for row in all_rows if not row.dropped]
    if not rows:
        return
    labels2, unread2 = ocr_levels.assemble(pieces[2], ocr_repair.level2_labels())
    labels1, _ = ocr_levels.assemble(pieces[1], ocr_repair.level1_labels())
    positions1 = [set(label.positions) for label in labels1]
    for row in rows:
        on_row = [
            label for label, at in zip(labels1, positions1, strict=True) if not row.positions.isdisjoint(at)
        ]
        starting = [label for label in on_row if label.start in row.positions]
        row.level1_hint = (starting or on_row or [Label()])[-1].canonical
    places = [
        RowPlace(
            positions=row.positions,
            first=min(row.positions),
            last=max(row.positions),
            weight=row.weight,
            cues=ocr_levels.cues_for(row.name, row.target),
            level1_hint=row.level1_hint,
        )
        for row in rows
    ]
    for piece in unread2:
        if has_han(piece.text):
            issues.add(
                Severity.INFO,
                "category_text_unread",
                f"二级 column text {piece.text!r} reads as no category label; ignored",
                piece.line_no,
            )
    labels = labels2 or labels1
    placement = ocr_levels.assign(places, labels)
    for label in labels:
        if label.canonical and label.text != label.canonical:
            level = "二级" if labels2 else "一级"
            issues.add(
                Severity.INFO,
                "category_label_read",
                f"{level} {label.text!r} (lines {label.line_nos[0]}–{label.line_nos[-1]}) read as {label.canonical}",
                label.line_nos[0],
            )
        elif not label.canonical:
            issues.add(
                Severity.WARNING,
                "category_label_unknown",
                f"category text {label.text!r} matches no label of the national framework; kept as printed",
                label.line_nos[0],
            )
    free: dict[int, list[int]] = {}
    for index, (row, k) in enumerate(zip(rows, placement.label_of_row, strict=True)):
        if k is None:
            continue
        label = labels[k]
        value = label.canonical or label.text
        if labels2:
            row.level2 = value
            row.level1 = ocr_levels.parent_of(label.canonical, row.level1_hint) or row.level1_hint
        else:
            row.level1, row.level2 = value, None
        if not placement.fixed[index]:
            free.setdefault(k, []).append(row.line_no)
            if placement.uncertain[index]:
                issues.add(
                    Severity.WARNING,
                    "category_uncertain",
                    f"line {row.line_no} ({row.name or 'no name'}): no {'二级' if labels2 else '一级'} printed "
                    f"on the row and its group is not clear from the layout; read as {value}",
                    row.line_no,
                )
    for k, line_nos in free.items():
        issues.add(
            Severity.INFO,
            "category_from_group",
            f"rows at lines {', '.join(map(str, line_nos))} carry no category text; placed in the "
            f"{labels[k].canonical or labels[k].text} group ({placement.mode}, label at line {labels[k].line_nos[0]})",
            line_nos[0],
        )
    if not labels:
        issues.add(
            Severity.WARNING,
            "no_category_labels",
            "no 一级/二级 label readable in the table",
            form_line_start,
        )


# --- small helpers -------------------------------------------------------------------------------------


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else f"{text[:size]}…"


def _value_like(text: str) -> bool:
    """A target value rather than a name: a number, a comparison sign, or a short qualitative word."""
    key = fold(text)
    if any(ch.isdigit() for ch in key) or key[:1] in lexicon.TARGET_OPERATORS:
        return True
    return key in lexicon.TARGET_WORDS or len(key) <= 4


_STEMS = ("社会", "效益", "数量", "质量", "时效", "成本", "经济", "生态", "可持", "服务", "满意", "指标")


def _cut_category_bleed(name_cells: list[str], name: str) -> tuple[str, str | None]:
    """'宁成及时率 完成及时率 社会 対益': a 二级 label's pieces after the name, in the name cell."""
    tokens = " ".join(name_cells).split()
    for index, token in enumerate(tokens[1:-1], 1):
        if ocr_repair.read_label_text(token) in _STEMS:
            kept, _ = join_cells([" ".join(tokens[:index])])
            return kept, " ".join(tokens[index:])
    return name, None


def _drop_second_reading(name: str) -> tuple[str, str | None]:
    """'宁成及时率完成及时率' → 完成及时率: the same words read twice, differing in one character."""
    size = len(name) // 2
    if size >= 3 and len(name) == 2 * size:
        first, second = name[:size], name[size:]
        if sum(a != b for a, b in zip(first, second, strict=True)) == 1:
            return second, first
    return name, None


def _split_last_line(row: Row) -> tuple[str, str]:
    """The name cell's text before its last wrapped line, and that line."""
    cells = [ocr_repair.drop_noise(c) for c in [" ".join(row.name_tokens_from_category), *row.name_cells]]
    cells = [c for c in cells if c]
    if len(cells) != 1:
        return "", ""
    parts = cells[0].split()
    head, _ = join_cells([" ".join(parts[:-1])])
    return head, parts[-1]


def _same_row(first: Row, second: Row) -> bool:
    def digits(value: str | None) -> str:
        return re.sub(r"^\D*", "", fold(value or ""))

    names_agree = not first.name or not second.name or first.name in second.name or second.name in first.name
    a, b = digits(first.target), digits(second.target)
    values_agree = bool(a and b and (a.endswith(b) or b.endswith(a)))
    return names_agree and values_agree


def _better_target(first: str | None, second: str | None) -> str | None:
    for value in (first, second):
        if value and fold(value)[:1] in lexicon.TARGET_OPERATORS:
            return value
    return first or second


def _better_actual(target: str | None, first: str | None, second: str | None, full_score: bool) -> str | None:
    """Of two readings of 实际完成值, the one that meets the target when the row scored full marks."""
    goal = _first_number(target)
    for value in (first, second):
        number = _first_number(value)
        if full_score and goal is not None and number is not None and number >= goal:
            return value
    return first or second


def _first_number(text: str | None) -> Decimal | None:
    match = re.search(r"\d+(?:\.\d+)?", text or "")
    return Decimal(match.group(0)) if match else None
