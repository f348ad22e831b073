"""Accuracy report: the warehouse's raw layer against hand-verified expectation files.

Each expectation file (format: tests/expected/README.md) names a document by file name. Its forms
are matched to the forms the warehouse holds for the newest document ingested under that name,
by project name (or, for forms without one, by position), then counted:

- forms found / expected, and spurious forms (found, matching no expected form);
- budget fields exactly right: every amount, the execution rate, total score, year, unit and form type;
- indicator recall (expected rows found by name), and of those, rows whose target and 一级/二级 are right.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from .model import FIGURE_FIELDS

BUDGET_FIELDS = (*FIGURE_FIELDS, "fiscal_year", "unit_name", "form_type")
DECIMAL_FIELDS = frozenset(FIGURE_FIELDS)


@dataclass
class DocumentScore:
    document: str
    forms_expected: int = 0
    forms_found: int = 0
    forms_spurious: int = 0
    fields_total: int = 0
    fields_right: int = 0
    indicators_expected: int = 0
    indicators_found: int = 0
    indicators_right: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: DocumentScore) -> None:
        for name in (
            "forms_expected", "forms_found", "forms_spurious", "fields_total", "fields_right",
            "indicators_expected", "indicators_found", "indicators_right",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _squash(text: object) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


def _same(field_name: str, got: object, expected: object) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if field_name in DECIMAL_FIELDS:
        return Decimal(str(got)) == Decimal(str(expected))
    return str(got) == str(expected)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     – "


def load_found_forms(con: duckdb.DuckDBPyConnection, document_name: str) -> list[dict] | None:
    """Forms (with their indicators) of the newest document ingested under this file name."""
    row = con.execute(
        "select document_id from raw.documents where regexp_extract(source_path, '[^/\\\\]+$') = ? "
        "order by ingested_at desc limit 1",
        [document_name],
    ).fetchone()
    if row is None:
        return None
    cursor = con.execute("select * from raw.projects where document_id = ? order by seq", [row[0]])
    columns = [d[0] for d in cursor.description]
    forms = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    cursor = con.execute(
        "select project_key, level1, level2, name, target from raw.indicators "
        "where project_key in (select project_key from raw.projects where document_id = ?) order by project_key, seq",
        [row[0]],
    )
    by_form: dict[str, list[dict]] = {}
    for key, level1, level2, name, target in cursor.fetchall():
        by_form.setdefault(key, []).append(
            {"level1": level1, "level2": level2, "name": name, "target": target}
        )
    for form in forms:
        form["indicators"] = by_form.get(form["project_key"], [])
    return forms


def match_forms(expected: list[dict], found: list[dict]) -> list[tuple[dict, dict | None]]:
    """Pair each expected form with a found one: same project name first, then the same position."""
    unused = list(found)
    pairs: list[tuple[dict, dict | None]] = []
    for position, form in enumerate(expected):
        match = next(
            (
                f
                for f in unused
                if form.get("project_name") and _squash(f["project_name"]) == _squash(form["project_name"])
            ),
            None,
        )
        if match is None and position < len(found) and found[position] in unused:
            candidate = found[position]
            if not form.get("project_name") or not candidate["project_name"]:
                match = candidate
        if match is not None:
            unused.remove(match)
        pairs.append((form, match))
    return pairs


def score_document(con: duckdb.DuckDBPyConnection, expectation: dict) -> DocumentScore:
    score = DocumentScore(expectation["document"], forms_expected=len(expectation["forms"]))
    found = load_found_forms(con, expectation["document"])
    if found is None:
        score.problems.append("not in the warehouse")
        found = []
    pairs = match_forms(expectation["forms"], found)
    score.forms_spurious = len(found) - sum(1 for _, f in pairs if f is not None)
    for expected_form, form in pairs:
        score.indicators_expected += len(expected_form.get("indicators", []))
        fields = [f for f in BUDGET_FIELDS if f in expected_form]
        score.fields_total += len(fields)
        if form is None:
            score.problems.append(
                f"form {expected_form['seq']} ({expected_form.get('project_name')}) not found"
            )
            continue
        score.forms_found += 1
        for name in fields:
            if _same(name, form.get(name), expected_form[name]):
                score.fields_right += 1
            else:
                score.problems.append(
                    f"form {expected_form['seq']}: {name} expected {expected_form[name]!r}, got {form.get(name)!r}"
                )
        _score_indicators(score, expected_form, form)
    return score


def _score_indicators(score: DocumentScore, expected_form: dict, form: dict) -> None:
    remaining = list(form["indicators"])
    for indicator in expected_form.get("indicators", []):
        match = next((i for i in remaining if _squash(i["name"]) == _squash(indicator["name"])), None)
        if match is None:
            score.problems.append(f"form {expected_form['seq']}: indicator {indicator['name']!r} not found")
            continue
        remaining.remove(match)
        score.indicators_found += 1
        keys = ("target", "level1", "level2")
        if all(_squash(match[k]) == _squash(indicator.get(k)) for k in keys):
            score.indicators_right += 1
        else:
            got = {k: match[k] for k in keys}
            want = {k: indicator.get(k) for k in keys}
            score.problems.append(
                f"form {expected_form['seq']}: {indicator['name']!r} expected {want}, got {got}"
            )


def accuracy_report(db_path: Path, expected_dir: Path) -> tuple[list[DocumentScore], DocumentScore]:
    """One score per expectation file, and their total."""
    files = sorted(Path(expected_dir).glob("*.json"))
    with duckdb.connect(str(db_path), read_only=True) as con:
        scores = [score_document(con, json.loads(path.read_text(encoding="utf-8"))) for path in files]
    total = DocumentScore("TOTAL")
    for score in scores:
        total.add(score)
    return scores, total


def format_report(scores: list[DocumentScore], total: DocumentScore, verbose: bool = False) -> list[str]:
    width = max(len(score.document) for score in [*scores, total]) + 2
    header = (
        f"{'document':<{width}} {'forms':>9} {'spurious':>8} {'budget fields':>14} "
        f"{'indicator recall':>17} {'target+level ok':>16}"
    )
    lines = [header, "-" * len(header)]
    for score in [*scores, total]:
        lines.append(
            f"{score.document:<{width}} {score.forms_found:>4}/{score.forms_expected:<4} {score.forms_spurious:>8} "
            f"{_pct(score.fields_right, score.fields_total):>14} "
            f"{_pct(score.indicators_found, score.indicators_expected):>17} "
            f"{_pct(score.indicators_right, score.indicators_found):>16}"
        )
        if verbose:
            lines += [f"    {problem}" for problem in score.problems]
    return lines
