"""Self-evaluation forms (项目支出绩效自评表) as tab-separated text, clean or OCR'd: layout ``tsv_self_eval``.

A self-evaluation form has a head (项目名称, 主管部门, 实施单位), a fund block in 万元 whose
年度资金总额 row gives 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, a goals block, an
indicator table (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施), 总分 and
评分等级. Everything is found by those labels and by the table's structure:

- **forms** start at a title, a 项目名称 line, or a 主管部门 / fund block that a form already has;
- **fields** are read across OCR cell boundaries ("项目 | 名称"); unit names are matched against
  ``ingest/known_units.csv`` when OCR garbled them;
- **indicator rows** are the lines with a 分值 / 得分 pair: read by the header's columns when the row
  lines up with it, else from the right (得分, 分值, 实际完成值, 年度指标值, then the name);
- **一级 / 二级** come from ``ocr_levels``; OCR text repairs from ``ocr_repair``;
- **the form's arithmetic** checks and repairs the reading: indicator weights + the execution weight
  = 100, indicator scores + the execution score = 总分, 执行率 = 全年执行数 / 全年预算数.

Every repair is an ``info`` issue saying what changed; every guess (a pairing the text does not
settle, a figure computed rather than read) is a ``warning``. A parse is a pure function of the lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from .. import lexicon
from ..model import Form, FormType, Indicator, Issue, Severity
from . import ocr_levels, ocr_repair
from .ocr_levels import Label, Piece, RowPlace
from .ocr_repair import clean_cell, concat_cells, has_han, join_cells, read_number, unwrap
from .tables import check_form, compose_target, target_composed_issue

CENT = Decimal("0.01")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年")
_UNIT_PIECE = re.compile(r"^[(（][^()（）]{1,8}[)）]$")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 14)  # pure, and called on the same cells many times per form
def fold(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1 << 12)  # the reader looks at each line many times while it places rows
def _cells_of(line: str) -> tuple[str, ...]:
    return tuple(clean_cell(cell) for cell in line.split("\t"))


def cells_of(line: str) -> list[str]:
    return list(_cells_of(line))  # a fresh list: callers may edit it


def _label_pattern(label: str) -> re.Pattern[str]:
    """A label whose characters may be split by spaces or tabs ("主管\t部门")."""
    return re.compile(r"[\s]*".join(map(re.escape, label)) + r"\s*[:：]?")


_FIELD_PATTERNS = {label: _label_pattern(label) for label in lexicon.SELF_EVAL_FIELD_LABELS}


# --- line kinds -----------------------------------------------------------------------------------


def is_title(cells: list[str]) -> bool:
    text = fold("".join(cells))
    return len(text) <= 60 and "自评表" in text


def is_project_line(cells: list[str]) -> bool:
    return fold("".join(cells)).startswith("项目名称")


def is_supervisor_line(cells: list[str]) -> bool:
    return fold("".join(cells)).startswith("主管部门")


def is_fund_header(cells: list[str]) -> bool:
    return "年初预算数" in fold("".join(cells))


def is_fund_total(cells: list[str]) -> bool:
    return any("资金总额" in fold(cell) for cell in cells)


def is_total_line(cells: list[str]) -> bool:
    return any(lexicon.SELF_EVAL_TOTAL_LABEL in cell.split() or fold(cell) == "总分" for cell in cells)


def is_grade_line(cells: list[str]) -> bool:
    text = fold("".join(cells[:3]))
    return text.startswith("评分等") or "评分等级" in text


def indicator_header_roles(cells: list[str]) -> dict[int, list[str]]:
    """Roles of a self-evaluation indicator header's cells; a merged cell may hold several."""
    roles: dict[int, list[str]] = {}
    for col, cell in enumerate(cells):
        found = _header_roles_of(fold(cell))
        if found:
            roles[col] = list(found)
    return roles


@lru_cache(maxsize=1 << 14)  # every line of a document is tested for a header, most cells repeat
def _header_roles_of(key: str) -> tuple[str, ...]:
    found: list[str] = []
    for word, role in lexicon.SELF_EVAL_INDICATOR_HEADER_WORDS:
        if word in key and role not in found:
            found.append(role)
    return tuple(found)


