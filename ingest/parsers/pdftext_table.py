"""The indicator table of a pdftotext target form: one row per line, wrapped cells re-assembled (``pdftext_target``).

pdftotext wraps text at a fixed width, so an indicator name or a target may continue on the next
lines. The width the document's indicator cells wrap at is measured over all its forms
(``column_width``); ``TableReader`` uses it to tell where a wrapped name stops and its target starts.
一级 / 二级 labels stand on lines of their own or at the start of a row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .. import lexicon
from ..model import Form, Indicator, Issue, Severity
from ..text import fold
from .pdftext_pieces import Piece, Segment, join_wrapped
from .tables import is_indicator_header

_OPERATOR = "[" + re.escape("".join(sorted(lexicon.TARGET_OPERATORS))) + "]"
_BARE_OPERATOR = re.compile(rf"^{_OPERATOR}+$")
# A quantitative target: an optional operator, then numbers each followed by a short unit
# ("=100%", "≥90%", "<=5%", "=1", "365天24小时", "100%合规", "=93份"); "962121平台…率" is a name.
_NUMBER = r"\d[\d.,]*"
_UNIT = r"[^\d\s.,]{1,3}"
_QUANTITY = re.compile(rf"^{_OPERATOR}*{_NUMBER}(?:{_UNIT}{_NUMBER})*(?:{_UNIT})?$")
_TABLE_YEAR_HEADING = re.compile(r"^(?:\d{4}年度?)?(?:年度|长期|中长期)?绩效(?:目标|指标)$")


# --- the wrap width of the indicator table ------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns the text takes in fixed-width output: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(segments: list[Segment]) -> int | None:
    """Width at which pdftotext wrapped indicator cells in this document, if the document shows it.

    A wrapped cell leaves lines of one token that all reach the same width; the widest such line
    is taken as the wrap width when at least two lines reach it (a single long line proves nothing).
    """
    widths = []
    for segment in segments:
        in_table = False
        for piece in segment.pieces:
            tokens = piece.tokens
            if is_indicator_header(tokens):
                in_table = True
            elif (
                in_table and len(tokens) == 1 and not _is_label(tokens[0]) and not _QUANTITY.match(tokens[0])
            ):
                widths.append(display_width(tokens[0]))
    if not widths:
        return None
    widest = max(widths)
    return widest if sum(w >= widest - 1 for w in widths) >= 2 else None


# --- the indicator table: one row per line, wrapped cells re-assembled -----------------------------------


def _is_label(token: str) -> bool:
    key = fold(token)
    return key in lexicon.LEVEL1_LABELS or key in lexicon.LEVEL2_LABELS or key in lexicon.WRAPPER_LABELS


def _is_table_heading(text: str) -> bool:
    """'2020年绩效目标', '年度绩效指标': the heading over an indicator table, not a row."""
    return bool(_TABLE_YEAR_HEADING.match(fold(text)))


@dataclass
class TableReader:
    """Indicator rows of one table.

    A row is "name target" on one line (the target is the last token, with an operator printed
    apart put back on it), or a cell wrapped over several one-token lines. Wrapped lines are held
    as pending fragments until the row is known to be over: a quantitative value ("=100%") closes
    it as its target; a new row or label closes it and its fragments are split into name and target
    where a fragment stops short of the column's wrap width (a wrapped line fills the column).
    """

    form: Form
    seq: int
    wrap: int | None
    issues: list[Issue]
    level1: str | None = None
    level2: str | None = None
    pending: list[Piece] = field(default_factory=list)
    open_row: Indicator | None = None  # a row whose name filled the column: the next line may continue it
    rows_since_label: int = 0

    def feed(self, piece: Piece) -> None:
        tokens = piece.tokens
        if _is_table_heading(piece.text):
            self.close()
            return
        labels: list[str] = []
        while tokens and _is_label(tokens[0]):
            labels.append(tokens.pop(0))
        if labels:
            if len(tokens) == 1 and _QUANTITY.match(tokens[0]) and not self.pending:
                self._label_as_name(labels, tokens[0], piece)
                return
            self.close()
            self._set_categories(labels)
        if len(tokens) >= 2:
            self._full_row(tokens, piece)
        elif tokens:
            self._fragment(tokens[0], piece)

    def close(self, target: Piece | None = None) -> None:
        """End the pending row: its fragments become a name and (where the split shows one) a target."""
        self.open_row = None
        if not self.pending:
            if target is not None:
                self._orphan_target(target)
            return
        fragments, self.pending = self.pending, []
        if target is not None:
            name_parts, target_parts = fragments, [target]
        else:
            cut = next(
                (k for k, f in enumerate(fragments) if not self._fills_column(f.text)), len(fragments) - 1
            )
            name_parts, target_parts = fragments[: cut + 1], fragments[cut + 1 :]
        name = join_wrapped([f.text for f in name_parts])
        value = join_wrapped([f.text for f in target_parts]) or None
        self._note_wrap(name_parts, target_parts, name, value, guessed=target is None and len(fragments) > 1)
        self._emit(name, value, fragments[0].line_no)

    def check_end(self) -> None:
        """A table that stops after a category label, or on a row without a target, was cut off."""
        last = self.form.indicators[-1] if self.form.indicators else None
        cut_row = last is not None and last.target is None
        if not (self.rows_since_label == 0 or cut_row):
            return
        self.form.is_complete = False
        what = (
            f"row {last.name!r} has no target" if cut_row else "the last category label has no rows under it"
        )
        self.issues.append(
            Issue(
                Severity.WARNING,
                "form_truncated_end",
                f"the indicator table stops part-way ({what}); kept as a partial form",
                last.line_no if cut_row else self.form.line_end,
                self.seq,
            )
        )

    # rows

    def _full_row(self, tokens: list[str], piece: Piece) -> None:
        cut = len(tokens) - 1
        if cut >= 2 and _BARE_OPERATOR.match(tokens[cut - 1]):
            cut -= 1  # "居民满意度 ≥ 90%": the operator belongs to the target
        head, value = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        line_no = piece.line_no
        if self.pending:
            if self._fills_column(self.pending[-1].text) or len(self.pending) == 1:
                parts, self.pending = self.pending, []
                name = join_wrapped([f.text for f in parts] + [head])
                self._note_wrap([*parts, Piece(line_no, head)], [], name, value, guessed=False)
                line_no = parts[0].line_no
                self._emit(name, value, line_no)
                self.open_row = None
                return
            self.close()
        if cut > 1:
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "indicator_split_guessed",
                    f"row {piece.text!r} has more than two space-separated parts; "
                    f"the last ({value!r}) is read as the target, the rest as the name",
                    line_no,
                    self.seq,
                )
            )
        row = self._emit(head, value, line_no)
        self.open_row = row if self._fills_column(head) else None

    def _fragment(self, token: str, piece: Piece) -> None:
        if self.open_row is not None and not _QUANTITY.match(token):
            row = self.open_row
            row.name = join_wrapped([row.name, token])
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "indicator_wrapped",
                    f"name continued on line {piece.line_no} after its target; read as {row.name!r}",
                    row.line_no,
                    self.seq,
                )
            )
            if not self._fills_column(token):
                self.open_row = None
            return
        self.open_row = None
        if _QUANTITY.match(token):
            self.close(target=piece)
            return
        self.pending.append(piece)

    def _label_as_name(self, labels: list[str], value: str, piece: Piece) -> None:
        """'满意度 ≥90%': a row whose name is itself a category word; the word is the name, not a label."""
        self.close()
        *categories, name = labels
        if categories:
            self._set_categories(categories)
        self.issues.append(
            Issue(
                Severity.INFO,
                "category_label_as_name",
                f"{name!r} followed only by a value: read as an indicator name, not a category",
                piece.line_no,
                self.seq,
            )
        )
        self._emit(name, value, piece.line_no)

    def _orphan_target(self, piece: Piece) -> None:
        last = self.form.indicators[-1] if self.form.indicators else None
        if last is not None and last.target is None:
            last.target = piece.text
            severity, code, message = (
                Severity.INFO,
                "target_on_own_line",
                f"target of {last.name!r} read from its own line",
            )
        else:
            severity, code, message = (
                Severity.WARNING,
                "orphan_value",
                f"value {piece.text!r} belongs to no indicator row; skipped",
            )
        self.issues.append(Issue(severity, code, message, piece.line_no, self.seq))

    def _emit(self, name: str, target: str | None, line_no: int) -> Indicator:
        if target is None:
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "indicator_without_target",
                    f"indicator {name!r} has no target",
                    line_no,
                    self.seq,
                )
            )
        row = Indicator(level1=self.level1, level2=self.level2, name=name, target=target, line_no=line_no)
        self.form.indicators.append(row)
        self.rows_since_label += 1
        return row

    # categories and wrapping

    def _set_categories(self, labels: list[str]) -> None:
        for k, label in enumerate(labels):
            key = fold(label)
            if key in lexicon.WRAPPER_LABELS:
                continue
            is_l1, is_l2 = key in lexicon.LEVEL1_LABELS, key in lexicon.LEVEL2_LABELS
            followed_by_l2 = k + 1 < len(labels) and fold(labels[k + 1]) in lexicon.LEVEL2_LABELS
            if is_l1 and (not is_l2 or followed_by_l2 or self.level1 is None):
                self.level1, self.level2 = label, None
            else:
                self.level2 = label
        self.rows_since_label = 0

    def _fills_column(self, text: str) -> bool:
        return self.wrap is not None and display_width(text) >= self.wrap - 1

    def _note_wrap(
        self,
        name_parts: list[Piece],
        target_parts: list[Piece],
        name: str,
        value: str | None,
        *,
        guessed: bool,
    ) -> None:
        parts = name_parts + target_parts
        if len(parts) < 2:
            return
        lines = ", ".join(str(p.line_no) for p in parts)
        how = (
            "split where a line stops short of the column width"
            if self.wrap is not None
            else "no wrap width could be measured: the first line is taken as the name"
        )
        message = f"row wrapped over lines {lines}; read as name {name!r}, target {value!r}"
        self.issues.append(
            Issue(
                Severity.INFO,
                "indicator_split_guessed" if guessed else "indicator_wrapped",
                f"{message} ({how})" if guessed else message,
                parts[0].line_no,
                self.seq,
            )
        )
