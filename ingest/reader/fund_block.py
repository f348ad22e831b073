"""A self-evaluation's fund block (年度资金总额 under its column header) and its 总分 row, as the
form reader meets them cell by cell (a mixin of ``FormReader``, which holds the state)."""

from __future__ import annotations

import re
from collections import deque

from ..model import Form, Severity
from ..numbers import parse_amount
from . import values as v
from . import vocabulary as vocab
from .cell import Cell
from .funds import read_fund_row, read_total

_LEADING_RUN = re.compile(r"[\d.,%]{3,}(?=[\u3400-\u9fff])")
# figures run together, each with its unit: "3359.62万3359.62万100%"
_FIGURES_WITH_UNITS = re.compile(r"(?:\d[\d,]*(?:\.\d+)?万元?){2,}(?:\d+(?:\.\d+)?%)?")
_FIGURE_WITH_UNIT = re.compile(r"\d[\d,]*(?:\.\d+)?(?:万元?|%)")


class FundBlock:
    form: Form
    fund_columns: list[str]
    fund_values: list[tuple[str, bool]] | None
    total_values: list[str] | None
    pending_amounts: deque

    @staticmethod
    def _is_figure(cell: Cell) -> bool:
        return v.is_figure(cell.text)

    def _fund_header_seen(self) -> bool:
        return sum(m in self.fund_columns for m in ("initial_budget", "full_year_budget", "executed")) >= 2

    def _fund_value(self, cell: Cell) -> bool:
        text = v.nfkc(cell.text).replace(" ", "")
        if cell.glued and v.is_number_run(text) and v.number(text) is None and len(text) >= 6:
            self.fund_values.append((text, True))  # "21182118100%": 2118 | 2118 | 100%, run together
        elif self._is_figure(cell):
            self.fund_values.append((text, False))
        elif v.is_number_run(text):
            self.fund_values.append((text, cell.glued))  # figures printed together: only run-together text
        elif v.is_blank(text) and text:
            self.fund_values.append(("", False))
        elif cell.glued and _FIGURES_WITH_UNITS.fullmatch(text):
            self.fund_values.extend((figure, False) for figure in _FIGURE_WITH_UNIT.findall(text))
        elif cell.glued and (lead := _LEADING_RUN.match(text)) and v.is_number_run(lead.group()):
            self.fund_values.append((lead.group(), True))  # "310.2154.741050%5执行率*该指标分值…"
        else:
            return False
        return True

    def _column_was_a_label(self) -> None:
        """A fund-column word followed on its row by a figure labels that figure: it heads no column."""
        attr, label = self.pending_amounts[-1]
        self.pending_amounts = deque([(attr, label)])
        meaning = vocab.FUND_COLUMNS[label.key]
        if meaning in self.fund_columns:
            self.fund_columns.remove(meaning)

    def _close_fund_row(self) -> None:
        raw, self.fund_values = self.fund_values, None
        if not raw:
            return
        reading = read_fund_row(self.fund_columns, raw)
        if reading is None:
            shown = [text for text, _ in raw]
            self.note(
                Severity.WARNING,
                "fund_row_unreadable",
                f"年度资金总额 figures {shown} fit no reading of {self.fund_columns}",
            )
            return
        for attr, value in reading.items():
            if attr == "rate" and self.form.execution_rate_stated is None:
                self.form.execution_rate_stated = value
            elif (
                attr in ("initial_budget", "full_year_budget", "executed")
                and getattr(self.form, attr) is None
            ):
                setattr(self.form, attr, value)
        if self.form.amount_unit is None:
            units = {parse_amount(x).unit for x, _ in raw if parse_amount(x)}
            self.form.amount_unit = next((u for u in units if u), None)
            if self.form.amount_unit:
                message = f"no unit stated for the form; {self.form.amount_unit} from the 年度资金总额 cells ({raw[0][0]!r} …)"
                self.note(Severity.INFO, "amount_unit_from_cells", message)

    def _close_total(self) -> None:
        raw, self.total_values = self.total_values, None
        total, grade = read_total(raw or [])
        self.form.total_score = self.form.total_score if total is None else total
        if grade in vocab.GRADES:
            self.form.grade = grade

    def _close_runs(self) -> None:
        if self.fund_values is not None:
            self._close_fund_row()
        if self.total_values is not None:
            self._close_total()
