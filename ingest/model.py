"""The one document model every parser returns and the loader writes.

Field names follow the raw contract (CONTRACT.md): a ``Form`` becomes a ``raw.projects`` row, an
``Indicator`` a ``raw.indicators`` row, a ``BudgetItem`` a ``raw.budget_items`` row and an
``Issue`` a ``raw.parse_issues`` row. Amounts stay in the unit the form states (``amount_unit``);
staging converts them to yuan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

UNKNOWN = "unknown"  # a document's layout when no layout family is detected (detect.py)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FormType(StrEnum):
    TARGET = "target"  # 绩效目标表 / 绩效目标申报表
    SELF_EVAL = "self_eval"  # 项目支出绩效自评表


class Status(StrEnum):
    PARSED = "parsed"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass
class Issue:
    severity: Severity
    code: str
    message: str
    line_no: int | None = None
    form_seq: int | None = None  # 1-based form this issue belongs to, None for the whole document


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    name: str
    target: str | None
    line_no: int
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_reason: str | None = None
    note: str | None = None  # 备注
    source_ref: str | None = None  # where a binary file holds the row ("Sheet1!C14"); None for text


@dataclass
class BudgetItem:
    item_name: str
    amount: Decimal | None
    line_no: int
    item_group: str | None = None  # 项目内容: the heading the line sits under
    unit_price: Decimal | None = None
    quantity: Decimal | None = None
    note: str | None = None


# Form attributes that hold amounts of money (Decimal, in the form's amount_unit).
AMOUNT_FIELDS = (
    "budget_total",
    "budget_current",
    "prior_year_budget",
    "prior_year_executed",
    "initial_budget",
    "full_year_budget",
    "executed",
)
# Form attributes that hold printed figures: the amounts, then a rate and a score as printed.
FIGURE_FIELDS = (*AMOUNT_FIELDS, "execution_rate_stated", "total_score")


@dataclass
class Form:
    form_type: FormType
    line_start: int
    line_end: int
    fiscal_year: int | None = None
    unit_name: str | None = None
    supervisor_name: str | None = None
    project_name: str | None = None
    project_category: str | None = None
    amount_unit: str | None = None  # 元 or 万元
    budget_total: Decimal | None = None
    budget_current: Decimal | None = None
    prior_year_budget: Decimal | None = None
    prior_year_executed: Decimal | None = None
    initial_budget: Decimal | None = None
    full_year_budget: Decimal | None = None
    executed: Decimal | None = None
    execution_rate_stated: Decimal | None = None
    total_score: Decimal | None = None
    grade: str | None = None
    is_complete: bool = True
    source_ref: str | None = None  # where the form starts in a binary file ("Sheet1!A1"); None for text
    indicators: list[Indicator] = field(default_factory=list)
    budget_items: list[BudgetItem] = field(default_factory=list)


@dataclass
class Document:
    document_id: str  # sha256 of the bytes
    source_path: str
    byte_size: int
    encoding: str | None
    layout: str
    file_format: str = "text"  # text, xlsx, docx, html, pdf, image … (ingest/formats)
    forms: list[Form] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if not self.forms:
            return Status.FAILED
        incomplete = any(not form.is_complete for form in self.forms)
        has_error = any(issue.severity is Severity.ERROR for issue in self.issues)
        return Status.PARTIAL if incomplete or has_error else Status.PARSED
