"""Accuracy report: the warehouse's raw layer against hand-verified answers, in two formats.

**Expectation files** (format: tests/expected/README.md) name a document by file name. Their forms
are matched to the forms the warehouse holds for the newest document ingested under that name,
by project name (or, for forms without one, by position), then counted:

- forms found / expected, and spurious forms (found, matching no expected form);
- budget fields exactly right: every amount, the execution rate, total score, year, unit and form type;
- indicator recall (expected rows found by name), and of those, rows whose target and 一级/二级 are right.

**Gold files** (``*.gold.json``, format: tests/real/shared/README.md) are the hand-typed answers for
real documents. They are scored with exactly the semantics of the independent scorer
(tests/real/score_real.py, a verbatim copy of the shared tool the hidden real documents are scored
with), so the two give the same figures: forms matched by fuzzy project name, amounts compared in
yuan within 0.5, indicators matched by name similarity, and end-to-end figures in which a missed
form counts all its fields and indicators as wrong.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from .model import AMOUNT_FIELDS, FIGURE_FIELDS

BUDGET_FIELDS = (*FIGURE_FIELDS, "fiscal_year", "unit_name", "form_type")
DECIMAL_FIELDS = frozenset(FIGURE_FIELDS)


@dataclass
class DocumentScore:
    document: str
    forms_expected: int = 0
    forms_found: int = 0
    forms_spurious: int = 0
    forms_parsed: int = 0  # forms the warehouse holds for the document
    fields_total: int = 0  # end to end: the fields of a missed form count too
    fields_right: int = 0
    indicators_expected: int = 0  # end to end: the indicators of a missed form count too
    indicators_found: int = 0
    indicators_right: int = 0  # found, with the target and 一级/二级 right
    # Gold files only (score_real.py's figures): fields compared on found forms, expected
    # indicators of found forms, indicators the warehouse holds for found forms, and found
    # indicators whose target (resp. 一级/二级) is right.
    fields_checked: int = 0
    indicators_of_found_forms: int = 0
    indicators_parsed: int = 0
    targets_right: int = 0
    levels_right: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: DocumentScore) -> None:
        for f in fields(self):
            if f.type == "int":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


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
    score.forms_parsed = len(found)
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


def expectation_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, dict]], list[tuple[Path, dict]]]:
    """The expectation files and the gold files among paths: files, or folders (their ``*.json``, not recursive).

    A file is a gold file when it is named ``*.gold.json`` or holds ``file`` and ``projects``; an
    expectation file when it holds ``document`` and ``forms``. Other JSON files are passed over.
    """
    expectations: list[tuple[Path, dict]] = []
    golds: list[tuple[Path, dict]] = []
    for given in paths:
        path = Path(given)
        for file in sorted(path.glob("*.json")) if path.is_dir() else [path]:
            content = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(content, dict):
                continue
            if file.name.endswith(".gold.json") or {"file", "projects"} <= content.keys():
                golds.append((file, content))
            elif {"document", "forms"} <= content.keys():
                expectations.append((file, content))
    return expectations, golds


def accuracy_report(
    db_path: Path, expected: str | Path | Iterable[str | Path]
) -> tuple[list[DocumentScore], DocumentScore]:
    """One score per expectation file (a folder of them, or several files and folders), and their total.

    Gold files among them are left out: gold_report scores those.
    """
    paths = [expected] if isinstance(expected, str | Path) else list(expected)
    files, _ = expectation_files(paths)
    with duckdb.connect(str(db_path), read_only=True) as con:
        scores = [score_document(con, content) for _, content in files]
    return scores, _total(scores)


def _total(scores: list[DocumentScore]) -> DocumentScore:
    total = DocumentScore("TOTAL")
    for score in scores:
        total.add(score)
    return total


def _document_table(
    scores: list[DocumentScore],
    total: DocumentScore,
    extra: list[tuple[str, int, Callable[[DocumentScore], str]]],
    verbose: bool,
) -> list[str]:
    """One line per document and a TOTAL line: forms, spurious forms, budget fields, indicator
    recall, then the report's own columns (title, width, cell)."""
    width = max(len(score.document) for score in [*scores, total]) + 2
    header = (
        f"{'document':<{width}} {'forms':>9} {'spurious':>8} {'budget fields':>14} {'indicator recall':>17}"
    )
    header += "".join(f" {title:>{size}}" for title, size, _ in extra)
    lines = [header, "-" * len(header)]
    for score in [*scores, total]:
        lines.append(
            f"{score.document:<{width}} {score.forms_found:>4}/{score.forms_expected:<4} {score.forms_spurious:>8} "
            f"{_pct(score.fields_right, score.fields_total):>14} "
            f"{_pct(score.indicators_found, score.indicators_expected):>17}"
            + "".join(f" {cell(score):>{size}}" for _, size, cell in extra)
        )
        if verbose:
            lines += [f"    {problem}" for problem in score.problems]
    return lines


