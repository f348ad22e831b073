"""The head and the fund block of an OCR'd self-evaluation form (the form reader's OCR front-end, ``ocr_cells``).

- **head fields** (``HeadFields``): 项目名称, 主管部门 and 实施单位, found by their labels even when OCR
  split a label over cells ("主管\t部门"). Every reading of a field is kept until the form is read;
  ``settle`` then picks the project name (cut where it runs on into a unit name) and matches the unit
  names against ``ingest/known_units.csv``.
- **the fund block** (``FundBlock``): the 年度资金总额 row read by the block header's columns
  (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分), the block's money unit and how it is
  printed (a 项目资金（万元） label, its OCR pieces, a unit on the figures, or a cut fragment), and
  the execution weight and score the indicator table's arithmetic needs. 执行率 and the execution
  score are checked against the figures as they are read.

Both write their repairs and doubts to the form's ``FormIssues``; the document-level choice of a unit
for a form whose label is cut is made in ``ocr_cells``, where all forms are seen.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .. import lexicon
from ..model import Severity
from . import ocr_repair
from .ocr_lines import (
    FormIssues,
    RepairedForm,
    Span,
    cells_of,
    fold,
    is_fund_total,
    is_indicator_header_line,
)
from .ocr_repair import concat_cells, has_han, read_number

CENT = Decimal("0.01")


def _label_pattern(label: str) -> re.Pattern[str]:
    """A label whose characters may be split by spaces or tabs ("主管\t部门")."""
    return re.compile(r"[\s]*".join(map(re.escape, label)) + r"\s*[:：]?")


_FIELD_PATTERNS = {label: _label_pattern(label) for label in lexicon.SELF_EVAL_FIELD_LABELS}


# --- head fields ----------------------------------------------------------------------------------------


class HeadFields:
    """项目名称, 主管部门 and 实施单位: every reading collected line by line, settled once the form is read."""

    def __init__(self, issues: FormIssues) -> None:
        self.issues = issues
        self.candidates: dict[str, list[tuple[str, int]]] = {}

    def read_line(self, cells: list[str], line_no: int) -> None:
        """A 项目名称 or 主管部门 line: each label's value runs to the next label or the line's end."""
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
                self.issues.add(Severity.INFO, "field_text_repaired", f"{label}: {repair}", line_no)
            self.candidates.setdefault(lexicon.SELF_EVAL_FIELD_LABELS[label], []).append((value, line_no))

    def settle(self, form: RepairedForm) -> None:
        """The project name (cut where it runs on into a unit name) and the best reading of each unit."""
        candidates = self.candidates
        project = next(((v, n) for v, n in candidates.get("project_name", []) if v), None)
        if project:
            value, line_no = project
            hit = ocr_repair.known_unit_in(value)
            if hit and hit[0] > 0:
                cut, unit = value[: hit[0]].strip(), value[hit[0] :]
                self.issues.add(
                    Severity.INFO,
                    "project_name_cut",
                    f"项目名称 cell runs on into the unit names ({value!r}); project name read as {cut!r}",
                    line_no,
                )
                candidates.setdefault("supervisor_name", []).append((unit, line_no))
                value = cut
            form.project_name = value or None
        for attr, label in (("supervisor_name", "主管部门"), ("unit_name", "实施单位")):
            setattr(form, attr, self._best_unit(candidates.get(attr, []), label))

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
            self.issues.add(
                Severity.INFO,
                "unit_name_matched",
                f"{label} {raw!r} read as known unit {matched} (similarity {score:.0f})",
                line_no,
            )
            return matched
        clean = ocr_repair.unwrap(ocr_repair.drop_noise(raw))
        if clean != raw or not re.fullmatch(r"[\u3400-\u9fff（）()]+", clean):
            self.issues.add(
                Severity.WARNING,
                "unit_name_unmatched",
                f"{label} {raw!r} matches no known unit; kept as printed",
                line_no,
            )
        return clean or None


# --- the fund block -------------------------------------------------------------------------------------


class FundBlock:
    """The 年度资金总额 row under the fund block header, and the unit the block is printed in."""

    def __init__(self, lines: list[str], span: Span, form: RepairedForm, issues: FormIssues) -> None:
        self.lines = lines
        self.span = span
        self.form = form
        self.issues = issues
        # the block's unit: value (万元 / 元), how it is printed (label / pieces / cells / fragment), the text
        self.unit_evidence: str | None = None
        self.unit_source: str | None = None
        self.unit_evidence_text: str | None = None
        self.exec_weight: Decimal | None = None
        self.exec_score: Decimal | None = None
        self.total_line: int | None = None  # 1-based line of the 年度资金总额 row

    def read(self, header_at: int) -> None:
        """The block under the header at ``header_at`` (0-based): its unit label and 年度资金总额 row."""
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
            if i > header_at and is_indicator_header_line(self.lines[i]):
                break

    def _note_unit_label(self, cells: list[str]) -> None:
        """项目资金（万元）, or its OCR pieces ("项目 (万" / "资金 元)") over two lines."""
        for cell in cells[:2]:
            key = fold(cell)
            if self.unit_source == "label":
                return
            if "(万元)" in key:
                self._set_unit("万元", "label", cell)
            elif "(万" in key or ("万" in key and key.endswith("元)")):
                text = f"{self.unit_evidence_text} / {cell}" if self.unit_source == "fragment" else cell
                self._set_unit("万元", "pieces", text)
            elif "(元)" in key:
                self._set_unit("元", "label", cell)
            elif key.endswith("元)"):
                if self.unit_source == "pieces":
                    self.unit_evidence_text = f"{self.unit_evidence_text} / {cell}"
                elif self.unit_source is None:
                    self._set_unit(None, "fragment", cell)

    def _set_unit(self, value: str | None, source: str, text: str) -> None:
        self.unit_evidence, self.unit_source, self.unit_evidence_text = value, source, text

    def _read_fund_total(self, cells: list[str], roles: list[str], line_no: int) -> None:
        self.total_line = line_no
        label_col = next(i for i, cell in enumerate(cells) if "资金总额" in fold(cell))
        after_label = re.split(r"资金总额\s*[:：]?", cells[label_col], maxsplit=1)[-1]
        tokens = ocr_repair.number_tokens([after_label, *cells[label_col + 1 :]])
        tokens, repairs = ocr_repair.join_split_numbers(tokens, len(roles))
        for repair in repairs:
            self.issues.add(Severity.INFO, "split_number_joined", f"年度资金总额: {repair}", line_no)
        numbers = [read_number(token) for token in tokens]
        if len(tokens) != len(roles) or any(n is None for n in numbers):
            self.issues.add(
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
                self.issues.add(
                    Severity.INFO,
                    "stray_characters_dropped",
                    f"年度资金总额: {number.printed!r} read as {value} (OCR noise around the figure)",
                    line_no,
                )
            if role in ("initial_budget", "full_year_budget", "executed"):
                if number.unit and self.unit_source in (None, "fragment"):
                    self._set_unit(number.unit, "cells", number.printed)
                elif number.unit and number.unit != self.unit_evidence and self.unit_evidence:
                    factor = Decimal(10000) if number.unit == "万元" else Decimal("0.0001")
                    converted = (value * factor).quantize(CENT)
                    self.issues.add(
                        Severity.INFO,
                        "amount_unit_converted",
                        f"{number.printed!r} in a fund block labelled {self.unit_evidence}; stored as {converted}",
                        line_no,
                    )
                    value = converted
                if value.as_tuple().exponent < -2:
                    quantized = value.quantize(CENT)
                    self.issues.add(
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
                self.issues.add(
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
                self.issues.add(
                    Severity.WARNING,
                    "execution_score_mismatch",
                    f"execution score printed {self.exec_score}, 执行率 × 分值 gives {expected:.2f}",
                    line_no,
                )
