"""Budget lines (项目构成分解 / 子项目): a table whose header names 项目明细 and 明细金额.

Rows are read by column, so a merged cell left empty (the "项目构成分解" label spanning the
rows) keeps the columns in place; a 合计 row checks the lines' sum and ends the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import lexicon
from ..model import BudgetItem, Issue, Severity
from ..numbers import parse_amount, parse_decimal
from ..text import fold
from .cell import Cell

MAX_LABEL_CHARS = 40


def header_roles(cells: list[str], header: dict[str, str]) -> list[str | None]:
    return [header.get(fold(cell)) if len(cell) <= MAX_LABEL_CHARS else None for cell in cells]


def is_budget_item_header(cells: list[str]) -> bool:
    roles = header_roles(cells, lexicon.BUDGET_ITEM_HEADER)
    return "item_name" in roles and "amount" in roles


@dataclass
class BudgetItemTable:
    """项目构成分解 / 子项目 lines, positioned by their header; a 合计 row is a check, not an item."""

    roles: list[str | None]
    form_seq: int
    issues: list[Issue]
    items: list[BudgetItem] = field(default_factory=list)

    @classmethod
    def from_header(
        cls, cells: list[str], form_seq: int, issues: list[Issue], items: list[BudgetItem]
    ) -> BudgetItemTable:
        return cls(header_roles(cells, lexicon.BUDGET_ITEM_HEADER), form_seq, issues, items)

    def read_row(self, cells: list[str], line_no: int) -> bool:
        """Read one row; False when the row is not a budget line (the table has ended)."""
        values: dict[str, str] = {}
        for role, cell in zip(self.roles, cells, strict=False):
            if role and cell and role not in values:
                values[role] = cell
        if cells and "合计" in fold(cells[0]):
            self._check_total(values.get("amount"), line_no)
            return False
        if not values.get("item_name"):
            return False
        amount = parse_amount(values.get("amount"))
        self.items.append(
            BudgetItem(
                item_name=values["item_name"],
                amount=amount.value if amount else None,
                line_no=line_no,
                item_group=values.get("item_group"),
                unit_price=parse_decimal(values.get("unit_price")),
                quantity=parse_decimal(values.get("quantity")),
                note=values.get("note"),
            )
        )
        return True

    def _check_total(self, printed: str | None, line_no: int) -> None:
        total = parse_amount(printed)
        summed = sum((item.amount or Decimal(0)) for item in self.items)
        if total and total.value != summed:
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "budget_items_total_mismatch",
                    f"budget lines sum to {summed} but 合计 prints {total.value}",
                    line_no,
                    self.form_seq,
                )
            )


def positional(row: list[Cell]) -> list[str]:
    """A separated row's cells at their columns, empty cells as ""."""
    texts = [""] * (max(cell.col for cell in row) + 1)
    for cell in row:
        texts[cell.col] = (texts[cell.col] + cell.text) if texts[cell.col] else cell.text
    return texts


_AMOUNT_HEADERS = frozenset(word for word, role in lexicon.BUDGET_ITEM_HEADER.items() if role == "amount")


def amount_head_rows(cells: list[Cell]) -> frozenset[int]:
    """The rows holding an amount head (金额, 明细金额): a budget-line header can start only there,
    so a reader asks ``item_header_at`` of their cells alone, not of every row's."""
    return frozenset([cell.row for cell in cells if cell.key in _AMOUNT_HEADERS])


def item_header_at(cells: list[Cell], k: int) -> bool:
    """Cell k starts a budget-line header row (its row holds 项目明细/子项目名称 and 明细金额)."""
    if cells[k].col < 0 or (k and cells[k - 1].row == cells[k].row) or not _has_amount_header(cells, k):
        return False
    row = [cell.text for cell in cells[k : k + 16] if cell.row == cells[k].row]
    return any("金额" in text for text in row) and is_budget_item_header(row)


def _has_amount_header(cells: list[Cell], k: int) -> bool:
    row = cells[k].row
    for cell in cells[k : k + 16]:
        if cell.row != row:
            return False
        if cell.key in _AMOUNT_HEADERS:
            return True
    return False


def read_items(cells: list[Cell], k: int, form_seq: int, issues: list[Issue], items: list[BudgetItem]) -> int:
    """Read the budget-line table whose header row starts at cell k; the index after it."""
    rows: list[list[Cell]] = []
    for cell in cells[k:]:
        if cell.col < 0:
            break
        if rows and rows[-1][0].row == cell.row:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    table = BudgetItemTable.from_header(positional(rows[0]), form_seq, issues, items)
    end = k + len(rows[0])
    for row in rows[1:]:
        texts = positional(row)
        more = table.read_row(texts, row[0].line_no)
        if more or "合计" in fold(texts[0]):  # the 合计 row is the table's; any other row is not
            end += len(row)
        if not more:
            break
    return end