def format_report(scores: list[DocumentScore], total: DocumentScore, verbose: bool = False) -> list[str]:
    right = ("target+level ok", 16, lambda s: _pct(s.indicators_right, s.indicators_found))
    return _document_table(scores, total, [right], verbose)


# --- gold files: real documents, scored as tests/real/score_real.py scores them --------------------

# The amounts of a gold form (in yuan), compared with the warehouse's after converting 万元.
GOLD_AMOUNTS = AMOUNT_FIELDS  # the gold names its amounts as the document model does
AMOUNT_TOLERANCE = Decimal("0.5")  # yuan
SCALAR_TOLERANCE = 0.006  # execution rate (percent) and total score
FORM_MATCH = 0.75  # project-name similarity a form needs to be matched
INDICATOR_MATCH = 0.8  # indicator-name similarity a row needs to be matched


def gold_norm(text: object) -> str | None:
    """Text as the gold comparison sees it: NFKC, no whitespace, one spelling of brackets and signs."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text)
    text = text.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    text = text.replace("＞", ">").replace("＜", "<").replace("≧", "≥").replace("≦", "≤")
    return text.replace(">=", "≥").replace("<=", "≤")


def gold_label(text: object) -> str | None:
    """一级/二级 labels compare without their 目标/指标 suffix: 产出目标 == 产出指标 == 产出."""
    text = gold_norm(text)
    if not text:
        return None
    return re.sub(r"(目标|指标)$", "", text)


def gold_similarity(a: object, b: object) -> float:
    a, b = gold_norm(a) or "", gold_norm(b) or ""
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _to_yuan(value: Any, unit: str | None) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(str(value))
    return value * 10000 if unit == "万元" else value


def _amount_ok(gold: Any, parsed: Decimal | None) -> bool:
    if gold is None or parsed is None:
        return gold is None and parsed is None
    return abs(Decimal(str(gold)) - parsed) <= AMOUNT_TOLERANCE


def _scalar_ok(gold: Any, parsed: Any) -> bool:
    if gold is None or parsed is None:
        return gold is None and parsed is None
    return abs(float(gold) - float(parsed)) < SCALAR_TOLERANCE


def _gold_checks(gold: dict, form: dict, lenient_total: bool) -> list[tuple[str, Any, Any, Callable]]:
    """(field, gold value, warehouse value, comparison) for every budget field of a matched form."""
    checks: list[tuple[str, Any, Any, Callable]] = [
        ("fiscal_year", gold.get("fiscal_year"), form.get("fiscal_year"), lambda g, p: p is not None and int(p) == int(g)),
        ("form_type", gold.get("form_type"), form.get("form_type"), lambda g, p: g == p),
    ]  # fmt: skip
    if gold.get("unit_name"):
        checks.append(
            ("unit_name", gold["unit_name"], form.get("unit_name"), lambda g, p: gold_norm(g) == gold_norm(p))
        )
    unit = form.get("amount_unit")
    for name in GOLD_AMOUNTS:
        want, got = gold.get(name), _to_yuan(form.get(name), unit)
        if lenient_total and name in ("budget_total", "budget_current"):
            # A form that prints one annual figure: either field may hold it.
            other = _to_yuan(form.get("budget_current" if name == "budget_total" else "budget_total"), unit)
            if want is None and got is not None and other is not None and got == other:
                got = None
            elif want is not None and (got is None or abs(Decimal(str(want)) - got) > AMOUNT_TOLERANCE):
                got = other
        checks.append((name, want, got, _amount_ok))
    checks.append(
        ("execution_rate_pct", gold.get("execution_rate_pct"), form.get("execution_rate_stated"), _scalar_ok)
    )
    checks.append(("total_score", gold.get("total_score"), form.get("total_score"), _scalar_ok))
    return checks


def _match_gold_form(gold: dict, forms: list[dict], used: set[int]) -> int | None:
    """The best unused form by project name (a different year halves the likeness), else by position.

    Position is used only for a form whose name the text does not show (project_name_in_text false).
    """
    best, best_similarity = None, 0.0
    for k, form in enumerate(forms):
        if k in used:
            continue
        similarity = (
            gold_similarity(gold.get("project_name"), form.get("project_name"))
            if gold.get("project_name")
            else 0.0
        )
        if (
            gold.get("fiscal_year")
            and form.get("fiscal_year")
            and int(form["fiscal_year"]) != int(gold["fiscal_year"])
        ):
            similarity *= 0.5
        if similarity > best_similarity:
            best, best_similarity = k, similarity
    if best_similarity >= FORM_MATCH:
        return best
    return next(
        (
            k
            for k, form in enumerate(forms)
            if k not in used and form.get("seq") == gold["seq"] and not gold.get("project_name_in_text", True)
        ),
        None,
    )


def score_gold_document(
    document: str,
    gold_forms: list[dict],
    forms: list[dict] | None,
    indicators: dict[str, list[dict]],
    lenient_total: bool = True,
) -> DocumentScore:
    """One document's gold forms against the warehouse's forms of that file name (None: not ingested)."""
    score = DocumentScore(document)
    if forms is None:
        score.problems.append("not in the warehouse")
        forms = []
    used: set[int] = set()
    for gold in sorted(gold_forms, key=lambda form: form["seq"]):
        seq = gold["seq"]
        score.forms_expected += 1
        best = _match_gold_form(gold, forms, used)
        score.fields_total += 2 + (1 if gold.get("unit_name") else 0) + len(GOLD_AMOUNTS) + 2
        score.indicators_expected += len(gold.get("indicators", []))
        if best is None:
            score.problems.append(f"form {seq} ({gold.get('project_name')}) not found")
            continue
        used.add(best)
        form = forms[best]
        score.forms_found += 1
        for name, want, got, same in _gold_checks(gold, form, lenient_total):
            score.fields_checked += 1
            try:
                right = same(want, got)
            except Exception:  # a value that cannot be compared is wrong, as in score_real.py
                right = False
            if right:
                score.fields_right += 1
            else:
                score.problems.append(f"form {seq}: {name} expected {want!r}, got {got!r}")
        _score_gold_indicators(score, gold, indicators.get(form["project_key"], []))
    score.forms_parsed = len(forms)
    score.forms_spurious = len(forms) - score.forms_found
    score.problems += [
        f"spurious form {form.get('seq')}: {form.get('project_name')!r} matches no gold form"
        for k, form in enumerate(forms)
        if k not in used
    ]
    return score


def _score_gold_indicators(score: DocumentScore, gold: dict, rows: list[dict]) -> None:
    used: set[int] = set()
    for want in gold.get("indicators", []):
        score.indicators_of_found_forms += 1
        best, best_similarity = None, 0.0
        for k, row in enumerate(rows):
            if k in used:
                continue
            if want.get("name"):
                similarity = gold_similarity(want.get("name"), row.get("name"))
            else:  # the name is lost in the source: match on the target and the 二级
                same_row = gold_norm(want.get("target")) == gold_norm(row.get("target")) and gold_label(
                    want.get("l2")
                ) == gold_label(row.get("level2"))
                similarity = 0.85 if same_row else 0.0
            if similarity > best_similarity:
                best, best_similarity = k, similarity
        if best is None or best_similarity < INDICATOR_MATCH:
            score.problems.append(
                f"form {gold['seq']}: indicator {want.get('name')!r} = {want.get('target')!r} not found"
            )
            continue
        used.add(best)
        row = rows[best]
        score.indicators_found += 1
        target_ok = gold_norm(want.get("target")) == gold_norm(row.get("target"))
        levels_ok = gold_label(want.get("l1")) == gold_label(row.get("level1")) and gold_label(
            want.get("l2")
        ) == gold_label(row.get("level2"))
        score.targets_right += target_ok
        score.levels_right += levels_ok
        score.indicators_right += target_ok and levels_ok
        if not target_ok:
            score.problems.append(
                f"form {gold['seq']}: {want.get('name')!r} target expected {want.get('target')!r}, got {row.get('target')!r}"
            )
        if not levels_ok:
            score.problems.append(
                f"form {gold['seq']}: {want.get('name')!r} 一级/二级 expected {want.get('l1')}/{want.get('l2')}, "
                f"got {row.get('level1')}/{row.get('level2')}"
            )
    score.indicators_parsed += len(rows)
    score.problems += [
        f"form {gold['seq']}: spurious row {row.get('name')!r} = {row.get('target')!r} "
        f"({row.get('level1')}/{row.get('level2')}) matches no gold indicator"
        for k, row in enumerate(rows)
        if k not in used
    ]


def _warehouse_forms(
    con: duckdb.DuckDBPyConnection, names: set[str]
) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Forms of every document ingested under one of these file names, and the indicators of each form.

    Like score_real.py: every document whose source_path ends in the name counts, and rows come in
    the order the tables hold them (which decides between equally good matches).
    """
    documents = {
        document_id: os.path.basename(source_path)
        for document_id, source_path in con.execute(
            "select document_id, source_path from raw.documents"
        ).fetchall()
    }
    wanted = [document_id for document_id, name in documents.items() if name in names]
    cursor = con.execute(
        "select * from raw.projects where document_id in (select unnest(?::varchar[])) order by rowid",
        [wanted],
    )
    columns = [d[0] for d in cursor.description]
    forms: dict[str, list[dict]] = {}
    for values in cursor.fetchall():
        form = dict(zip(columns, values, strict=True))
        forms.setdefault(documents[form["document_id"]], []).append(form)
    cursor = con.execute(
        "select * from raw.indicators where project_key in "
        "(select project_key from raw.projects where document_id in (select unnest(?::varchar[]))) order by rowid",
        [wanted],
    )
    columns = [d[0] for d in cursor.description]
    indicators: dict[str, list[dict]] = {}
    for values in cursor.fetchall():
        row = dict(zip(columns, values, strict=True))
        indicators.setdefault(row["project_key"], []).append(row)
    ingested = set(documents.values())
    return {name: forms.get(name, []) for name in names if name in ingested}, indicators


