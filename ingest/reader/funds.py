"""A self-evaluation's figures: the 年度资金总额 row under its column header, and the 总分 row.

When cells are missing (a blank 年初预算数 dropped) or printed together ("202010100.00%10"), every
cut and every placement of the figures under the columns is tried, and the reading the form's own
arithmetic confirms (执行率 = 执行数 / 全年预算数, 得分 = 分值 × 执行率) wins.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from ..numbers import parse_amount
from . import values as v

DEFAULT_COLUMNS = ["initial_budget", "full_year_budget", "executed", "weight", "rate", "score"]
_MAX_COMBINATIONS = 5000
_DIGIT = re.compile(r"\d")


def read_fund_row(columns: list[str], raw: list[tuple[str, bool]]) -> dict[str, Decimal] | None:
    """The row's figures by column meaning; ``raw`` holds (text, may be several figures run together).
    Figures past the columns (the next row's, in text with no row breaks) are left out when no
    reading takes them."""
    columns = columns or DEFAULT_COLUMNS
    for keep in range(len(raw), 0, -1):
        reading = _best_reading(columns, raw[:keep])
        if reading is not None:
            return reading
    return None


def _best_reading(columns: list[str], raw: list[tuple[str, bool]]) -> dict[str, Decimal] | None:
    options: list[list[list[str]]] = []
    for text, splittable in raw:
        if not text:
            options.append([[""]])
            continue
        choices = [[text]] if v.is_figure(text) else []
        if splittable and v.is_number_run(text):
            for count in range(2, len(columns) + 1):
                choices += v.split_run(text, count)
        options.append(choices[:400] or [[text]])
    best: tuple[float, dict] | None = None
    for combo in itertools.islice(itertools.product(*options), _MAX_COMBINATIONS):
        atoms = [a for part in combo for a in part]
        if len(atoms) > len(columns):
            continue
        for placed in itertools.combinations(range(len(columns)), len(atoms)):
            reading = _reading(columns, placed, atoms)
            if reading is None:
                continue
            score = _score(reading) - 0.3 * (len(atoms) - len(raw))
            if best is None or score > best[0]:
                best = (score, reading)
    return best[1] if best else None


def _reading(columns, placed, atoms) -> dict[str, Decimal] | None:
    reading: dict[str, Decimal] = {}
    for position, atom in zip(placed, atoms, strict=True):
        meaning = columns[position]
        if not atom:
            continue
        if meaning == "rate":
            # a rate printed without its % ("20" under 执行率(B/A)) counts only where the arithmetic
            # confirms it (_score)
            value = v.rate(atom)
            if value is None:
                value = v.number(atom)
            if value is None:
                return None
        else:
            if atom.endswith("%"):
                return None
            amount = parse_amount(atom)
            if amount is None:
                return None
            value = amount.value
            if meaning in ("weight", "score") and value > 100:
                return None
        reading[meaning] = value
    return reading


def _score(r: dict[str, Decimal]) -> float:
    score = 0.0
    full, executed, rate = r.get("full_year_budget"), r.get("executed"), r.get("rate")
    base = full if full else r.get("initial_budget")
    if base and executed is not None and rate is not None:
        score += 3.0 if rate_agrees(executed, base, rate) else -3.0
    if rate is not None and (rate > 1000 or -rate.as_tuple().exponent > 2):
        score -= 5.0  # "17601760100%" is no 1 | 7601 | 760100%: a rate is a few hundred at most, two places
    if "weight" in r and "score" in r:
        score += 0.5 if r["score"] <= r["weight"] else -2.0
        if rate is not None and abs(r["score"] - r["weight"] * min(rate, Decimal(100)) / 100) <= Decimal(
            "0.6"
        ):
            score += 1.0
    if r.get("weight") in (Decimal(10), Decimal(5), Decimal(15), Decimal(20)):
        score += 0.2
    score += 0.1 * bool(full) + 0.05 * (executed is not None) + 0.01 * len(r)
    return score


def rate_agrees(executed: Decimal, base: Decimal, rate: Decimal) -> bool:
    """执行率 as printed (a percent, rounded to two places) against 执行数 / 预算数."""
    return bool(base) and abs(executed / base * 100 - rate) <= Decimal("0.6")


def read_total(raw: list[str]) -> tuple[Decimal | None, str | None]:
    """总分 is followed by the weights' sum (100) and the score, or by the score alone, then maybe
    the grade; a run printed together ("100100") is cut where the first part is 100."""
    numbers: list[Decimal] = []
    grade = None
    for text in raw:
        text = text.rstrip("。.;；,， ")  # "得分合计100。": the sentence's full stop
        if not v.has_han(text[:1]) and not _DIGIT.search(text):
            continue
        if v.has_han(text):
            grade = text
            continue
        value = v.number(text)
        if value is not None and value <= 100:
            numbers.append(value)
            continue
        digits = re.match(r"[\d.]*", v.nfkc(text)).group()
        cuts = [c for c in v.split_run(digits, 2) if all(Decimal(x) <= 100 for x in c)]
        cuts.sort(key=lambda c: Decimal(c[0]) != 100)
        if cuts:
            numbers += [Decimal(x) for x in cuts[0]]
    total = numbers[1] if len(numbers) >= 2 else numbers[0] if numbers else None
    return total, grade