def is_indicator_header(cells: list[str]) -> bool:
    roles = {role for found in indicator_header_roles(cells).values() for role in found}
    return len(roles) >= 4 and bool(roles & {"target", "actual"}) and bool(roles & {"weight", "score"})


# --- forms in a document ------------------------------------------------------------------------------


@dataclass
class Span:
    start: int  # 0-based first line
    end: int  # exclusive
    has_head: bool  # starts at a title or 项目名称 line (not cut off at the top)


def split_forms(lines: list[str]) -> list[Span]:
    starts: list[tuple[int, bool]] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        cells = cells_of(line)
        if not any(cells):
            continue
        kind = None
        if is_title(cells):
            kind = "title"
        elif is_project_line(cells):
            kind = "project"
        elif is_supervisor_line(cells):
            kind = "supervisor"
        elif is_fund_header(cells):
            kind = "fund"
        elif is_indicator_header(cells):
            kind = "table"
        if kind is None:
            continue
        opens_new = {
            "title": {"title", "project", "fund", "table"},
            "project": {"project", "fund", "table"},
            "supervisor": {"supervisor", "fund", "table"},
            "fund": {"fund", "table"},
            "table": {"table"},
        }[kind]
        if not starts or seen & opens_new:
            starts.append((i, kind in {"title", "project"}))
            seen = set()
        seen.add(kind)
    return [
        Span(start, starts[k + 1][0] if k + 1 < len(starts) else len(lines), has_head)
        for k, (start, has_head) in enumerate(starts)
    ]


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    readers = [FormReader(lines, span, seq, issues) for seq, span in enumerate(split_forms(lines), 1)]
    forms = [reader.read() for reader in readers]
    _settle_fiscal_years(readers, issues)
    _settle_amount_units(readers, issues)
    for reader in readers:
        check_form(reader.form, reader.seq, issues, has_title=reader.span.has_head)
    return forms, issues


# --- one form ------------------------------------------------------------------------------------------


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