def gold_report(
    db_path: Path, gold: str | Path | Iterable[str | Path], lenient_total: bool = True
) -> tuple[list[DocumentScore], DocumentScore]:
    """One score per document named by the gold files (a folder of them, or several files and folders), and their total.

    Gold files naming the same document are scored together, as score_real.py does.
    ``lenient_total`` (score_real.py's --lenient-total) accepts a one-figure form's 年度资金总额 in
    budget_total or budget_current.
    """
    paths = [gold] if isinstance(gold, str | Path) else list(gold)
    _, files = expectation_files(paths)
    by_document: dict[str, list[dict]] = {}
    for _, content in files:
        by_document.setdefault(content["file"], []).extend(content["projects"])
    with duckdb.connect(str(db_path), read_only=True) as con:
        forms, indicators = _warehouse_forms(con, set(by_document))
    scores = [
        score_gold_document(name, by_document[name], forms.get(name), indicators, lenient_total)
        for name in sorted(by_document)
    ]
    return scores, _total(scores)


def _ratio(part: int, whole: int) -> float:
    return part / max(whole, 1)


def score_real_lines(scores: list[DocumentScore], total: DocumentScore) -> list[str]:
    """What tests/real/score_real.py prints for these scores (without -v), line for line."""
    lines = [
        f"{s.document}: projects {s.forms_found}/{s.forms_expected} (parsed {s.forms_parsed}), "
        f"fields {s.fields_right}/{s.fields_checked}, indicators {s.indicators_found}/{s.indicators_of_found_forms} "
        f"(parsed {s.indicators_parsed}), targets {s.targets_right}/{s.indicators_found}, "
        f"levels {s.levels_right}/{s.indicators_found}"
        for s in scores
    ]
    t = total
    lines.append(
        f"on matched forms only: field acc {_ratio(t.fields_right, t.fields_checked):.3f} | "
        f"indicator recall {_ratio(t.indicators_found, t.indicators_of_found_forms):.3f} | "
        f"target acc {_ratio(t.targets_right, t.indicators_of_found_forms):.3f} | "
        f"levels acc {_ratio(t.levels_right, t.indicators_of_found_forms):.3f}"
    )
    lines.append(
        f"forms {t.forms_found}/{t.forms_expected}: recall {_ratio(t.forms_found, t.forms_expected):.3f} "
        f"precision {_ratio(t.forms_found, t.forms_parsed):.3f} | end to end: fields "
        f"{_ratio(t.fields_right, t.fields_total):.3f} | indicators {t.indicators_found}/{t.indicators_expected} "
        f"recall {_ratio(t.indicators_found, t.indicators_expected):.3f} precision "
        f"{_ratio(t.indicators_found, t.indicators_parsed):.3f} | targets {_ratio(t.targets_right, t.indicators_expected):.3f} "
        f"| levels {_ratio(t.levels_right, t.indicators_expected):.3f}"
    )
    return lines


