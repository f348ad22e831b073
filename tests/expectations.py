"""Hand-verified expectations for the sample documents, and a comparison of a parse against them.

An expectation file (``tests/expected/<document stem>.json``, format in ``tests/expected/README.md``)
holds what a person read in the source text: every form, every indicator, every budget line. This
module loads such a file and compares a parsed ``ingest.model.Document`` with it, returning a list
of human-readable differences (empty when the parse matches). It never imports the parser, so the
same comparison serves the tests and any accuracy report.

Only keys present in the expectation are compared: a form's ``"note"`` key on an indicator, or the
self-evaluation figures, are checked where an expectation file gives them and ignored where it does
not. A key present with ``null`` means "the form does not state this" and the parse must give None.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from ingest.model import FIGURE_FIELDS

EXPECTED_DIR = Path(__file__).resolve().parent / "expected"

# Form attributes compared as text / plain values (None must stay None).
FORM_VALUE_FIELDS = (
    "form_type",
    "fiscal_year",
    "unit_name",
    "supervisor_name",
    "project_name",
    "project_category",
    "amount_unit",
    "grade",
    "is_complete",
)
# Form attributes compared as Decimal: "26470288" equals Decimal("26470288.00").
FORM_DECIMAL_FIELDS = FIGURE_FIELDS
# Where the form sits in the source; compared only when asked (see compare_form).
FORM_LOCATION_FIELDS = ("line_start", "line_end")

INDICATOR_VALUE_FIELDS = ("level1", "level2", "name", "target", "actual", "deviation_reason", "note")
INDICATOR_DECIMAL_FIELDS = ("weight", "score")

BUDGET_ITEM_VALUE_FIELDS = ("item_group", "item_name", "note")
BUDGET_ITEM_DECIMAL_FIELDS = ("amount", "unit_price", "quantity")


def expectation_path(document: str) -> Path:
    """Path of the expectation file for a sample document name ("000_cce70094bf5820ab.txt" or its stem)."""
    return EXPECTED_DIR / f"{Path(document).stem}.json"


def available_expectations() -> list[Path]:
    """Every expectation file in tests/expected, sorted by name."""
    return sorted(EXPECTED_DIR.glob("*.json"))


def load_expectation(document: str | Path) -> dict[str, Any]:
    """Load one expectation: a document name, its stem, or a path to the JSON file itself."""
    path = Path(document)
    if path.suffix != ".json" or not path.exists():
        path = expectation_path(str(document))
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def form_label(expected_form: dict[str, Any]) -> str:
    """How a difference names a form: "form 23 (上海市房屋管理局 / 房屋物业管理监督管理)"."""
    names = [n for n in (expected_form.get("unit_name"), expected_form.get("project_name")) if n]
    detail = " / ".join(names) if names else "no unit or project name"
    return f"form {expected_form['seq']} ({detail})"


def compare_document(document: Any, expected: dict[str, Any], *, check_location: bool = False) -> list[str]:
    """All differences between a parsed Document and its expectation, form by form in order."""
    differences: list[str] = []
    forms = list(document.forms)
    expected_forms = expected["forms"]
    if len(forms) != expected["n_forms"]:
        differences.append(f"number of forms: expected {expected['n_forms']}, got {len(forms)}")
    for position, expected_form in enumerate(expected_forms):
        if position >= len(forms):
            differences.append(f"{form_label(expected_form)}: missing from the parse")
            continue
        differences.extend(compare_form(forms[position], expected_form, check_location=check_location))
    for position, extra in enumerate(forms[len(expected_forms) :], start=len(expected_forms) + 1):
        differences.append(
            f"unexpected form at position {position} "
            f"(line {getattr(extra, 'line_start', '?')}, project {getattr(extra, 'project_name', None)!r})"
        )
    return differences


def compare_form(form: Any, expected_form: dict[str, Any], *, check_location: bool = False) -> list[str]:
    """Differences between one parsed Form and one expected form, each prefixed with the form's label."""
    label = form_label(expected_form)
    differences = [
        f"{label}: {d}" for d in _compare_fields(form, expected_form, FORM_VALUE_FIELDS, FORM_DECIMAL_FIELDS)
    ]
    if check_location:
        for field in FORM_LOCATION_FIELDS:
            if field in expected_form and getattr(form, field, None) != expected_form[field]:
                differences.append(
                    f"{label}: {field}: expected {expected_form[field]!r}, got {getattr(form, field, None)!r}"
                )
    if "indicators" in expected_form:
        differences.extend(
            f"{label}: {d}"
            for d in _compare_rows(
                "indicator",
                list(form.indicators),
                expected_form["indicators"],
                INDICATOR_VALUE_FIELDS,
                INDICATOR_DECIMAL_FIELDS,
            )
        )
    if "budget_items" in expected_form:
        differences.extend(
            f"{label}: {d}"
            for d in _compare_rows(
                "budget item",
                list(form.budget_items),
                expected_form["budget_items"],
                BUDGET_ITEM_VALUE_FIELDS,
                BUDGET_ITEM_DECIMAL_FIELDS,
            )
        )
    return differences


