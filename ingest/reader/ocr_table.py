"""The indicator table of a self-evaluation form, read line by line into rows (the OCR front-end, ``ocr_cells``).

``IndicatorTable.read`` walks the lines under the indicator header down to 总分 (or 评分等级):

- a line with a 分值 / 得分 pair is a **row** (``Row``): read by the header's columns when the row
  lines up with them, else from the right (得分, 分值, 实际完成值, 年度指标值, then the name);
  a target printed in three cells (指标性质 | 指标值 | 度量单位) is composed into one text;
- a line without that pair is a **fragment**: 一级 / 二级 label pieces, or the rest of the row
  above (a name or a 偏差原因 that wrapped, a unit cut off a value, a 实际完成值 phrase going on);
- text in the 一级 / 二级 columns is kept as label **pieces** by their position in the table, for
  ``ocr_levels`` to reassemble; a name printed in those columns goes back to the row;
- a **总分 line** that OCR ran together with a second reading of the last row is noted, so the row
  is kept once.

Rows come out as printed, OCR noise and all; the repairs that need the whole table are in
``ocr_rows``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .. import lexicon
from ..model import Severity
from . import ocr_levels, ocr_repair
from .ocr_levels import Piece
from .ocr_lines import (
    FormIssues,
    Span,
    cells_of,
    fold,
    indicator_header_roles,
    is_grade_line,
    is_indicator_header_line,
    is_total_line,
)
from .ocr_repair import han_count, read_number, unwrap
from .values import compose_target, target_composed_issue

_UNIT_PIECE = re.compile(r"^[(（][^()（）]{1,8}[)）]$")
# built once: the same tuple each call is what best_label's cache is keyed on
_CATEGORY_LABELS = ocr_repair.level2_labels() + ocr_repair.level1_labels()


@dataclass
class Row:
    """One indicator row as read, before the form-level repairs."""

    line_no: int
    pos: int
    name_cells: list[str]
    target: str | None
    actual: str | None
    weight: Decimal | None
    score: Decimal | None
    deviation_cells: list[str]
    weight_col: int
    aligned: bool
    name_tokens_from_category: list[str] = field(default_factory=list)
    name_lines: list[str] = field(default_factory=list)  # continuation lines of the name cell
    deviation_lines: list[str] = field(default_factory=list)
    stray_deviation: str | None = None  # text found after stray numbers in the 得分 cell
    positions: set[int] = field(default_factory=set)
    repairs: list[str] = field(default_factory=list)
    name: str = ""
    name_cell_lines: int = 1
    deviation: str | None = None
    dropped: bool = False
    level1_hint: str | None = None
    level1: str | None = None
    level2: str | None = None


class IndicatorTable:
    """The rows under one indicator header, with the 一级 / 二级 pieces printed beside them."""

    def __init__(self, lines: list[str], span: Span, issues: FormIssues) -> None:
        self.lines = lines
        self.span = span
        self.issues = issues
        self.rows: list[Row] = []
        self.pieces: dict[int, list[Piece]] = {1: [], 2: []}  # category text by column: 1 = 一级, 2 = 二级
        self.ghost_line: int | None = None  # a 总分 line that repeats the last row
        self.total_line: tuple[list[str], int] | None = None  # the 总分 line's cells and line number

    def read(self, header_at: int) -> int | None:
        """Read the rows under the header; returns the 0-based line of 总分 (None if the form has none)."""
        columns = self._header_columns(header_at)
        name_col = columns.get("name", 2)
        pos = 0
        pending_break = False
        previous: Row | None = None
        for i in range(header_at + 1, self.span.end):
            line_no = i + 1
            cells = cells_of(self.lines[i])
            if not any(cells):
                pending_break = True
                continue
            if is_indicator_header_line(self.lines[i]) or (
                i == header_at + 1 and self._is_header_continuation(cells)
            ):
                continue
            pos += 1
            if is_total_line(cells):
                self._read_ghost(cells, line_no, pos, previous, name_col)
                return i
            if is_grade_line(cells):
                return None
            row = self._read_row(cells, line_no, pos, columns, name_col)
            if row:
                self.rows.append(row)
                previous = row
                pending_break = False
                continue
            self._read_fragment_line(cells, line_no, pos, previous, name_col, pending_break)
        return None

    def _header_columns(self, header_at: int) -> dict[str, int]:
        roles = indicator_header_roles(cells_of(self.lines[header_at]))
        if header_at > self.span.start:  # a header printed over two lines ("一级 | 二级 | … 偏差原因")
            above = indicator_header_roles(cells_of(self.lines[header_at - 1]))
            if len(roles) < 7 and not any("target" in r for r in above.values()):
                for col, found in above.items():
                    roles.setdefault(col, found)
        columns: dict[str, int] = {}
        for col in sorted(roles):
            if len(roles[col]) == 1:
                columns.setdefault(roles[col][0], col)
        return columns

    def _is_header_continuation(self, cells: list[str]) -> bool:
        key = fold("".join(cells))
        return not any(read_number(token) for token in key.split()) and ("改进措施" in key or key == "分析")

    def _read_row(self, cells: list[str], line_no: int, pos: int, columns: dict[str, int], name_col: int):
        aligned = self._aligned(cells, columns)
        if aligned:
            weight_col, score_col = columns["weight"], columns["score"]
            target_col, actual_col = columns.get("target"), columns.get("actual")
            role_cols = sorted(c for c in columns.values() if c > name_col)
            name_end = role_cols[0] if role_cols else weight_col
            dev_start = columns.get("deviation_reason", max(columns.values()) + 1)
        else:
            found = self._weight_score(cells)
            if found is None:
                return None
            weight_col, score_col = found
            actual_col, target_col = weight_col - 1, weight_col - 2
            name_end = max(0, target_col)
            dev_start = score_col + 1
        name_start = min(name_col, name_end)

        def value(col: int | None) -> str:
            return cells[col] if col is not None and 0 <= col < len(cells) else ""

        score_tokens, weight_tokens = value(score_col).split(), value(weight_col).split()
        score_number = read_number(score_tokens[0]) if score_tokens else None
        weight_number = read_number(weight_tokens[0]) if weight_tokens else None
        row = Row(
            line_no=line_no,
            pos=pos,
            name_cells=list(cells[name_start:name_end]),
            target=value(target_col) or None,
            actual=value(actual_col) or None,
            weight=weight_number.value if weight_number else None,
            score=score_number.value if score_number else None,
            deviation_cells=[c for c in cells[dev_start:] if c] if dev_start > score_col else [],
            weight_col=weight_col,
            aligned=aligned,
            positions={pos},
        )
        if aligned and ("target_operator" in columns or "target_unit" in columns):
            self._compose_target(row, cells, columns, value)
        rest = " ".join(score_tokens[1:])
        if rest:
            text, stray = ocr_repair.strip_stray_numbers(rest + " ")
            text = text.strip()
            if stray:
                row.repairs.append(f"得分 cell also held {stray!r} (scores of other rows) and dropped them")
                row.stray_deviation = text or None
            elif text:
                row.deviation_cells.insert(0, text)
        self._read_category_zone(cells[:name_start], row)
        return row

    def _compose_target(self, row: Row, cells: list[str], columns: dict[str, int], value) -> None:
        """指标性质 | 指标值 | 度量单位 in three cells: the target as printed text ('≥' '95' '%' → '≥95%')."""
        parts = [value(columns.get(role)) for role in ("target_operator", "target", "target_unit")]
        row.target = compose_target(*parts)
        if any(parts):
            name = " ".join(c for c in row.name_cells if c)
            self.issues.document.append(
                target_composed_issue(name, parts, row.target, row.line_no, self.issues.seq)
            )

    def _aligned(self, cells: list[str], columns: dict[str, int]) -> bool:
        if "weight" not in columns or "score" not in columns:
            return False
        w, s = columns["weight"], columns["score"]
        if max(w, s) >= len(cells):  # either column past the row's end: the row is short, not aligned
            return False
        weight_tokens, score_tokens = cells[w].split(), cells[s].split()
        weight = read_number(weight_tokens[0]) if weight_tokens else None
        score = read_number(score_tokens[0]) if score_tokens else None
        if not (weight and score and not weight.percent and weight.unit is None):
            return False
        return Decimal(0) <= score.value <= weight.value <= 100

    @staticmethod
    def _weight_score(cells: list[str]) -> tuple[int, int] | None:
        """The last pair of neighbouring cells reading 分值 then 得分 (0 ≤ 得分 ≤ 分值 ≤ 100)."""
        found = None
        for i in range(2, len(cells) - 1):
            weight_tokens, score_tokens = cells[i].split(), cells[i + 1].split()
            if len(weight_tokens) != 1 or not score_tokens:
                continue
            weight, score = read_number(weight_tokens[0]), read_number(score_tokens[0])
            if not weight or not score or weight.percent or score.percent or weight.unit or score.unit:
                continue
            if "." not in weight_tokens[0] and "." not in score_tokens[0] and len(cells) > i + 2:
                continue
            if Decimal(0) <= score.value <= weight.value <= 100:
                found = (i, i + 1)
        return found

    @staticmethod
    def _category_tokens(text: str, lenient: bool = True) -> tuple[list[str], list[str]]:
        """A category-column cell's tokens split into label pieces and name text (a name printed in the 二级 column).

        ``lenient``: short unreadable bits ("対に 人") count as (unreadable) label pieces, not as a name.
        """
        labels, names = _category_tokens(text, lenient)
        return list(labels), list(names)  # fresh lists: the cached tuples stay as they are

    def _read_category_zone(self, zone: list[str], row: Row) -> None:
        label_cells: list[tuple[int, list[str]]] = []
        for col, cell in enumerate(zone):
            if not cell:
                continue
            labels, names = self._category_tokens(cell)
            if names:
                row.name_tokens_from_category.extend(names)
                row.repairs.append(f"name text {' '.join(names)!r} printed in the 一级/二级 columns")
            if labels:
                label_cells.append((col, labels))
        self._add_pieces(label_cells, row.pos, row.line_no, len(zone), row)

    def _add_pieces(self, label_cells, pos: int, line_no: int, zone_width: int, row: Row | None) -> None:
        """Leftmost of two category cells is 一级; a single one goes by its column."""
        for index, (col, tokens) in enumerate(label_cells):
            by_order = 1 if index == 0 else 2
            stream = by_order if len(label_cells) >= 2 else (1 if col <= zone_width - 2 else 2)
            for token in tokens:
                self.pieces[stream].append(Piece(pos, line_no, token))

    def _read_fragment_line(
        self, cells, line_no: int, pos: int, previous: Row | None, name_col: int, after_break: bool
    ) -> None:
        """A line without 分值/得分: label pieces, or the rest of the row above (name, unit, result, deviation)."""
        label_cells: list[tuple[int, list[str]]] = []
        for col, cell in enumerate(cells):
            if not cell or ocr_repair.is_noise(cell):
                continue
            if col <= name_col:
                labels, names = self._category_tokens(cell, lenient=col < name_col)
                if labels and not names:
                    label_cells.append((col, labels))
                    continue
            if previous is None:
                continue
            if _UNIT_PIECE.match(cell):
                for attr in ("target", "actual"):
                    value = getattr(previous, attr)
                    if value and value[-1].isdigit():
                        setattr(previous, attr, f"{value} {cell}")
                        previous.repairs.append(f"{attr} unit {cell!r} from line {line_no}")
                        break
                self._continued(previous, pos, after_break)
                continue
            if previous.actual and _continues_phrase(previous.actual, cell):
                previous.actual = unwrap(f"{previous.actual} {cell}")
                previous.repairs.append(f"实际完成值 goes on at line {line_no}: {cell!r}")
                self._continued(previous, pos, after_break)
                continue
            if col >= previous.weight_col or col > name_col + 2:
                previous.deviation_lines.append(cell)
                previous.repairs.append(f"偏差原因 goes on at line {line_no}")
            else:
                previous.name_lines.append(cell)
                previous.repairs.append(f"name goes on at line {line_no}: {cell!r}")
            self._continued(previous, pos, after_break)
        if label_cells:
            self._add_pieces(label_cells, pos, line_no, name_col, None)

    @staticmethod
    def _continued(row: Row, pos: int, after_break: bool) -> None:
        if not after_break:
            row.positions.add(pos)

    def _read_ghost(self, cells, line_no: int, pos: int, previous: Row | None, name_col: int) -> None:
        """A 总分 line that OCR ran together with a second reading of the last row ("…满意率 总分 | ≥70% | …")."""
        self.total_line = (cells, line_no)
        if previous is None or not previous.target:
            return
        stripped = [c.replace(lexicon.SELF_EVAL_TOTAL_LABEL, "").strip() for c in cells]
        folded = [fold(c) for c in stripped]
        numeric = [i for i, c in enumerate(stripped) if c and read_number(c.split()[0])]
        previous_name = fold(" ".join(previous.name_cells))
        repeats = (
            fold(previous.target) in folded
            and (previous.actual is None or fold(previous.actual) in folded)
            and any(c and previous_name.startswith(c) for c in folded[: numeric[0] if numeric else 0])
        )
        if repeats and numeric:
            self.ghost_line = line_no
            previous.deviation_lines.extend(c for c in stripped[numeric[-1] + 1 :] if c)
            self._add_pieces(
                [(col, self._category_tokens(c)[0]) for col, c in enumerate(stripped[:name_col]) if c],
                pos,
                line_no,
                name_col,
                None,
            )
            self.issues.add(
                Severity.INFO,
                "duplicate_row_dropped",
                f"line {line_no} repeats the row at line {previous.line_no} with 总分 run into it; "
                "kept once, its 偏差原因 text joined to that row's",
                line_no,
            )


def _continues_phrase(actual: str, piece: str) -> bool:
    """'部分达成指' + '标并具有一' continues a known 实际完成值 phrase."""
    start = unwrap(actual).replace(" ", "")
    longer = start + unwrap(piece).replace(" ", "")
    return any(
        phrase.startswith(start) and phrase != start and (phrase.startswith(longer) or longer == phrase)
        for phrase in lexicon.ACHIEVEMENT_PHRASES
    )


@lru_cache(maxsize=1 << 14)  # pure; the same category cells recur form after form
def _category_tokens(text: str, lenient: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if ocr_repair.read_label_text(text) in ocr_levels.TAILS:
        return ("".join(text.split()),), ()  # "1日 17小": 指标 in OCR pieces
    tokens = [token for token in text.split() if not ocr_repair.is_noise(token)]
    labels, names = [], []
    for token in tokens:
        key = ocr_repair.read_label_text(token)
        if key in ocr_levels.TAILS or ocr_repair.best_label(key, _CATEGORY_LABELS)[1] >= ocr_levels.FIT:
            labels.append(token)
        else:
            names.append(token)
    if lenient and not any(han_count(token) >= 3 for token in names):
        return tuple(labels + names), ()  # short unreadable bits stay with the labels (and read as none)
    return tuple(labels), tuple(names)