def format_gold_report(scores: list[DocumentScore], total: DocumentScore, verbose: bool = False) -> list[str]:
    """Per document, then the summary: every figure end to end (a missed form counts all its fields wrong)."""
    lines = _document_table(
        scores,
        total,
        [
            ("target right", 13, lambda s: _pct(s.targets_right, s.indicators_expected)),
            ("levels right", 13, lambda s: _pct(s.levels_right, s.indicators_expected)),
        ],
        verbose,
    )
    t = total
    rows = [
        ("forms found", t.forms_found, t.forms_expected,
         f"spurious: {t.forms_spurious} of {t.forms_parsed} forms in the warehouse match no gold form"),
        ("budget fields exact", t.fields_right, t.fields_total, "end to end: a missed form's fields count as wrong"),
        ("indicator recall", t.indicators_found, t.indicators_expected,
         f"end to end; {t.indicators_parsed - t.indicators_found} spurious rows on found forms"),
        ("target right", t.targets_right, t.indicators_expected, "of all gold indicators, end to end"),
        ("一级/二级 right", t.levels_right, t.indicators_expected, "of all gold indicators, end to end"),
        ("target and levels", t.indicators_right, t.indicators_found, "of the indicators found"),
    ]  # fmt: skip
    lines.append("")
    for name, part, whole, note in rows:
        pad = 20 - sum(2 if unicodedata.east_asian_width(c) == "W" else 1 for c in name)
        lines.append(f"{name}{' ' * pad} {part:>5}/{whole:<5} {_pct(part, whole)}   {note}")
    lines.append("")
    lines.append("as tests/real/score_real.py prints it:")
    lines += [f"  {line}" for line in score_real_lines(scores, total)[-2:]]
    return lines