def _compare_fields(
    actual: Any, expected: dict[str, Any], value_fields: tuple[str, ...], decimal_fields: tuple[str, ...]
) -> list[str]:
    differences = []
    for field in value_fields:
        if field not in expected:
            continue
        got = _plain(getattr(actual, field, None))
        if got != expected[field] or type(got) is not type(expected[field]):
            differences.append(f"{field}: expected {expected[field]!r}, got {got!r}")
    for field in decimal_fields:
        if field not in expected:
            continue
        problem = _decimal_difference(getattr(actual, field, None), expected[field])
        if problem:
            differences.append(f"{field}: {problem}")
    return differences


def _compare_rows(
    kind: str,
    actual_rows: list[Any],
    expected_rows: list[dict[str, Any]],
    value_fields: tuple[str, ...],
    decimal_fields: tuple[str, ...],
) -> list[str]:
    """Compare two ordered lists of rows; aligns them so one missing row reads as one difference."""
    differences = []
    if len(actual_rows) != len(expected_rows):
        differences.append(f"number of {kind}s: expected {len(expected_rows)}, got {len(actual_rows)}")
    # Align on the fields every expected row gives; per-row extras are still checked in _compare_fields.
    fields = [f for f in (*value_fields, *decimal_fields) if all(f in row for row in expected_rows)]
    expected_keys = [
        tuple(_key(_expected_value(row[f], f in decimal_fields)) for f in fields) for row in expected_rows
    ]
    actual_keys = [tuple(_key(_plain(getattr(row, f, None))) for f in fields) for row in actual_rows]
    matcher = difflib.SequenceMatcher(a=expected_keys, b=actual_keys, autojunk=False)
    for tag, e_start, e_end, a_start, a_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and e_end - e_start == a_end - a_start:
            for e_index, a_index in zip(range(e_start, e_end), range(a_start, a_end), strict=True):
                row_differences = _compare_fields(
                    actual_rows[a_index], expected_rows[e_index], value_fields, decimal_fields
                )
                if not row_differences:
                    continue
                differences.append(
                    f"{kind} {e_index + 1} ({_describe(expected_rows[e_index])}): "
                    + "; ".join(row_differences)
                )
            continue
        for e_index in range(e_start, e_end):
            differences.append(f"{kind} {e_index + 1} missing: {_describe(expected_rows[e_index])}")
        for a_index in range(a_start, a_end):
            row = actual_rows[a_index]
            shown = {f: _plain(getattr(row, f, None)) for f in fields}
            line = getattr(row, "line_no", None)
            differences.append(f"unexpected {kind} at position {a_index + 1} (line {line}): {shown}")
    return differences


def _describe(row: dict[str, Any]) -> str:
    if "name" in row:
        return f"{row.get('level1')} / {row.get('level2')} / {row['name']} = {row.get('target')}"
    return f"{row.get('item_group')} / {row.get('item_name')} = {row.get('amount')}"


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _expected_value(value: Any, is_decimal: bool) -> Any:
    return Decimal(value) if is_decimal and value is not None else value


def _key(value: Any) -> Any:
    """A row value as the aligner sees it: Decimals by value (46 == 46.00), anything else by type and value."""
    if isinstance(value, Decimal):
        return ("decimal", value.normalize())
    return (type(value).__name__, value)


def _decimal_difference(got: Any, expected: str | None) -> str | None:
    if expected is None:
        return None if got is None else f"expected None (not stated), got {got!r}"
    if got is None:
        return f"expected {expected}, got None"
    if not isinstance(got, Decimal):
        return f"expected Decimal {expected}, got {type(got).__name__} {got!r}"
    if got != Decimal(expected):
        return f"expected {expected}, got {got}"
    return None
