"""The header lines of a pdftotext target form: fields and budget figures (layout ``pdftext_target``).

A header line holds one or more "label： value" pairs separated by spaces; which label means which
field, and how a budget figure is read, is the shared ``FieldReader``'s business. What is particular
to pdftotext output is handled here: a value left empty at the end of its line is looked for on the
next lines (a project name printed under its label, a figure on the line below), and a 金额单位 line
or a fund block heading sets the unit of every amount on the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import lexicon
from ..model import Form, Issue, Severity
from ..numbers import parse_amount
from ..text import fold
from .pdftext_pieces import Piece, join_wrapped, label_cells, title_type
from .tables import FieldReader, find_year, is_indicator_header, label_key, unit_statement


@dataclass
class HeaderReader:
    """Header lines: fields and budget figures by their labels; a value left empty at the end of its
    line is looked for on the next lines (a project name printed under its label)."""

    fields: FieldReader
    form: Form
    seq: int
    issues: list[Issue]
    waiting: tuple[str, int] | None = None  # (label, line_no) of a value to be found on the next lines
    fragments: list[Piece] = field(default_factory=list)

    MAX_VALUE_LINES = 3

    def feed(self, piece: Piece) -> None:
        tokens = piece.tokens
        self._read_unit_line(piece.text)
        if self.form.fiscal_year is None and len(fold(piece.text)) <= 20:
            self.form.fiscal_year = find_year(piece.text)
        lead, cells = label_cells(tokens)
        if self.waiting and self._continues(piece, lead, cells):
            return
        self.flush()
        for k, (label, value) in enumerate(cells):
            if not value and k == len(cells) - 1 and self._is_known(label):
                self.waiting = (label, piece.line_no)
                continue
            self.fields.read([f"{label}：{' '.join(value)}"], piece.line_no)

    def _continues(self, piece: Piece, lead: list[str], cells: list[tuple[str, list[str]]]) -> bool:
        """Take this line, or its tokens before the first label, as the waiting value.

        True when the whole line was taken; False when the caller is to read it (its labels) as usual.
        """
        label, _ = self.waiting
        if label_key(label) in lexicon.BUDGET_LABELS:
            if cells or parse_amount(piece.text) is None:
                return False  # a blank figure stays blank: never take a label or text as its value
            self.fragments.append(piece)
            self.flush()
            return True
        if title_type(piece.tokens[0]) or is_indicator_header(piece.tokens):
            return False
        if lead and len(self.fragments) < self.MAX_VALUE_LINES:
            self.fragments.append(Piece(piece.line_no, " ".join(lead)))
            return not cells
        return False

    def flush(self) -> None:
        if self.waiting is None:
            return
        label, line_no = self.waiting
        value = join_wrapped([piece.text for piece in self.fragments])
        if len(self.fragments) > 1 or (self.fragments and self.fragments[0].line_no != line_no):
            lines = ", ".join(str(piece.line_no) for piece in self.fragments)
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "field_value_wrapped",
                    f"{label} printed on the line(s) after its label ({lines}); read as {value!r}",
                    line_no,
                    self.seq,
                )
            )
        self.waiting, self.fragments = None, []
        self.fields.read([f"{label}：{value}"], line_no)

    @staticmethod
    def _is_known(label: str) -> bool:
        key = label_key(label)
        return key in lexicon.FIELD_LABELS or key in lexicon.BUDGET_LABELS

    def _read_unit_line(self, text: str) -> None:
        """'金额单位：万元', or a fund block heading '项目资金（万元）', sets the unit every amount on the form
        is printed in."""
        key = fold(text)
        if key.startswith(lexicon.AMOUNT_UNIT_LABELS):
            self.form.amount_unit = "万元" if "万元" in key else "元"
            return
        for token in text.split():
            unit = unit_statement(token)
            if unit:
                self.form.amount_unit = unit