class FormReader:
    def __init__(self, lines: list[str], span: Span, seq: int, issues: list[Issue]):
        self.lines = lines
        self.span = span
        self.seq = seq
        self.issues = issues
        self.form = Form(form_type=FormType.SELF_EVAL, line_start=span.start + 1, line_end=span.end)
        self.title_year: int | None = None
        self.years_mentioned: list[tuple[int, int]] = []  # (year, line_no)
        # the fund block's unit: value (万元 / 元), how it is printed (label / pieces / cells / fragment), the text
        self.unit_evidence: str | None = None
        self.unit_source: str | None = None
        self.unit_evidence_text: str | None = None
        self.exec_weight: Decimal | None = None
        self.exec_score: Decimal | None = None
        self.total_weight: Decimal | None = None
        self.rows: list[Row] = []
        self.field_candidates: dict[str, list[tuple[str, int]]] = {}
        self._pieces: dict[int, list[Piece]] = {1: [], 2: []}
        self._ghost_line: int | None = None
        self._total_line: tuple[list[str], int] | None = None
        self._grade_line: int | None = None

    def issue(self, severity: Severity, code: str, message: str, line_no: int | None = None) -> None:
        self.issues.append(Issue(severity, code, message, line_no, self.seq))

    # -- the form, top to bottom --

    def read(self) -> Form:
        form = self.form
        table_at = None
        total_at = None
        last_content = self.span.start
        for i in range(self.span.start, self.span.end):
            cells = cells_of(self.lines[i])
            if not any(cells):
                continue
            last_content = i
            for match in _YEAR_IN_TEXT.finditer(self.lines[i]):
                self.years_mentioned.append((int(match.group(1)), i + 1))
            if table_at is not None:
                continue
            if is_title(cells) or _is_year_line(cells):
                year = _YEAR_IN_TEXT.search(fold("".join(cells)))
                self.title_year = int(year.group(1)) if year else self.title_year
            elif is_project_line(cells) or is_supervisor_line(cells):
                self._read_fields(cells, i + 1)
            elif is_fund_header(cells):
                self._read_fund_block(i)
            elif is_indicator_header(cells):
                table_at = i
        form.line_end = last_content + 1
        if table_at is not None:
            total_at = self._read_table(table_at)
        self._read_total_and_grade(total_at)
        self._settle_fields()
        self._repair_rows()
        self._place_levels()
        form.indicators = [self._indicator(row) for row in self.rows if not row.dropped]
        self._check_arithmetic()
        self._check_form()
        return form

    # -- head --

    def _read_fields(self, cells: list[str], line_no: int) -> None:
        text = "\t".join(cells)
        hits = []
        for label, pattern in _FIELD_PATTERNS.items():
            for match in pattern.finditer(text):
                hits.append((match.start(), match.end(), label))
        hits.sort()
        for k, (_, end, label) in enumerate(hits):
            stop = hits[k + 1][0] if k + 1 < len(hits) else len(text)
            value, repairs = concat_cells(text[end:stop].split("\t"))
            for repair in repairs:
                self.issue(Severity.INFO, "field_text_repaired", f"{label}: {repair}", line_no)
            self.field_candidates.setdefault(lexicon.SELF_EVAL_FIELD_LABELS[label], []).append(
                (value, line_no)
            )

    def _settle_fields(self) -> None:
        candidates = self.field_candidates
        project = next(((v, n) for v, n in candidates.get("project_name", []) if v), None)
        if project:
            value, line_no = project
            hit = ocr_repair.known_unit_in(value)
            if hit and hit[0] > 0:
                cut, unit = value[: hit[0]].strip(), value[hit[0] :]
                self.issue(
                    Severity.INFO,
                    "project_name_cut",
                    f"项目名称 cell runs on into the unit names ({value!r}); project name read as {cut!r}",
                    line_no,
                )
                candidates.setdefault("supervisor_name", []).append((unit, line_no))
                value = cut
            self.form.project_name = value or None
        for attr, label in (("supervisor_name", "主管部门"), ("unit_name", "实施单位")):
            setattr(self.form, attr, self._best_unit(candidates.get(attr, []), label))

    def _best_unit(self, candidates: list[tuple[str, int]], label: str) -> str | None:
        best: tuple[float, str, str, int] | None = None
        for raw, line_no in candidates:
            if not raw:
                continue
            han = "".join(ch for ch in raw if has_han(ch))
            if raw in ocr_repair.known_units():
                return raw
            matched, score = ocr_repair.match_unit(raw)
            if matched and (best is None or score > best[0]):
                best = (score, matched, raw, line_no)
            elif best is None and han:
                best = (0.0, "", raw, line_no)
        if best is None:
            return None
        score, matched, raw, line_no = best
        if matched:
            self.issue(
                Severity.INFO,
                "unit_name_matched",
                f"{label} {raw!r} read as known unit {matched} (similarity {score:.0f})",
                line_no,
            )
            return matched
        clean = ocr_repair.unwrap(ocr_repair.drop_noise(raw))
        if clean != raw or not re.fullmatch(r"[\u3400-\u9fff（）()]+", clean):
            self.issue(
                Severity.WARNING,
                "unit_name_unmatched",
                f"{label} {raw!r} matches no known unit; kept as printed",
                line_no,
            )
        return clean or None

    # -- fund block --

    def _read_fund_block(self, header_at: int) -> None:
        header = cells_of(self.lines[header_at])
        roles = []
        for cell in header:
            key = fold(cell)
            for word, role in lexicon.SELF_EVAL_FUND_COLUMNS.items():
                if word in key:
                    roles.append(role)
                    break
        if len(set(roles)) < 4:
            roles = list(lexicon.SELF_EVAL_FUND_ORDER)
        block_end = min(self.span.end, header_at + 8)
        for i in range(header_at, block_end):
            cells = cells_of(self.lines[i])
            self._note_unit_label(cells)
            if is_fund_total(cells) and self.form.initial_budget is None:
                self._read_fund_total(cells, roles, i + 1)
            if i > header_at and is_indicator_header(cells):
                break

    def _note_unit_label(self, cells: list[str]) -> None:
        """项目资金（万元）, or its OCR pieces ("项目 (万" / "资金 元)") over two lines."""
        for cell in cells[:2]:
            key = fold(cell)
            if self.unit_source == "label":
                return
            if "(万元)" in key:
                self._unit("万元", "label", cell)
            elif "(万" in key or ("万" in key and key.endswith("元)")):
                text = f"{self.unit_evidence_text} / {cell}" if self.unit_source == "fragment" else cell
                self._unit("万元", "pieces", text)
            elif "(元)" in key:
                self._unit("元", "label", cell)
            elif key.endswith("元)"):
                if self.unit_source == "pieces":
                    self.unit_evidence_text = f"{self.unit_evidence_text} / {cell}"
                elif self.unit_source is None:
                    self._unit(None, "fragment", cell)

    def _unit(self, value: str | None, source: str, text: str) -> None:
        self.unit_evidence, self.unit_source, self.unit_evidence_text = value, source, text

    def _read_fund_total(self, cells: list[str], roles: list[str], line_no: int) -> None:
        label_col = next(i for i, cell in enumerate(cells) if "资金总额" in fold(cell))
        after_label = re.split(r"资金总额\s*[:：]?", cells[label_col], maxsplit=1)[-1]
        tokens = ocr_repair.number_tokens([after_label, *cells[label_col + 1 :]])
        tokens, repairs = ocr_repair.join_split_numbers(tokens, len(roles))
        for repair in repairs:
            self.issue(Severity.INFO, "split_number_joined", f"年度资金总额: {repair}", line_no)
        numbers = [read_number(token) for token in tokens]
        if len(tokens) != len(roles) or any(n is None for n in numbers):
            self.issue(
                Severity.WARNING,
                "fund_row_unclear",
                f"年度资金总额 row has {len(tokens)} figures {tokens} for {len(roles)} columns; read in order",
                line_no,
            )
        for role, number in zip(roles, numbers, strict=False):
            if number is None:
                continue
            value = number.value
            if re.search(r"[^\d.,%万元+-]", number.printed):
                self.issue(
                    Severity.INFO,
                    "stray_characters_dropped",
                    f"年度资金总额: {number.printed!r} read as {value} (OCR noise around the figure)",
                    line_no,
                )
            if role in ("initial_budget", "full_year_budget", "executed"):
                if number.unit and self.unit_source in (None, "fragment"):
                    self._unit(number.unit, "cells", number.printed)
                elif number.unit and number.unit != self.unit_evidence and self.unit_evidence:
                    factor = Decimal(10000) if number.unit == "万元" else Decimal("0.0001")
                    converted = (value * factor).quantize(CENT)
                    self.issue(
                        Severity.INFO,
                        "amount_unit_converted",
                        f"{number.printed!r} in a fund block labelled {self.unit_evidence}; stored as {converted}",
                        line_no,
                    )
                    value = converted
                if value.as_tuple().exponent < -2:
                    quantized = value.quantize(CENT)
                    self.issue(
                        Severity.INFO,
                        "amount_rounded",
                        f"{number.printed!r} read as {quantized} (an OCR'd extra digit)",
                        line_no,
                    )
                    value = quantized
                setattr(self.form, role, value)
            elif role == "rate":
                self.form.execution_rate_stated = value
            elif role == "weight":
                self.exec_weight = value
            elif role == "score":
                self.exec_score = value
        self._check_fund(line_no)

    def _check_fund(self, line_no: int) -> None:
        form = self.form
        if form.full_year_budget and form.executed is not None and form.execution_rate_stated is not None:
            rate = form.executed / form.full_year_budget * 100
            if not (
                abs(rate.quantize(CENT, ROUND_HALF_UP) - form.execution_rate_stated) <= CENT
                or rate.quantize(CENT, ROUND_DOWN) == form.execution_rate_stated
            ):
                self.issue(
                    Severity.WARNING,
                    "execution_rate_mismatch",
                    f"执行率 printed {form.execution_rate_stated}, but 全年执行数 / 全年预算数 = {rate:.2f}%",
                    line_no,
                )
        if (
            self.exec_weight is not None
            and self.exec_score is not None
            and form.execution_rate_stated is not None
        ):
            expected = min(form.execution_rate_stated * self.exec_weight / 100, self.exec_weight)
            if abs(expected - self.exec_score) > CENT:
                self.issue(
                    Severity.WARNING,
                    "execution_score_mismatch",
                    f"execution score printed {self.exec_score}, 执行率 × 分值 gives {expected:.2f}",
                    line_no,
                )

    # -- indicator table --

    def _read_table(self, header_at: int) -> int | None:
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
            if is_indicator_header(cells) or (i == header_at + 1 and self._is_header_continuation(cells)):
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

        score_cell = value(score_col)
        score_number = read_number(score_cell.split()[0]) if score_cell.split() else None
        weight_number = read_number(value(weight_col).split()[0]) if value(weight_col).split() else None
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
        rest = " ".join(score_cell.split()[1:])
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
            self.issues.append(target_composed_issue(name, parts, row.target, row.line_no, self.seq))

    def _aligned(self, cells: list[str], columns: dict[str, int]) -> bool:
        if "weight" not in columns or "score" not in columns:
            return False
        w, s = columns["weight"], columns["score"]
        if max(w, s) >= len(cells):  # either column past the row's end: the row is short, not aligned
            return False
        weight = read_number(cells[w].split()[0]) if cells[w].split() else None
        score = read_number(cells[s].split()[0]) if cells[s].split() else None
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

    def _category_tokens(self, text: str, lenient: bool = True) -> tuple[list[str], list[str]]:
        """A category-column cell's tokens split into label pieces and name text (a name printed in the 二级 column).

        ``lenient``: short unreadable bits ("対に 人") count as (unreadable) label pieces, not as a name.
        """
        if ocr_repair.read_label_text(text) in ocr_levels.TAILS:
            return ["".join(text.split())], []  # "1日 17小": 指标 in OCR pieces
        tokens = [token for token in text.split() if not ocr_repair.is_noise(token)]
        labels, names = [], []
        all_labels = ocr_repair.level2_labels() + ocr_repair.level1_labels()
        for token in tokens:
            key = ocr_repair.read_label_text(token)
            if key in ocr_levels.TAILS or ocr_repair.best_label(key, all_labels)[1] >= ocr_levels.FIT:
                labels.append(token)
            else:
                names.append(token)
        if lenient and not any(sum(has_han(ch) for ch in token) >= 3 for token in names):
            return labels + names, []  # short unreadable bits stay with the labels (and read as none)
        return labels, names

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
                self._pieces[stream].append(Piece(pos, line_no, token))

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
        self._total_line = (cells, line_no)
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
            self._ghost_line = line_no
            previous.deviation_lines.extend(c for c in stripped[numeric[-1] + 1 :] if c)
            self._add_pieces(
                [(col, self._category_tokens(c)[0]) for col, c in enumerate(stripped[:name_col]) if c],
                pos,
                line_no,
                name_col,
                None,
            )
            self.issue(
                Severity.INFO,
                "duplicate_row_dropped",
                f"line {line_no} repeats the row at line {previous.line_no} with 总分 run into it; "
                "kept once, its 偏差原因 text joined to that row's",
                line_no,
            )

    # -- 总分 and 评分等级 --

    def _read_total_and_grade(self, total_at: int | None) -> None:
        form = self.form
        if total_at is not None:
            cells = cells_of(self.lines[total_at])
            figures = self._figures_after_total(cells) if self._ghost_line is None else []
            if not figures:
                for j in range(total_at + 1, min(total_at + 3, self.span.end)):
                    following = cells_of(self.lines[j])
                    if any(following) and all(read_number(c) for c in following if c):
                        figures = [read_number(c).value for c in following if c]
                        break
            if len(figures) >= 2:
                self.total_weight, form.total_score = figures[0], figures[1]
            elif len(figures) == 1 and figures[0] != 100:
                form.total_score = figures[0]
        grade_line = None
        start = (total_at if total_at is not None else self.span.start) + 1
        for j in range(start, self.span.end):
            cells = cells_of(self.lines[j])
            if is_grade_line(cells):
                grade_line = j + 1
                for cell in cells:
                    if fold(cell) in {grade for _, grade in lexicon.GRADE_BANDS}:
                        form.grade = fold(cell)
                        break
                break
        self._grade_line = grade_line

    @staticmethod
    def _figures_after_total(cells: list[str]) -> list[Decimal]:
        figures = []
        seen_label = False
        for cell in cells:
            for token in cell.split():
                if token == lexicon.SELF_EVAL_TOTAL_LABEL or fold(token) == "总分":
                    seen_label = True
                    continue
                number = read_number(token)
                if seen_label and number and not number.percent:
                    figures.append(number.value)
        return figures

    # -- rows: text, then repairs that need the whole table --

    def _repair_rows(self) -> None:
        for row in self.rows:
            self._finish_text(row)
        self._merge_duplicate_rows()
        self._move_stray_deviations()
        self._move_second_names()
        for row in self.rows:
            if row.dropped:
                continue
            if not row.name and not row.aligned and row.target and not _value_like(row.target):
                self.issue(
                    Severity.WARNING,
                    "name_from_target_column",
                    f"line {row.line_no}: no name cell, and the only text before 实际完成值 is {row.target!r}, "
                    "which reads as a name, not a value; read as the name, 年度指标值 left empty",
                    row.line_no,
                )
                row.name, row.target = row.target, None
            if not row.name:
                self.issue(
                    Severity.WARNING,
                    "indicator_name_missing",
                    f"line {row.line_no}: no 三级指标 name printed (target {row.target!r}); name left empty",
                    row.line_no,
                )
            if row.target is None:
                self.issue(
                    Severity.WARNING,
                    "indicator_target_missing",
                    f"line {row.line_no}: 年度指标值 cell is empty for {row.name!r}",
                    row.line_no,
                )
            if row.repairs:
                self.issue(
                    Severity.INFO,
                    "ocr_row_repaired",
                    f"line {row.line_no} ({row.name or 'no name'}): " + "; ".join(row.repairs),
                    row.line_no,
                )

    def _finish_text(self, row: Row) -> None:
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

    def _merge_duplicate_rows(self) -> None:
        """Two neighbouring rows that are one row read twice, found by the weights adding up to too much."""
        expected = self._expected_indicator_weight()
        rows = [row for row in self.rows if not row.dropped]
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
            self.issue(
                Severity.WARNING,
                "duplicate_row_merged",
                f"lines {first.line_no} and {second.line_no} are one row read twice (weights summed to "
                f"{total}, {excess} over {expected}): kept name {keep.name!r}, target {keep.target!r}, "
                f"actual {keep.actual!r}",
                first.line_no,
            )
            return

    def _move_stray_deviations(self) -> None:
        rows = [row for row in self.rows if not row.dropped]
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
            self.issue(
                Severity.WARNING,
                "deviation_moved",
                f"偏差原因 text {text!r} was read into the 得分 cell of line {row.line_no}, whose row lost no "
                f"points; given to line {target.line_no}, the nearest row that lost points and has none",
                target.line_no,
            )

    def _move_second_names(self) -> None:
        rows = [row for row in self.rows if not row.dropped]
        for above, row in zip(rows, rows[1:], strict=False):
            if row.name or above.name_cell_lines < 2:
                continue
            head, tail = _split_last_line(above)
            if not head or len(tail) < 4 or not tail.endswith(lexicon.INDICATOR_NAME_SUFFIXES):
                continue
            above.name, row.name = head, tail
            self.issue(
                Severity.WARNING,
                "name_moved",
                f"the name cell of line {above.line_no} holds two names and line {row.line_no} has none: "
                f"{tail!r} read as line {row.line_no}'s name, {head!r} kept for line {above.line_no}",
                row.line_no,
            )

    # -- 一级 / 二级 --

    def _place_levels(self) -> None:
        rows = [row for row in self.rows if not row.dropped]
        if not rows:
            return
        labels2, unread2 = ocr_levels.assemble(self._pieces[2], ocr_repair.level2_labels())
        labels1, _ = ocr_levels.assemble(self._pieces[1], ocr_repair.level1_labels())
        for row in rows:
            on_row = [label for label in labels1 if row.positions & set(label.positions)]
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
                self.issue(
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
                self.issue(
                    Severity.INFO,
                    "category_label_read",
                    f"{level} {label.text!r} (lines {label.line_nos[0]}–{label.line_nos[-1]}) read as {label.canonical}",
                    label.line_nos[0],
                )
            elif not label.canonical:
                self.issue(
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
                    self.issue(
                        Severity.WARNING,
                        "category_uncertain",
                        f"line {row.line_no} ({row.name or 'no name'}): no {'二级' if labels2 else '一级'} printed "
                        f"on the row and its group is not clear from the layout; read as {value}",
                        row.line_no,
                    )
        for k, line_nos in free.items():
            self.issue(
                Severity.INFO,
                "category_from_group",
                f"rows at lines {', '.join(map(str, line_nos))} carry no category text; placed in the "
                f"{labels[k].canonical or labels[k].text} group ({placement.mode}, label at line {labels[k].line_nos[0]})",
                line_nos[0],
            )
        if not labels:
            self.issue(
                Severity.WARNING,
                "no_category_labels",
                "no 一级/二级 label readable in the table",
                self.form.line_start,
            )

    def _indicator(self, row: Row) -> Indicator:
        return Indicator(
            level1=row.level1,
            level2=row.level2,
            name=row.name,
            target=row.target,
            line_no=row.line_no,
            actual=row.actual,
            weight=row.weight,
            score=row.score,
            deviation_reason=row.deviation,
        )

    # -- checks --

    def _expected_indicator_weight(self) -> Decimal | None:
        total = self.total_weight if self.total_weight is not None else Decimal(100)
        weight = (
            self.exec_weight if self.exec_weight is not None else Decimal(lexicon.EXECUTION_WEIGHT_DEFAULT)
        )
        return total - weight

    def _check_arithmetic(self) -> None:
        form = self.form
        if not form.indicators:
            return
        weights = sum((i.weight or Decimal(0)) for i in form.indicators)
        scores = sum((i.score or Decimal(0)) for i in form.indicators)
        expected = self._expected_indicator_weight()
        if expected is not None and weights != expected:
            self.issue(
                Severity.WARNING,
                "weights_do_not_add_up",
                f"indicator weights add up to {weights}, not {expected} (100 less the execution weight)",
                form.line_start,
            )
        if self.exec_score is None:
            return
        computed = scores + self.exec_score
        if form.total_score is None:
            form.total_score = computed
            self.issue(
                Severity.WARNING,
                "total_score_computed",
                f"总分 prints no figure; {computed} computed from indicator scores {scores} + execution score "
                f"{self.exec_score}",
                self._total_line[1] if self._total_line else form.line_end,
            )
        elif computed != form.total_score:
            self.issue(
                Severity.WARNING,
                "total_score_mismatch",
                f"总分 {form.total_score}, but indicator scores {scores} + execution score {self.exec_score} = {computed}",
                form.line_end,
            )

    def _check_form(self) -> None:
        """评分等级 and the end of the form; the checks every parser owes a form are ``tables.check_form``."""
        form = self.form
        if form.grade is None:
            is_last = self.span.end >= len(self.lines) or not any(
                line.strip() for line in self.lines[self.span.end :]
            )
            if is_last and self._grade_line is None:
                form.is_complete = False
                self.issue(
                    Severity.WARNING,
                    "form_truncated_end",
                    "the document ends before the form's 评分等级 row",
                    form.line_end,
                )
            if form.total_score is not None:
                form.grade = next(grade for floor, grade in lexicon.GRADE_BANDS if form.total_score >= floor)
                self.issue(
                    Severity.WARNING,
                    "grade_computed",
                    f"评分等级 not printed; {form.grade} from 总分 {form.total_score} and the grade bands",
                    form.line_end,
                )
        elif form.total_score is not None:
            banded = next(grade for floor, grade in lexicon.GRADE_BANDS if form.total_score >= floor)
            if banded != form.grade:
                self.issue(
                    Severity.WARNING,
                    "grade_mismatch",
                    f"评分等级 {form.grade}, but 总分 {form.total_score} is in the {banded} band",
                    self._grade_line,
                )


# --- document-level settling: what one form leaves unsaid, the document may say ----------------------


def _settle_fiscal_years(readers: list[FormReader], issues: list[Issue]) -> None:
    latest = [max(year for year, _ in reader.years_mentioned) for reader in readers if reader.years_mentioned]
    consensus = Counter(latest).most_common(1)[0][0] if latest else None
    for reader in readers:
        form = reader.form
        if reader.title_year:
            form.fiscal_year = reader.title_year
            continue
        if consensus is None:
            continue  # tables.check_form says the year is missing
        form.fiscal_year = consensus
        own = sorted({line for year, line in reader.years_mentioned if year == consensus})
        if own:
            where = f"this form's text names {consensus} at line(s) {', '.join(map(str, own[:5]))}"
        elif reader.years_mentioned:
            where = f"this form's own text names only {sorted({y for y, _ in reader.years_mentioned})}"
        else:
            where = "this form's own text names no year"
        reader.issue(
            Severity.INFO,
            "fiscal_year_implied",
            f"no title states the year; {consensus} is the latest year most forms of the document speak of "
            f"in their goals and results ({where})",
            form.line_start,
        )


def _settle_amount_units(readers: list[FormReader], issues: list[Issue]) -> None:
    stated = [reader for reader in readers if reader.unit_evidence and reader.unit_source != "fragment"]
    for reader in readers:
        form = reader.form
        if form.initial_budget is None and form.full_year_budget is None and form.executed is None:
            continue
        text = reader.unit_evidence_text
        if reader.unit_evidence:
            form.amount_unit = reader.unit_evidence
            if reader.unit_source == "pieces":
                reader.issue(
                    Severity.INFO,
                    "amount_unit_from_pieces",
                    f"fund block label printed in pieces ({text!r}); read as 项目资金（{form.amount_unit}）",
                    form.line_start,
                )
            elif reader.unit_source == "cells":
                reader.issue(
                    Severity.INFO,
                    "amount_unit_from_cells",
                    f"the fund block states no unit; its figures carry one ({text!r}): {form.amount_unit}",
                    form.line_start,
                )
            continue
        if stated:
            form.amount_unit = Counter(r.unit_evidence for r in stated).most_common(1)[0][0]
            reader.issue(
                Severity.INFO,
                "amount_unit_from_document",
                f"the fund block's unit label is cut ({text!r}); {form.amount_unit} as the other forms "
                f"of this document print it (e.g. line {stated[0].form.line_start})",
                form.line_start,
            )
        else:
            form.amount_unit = "万元"
            reader.issue(
                Severity.WARNING,
                "amount_unit_assumed",
                "no unit printed for the fund block; 万元, the self-evaluation template's unit",
                form.line_start,
            )


# --- small helpers -------------------------------------------------------------------------------------


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else f"{text[:size]}…"


def _is_year_line(cells: list[str]) -> bool:
    """'（2023年度）' printed on its own line under the title."""
    return bool(re.fullmatch(r"[(（]?\d{4}年度?[)）]?", fold("".join(cells))))


def _continues_phrase(actual: str, piece: str) -> bool:
    """'部分达成指' + '标并具有一' continues a known 实际完成值 phrase."""
    start = unwrap(actual).replace(" ", "")
    longer = start + unwrap(piece).replace(" ", "")
    return any(
        phrase.startswith(start) and phrase != start and (phrase.startswith(longer) or longer == phrase)
        for phrase in lexicon.ACHIEVEMENT_PHRASES
    )


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
    for size in range(3, len(name) // 2 + 1):
        if len(name) != 2 * size:
            continue
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
