"""Typed values in form cells: amounts, rates, scores, targets, and runs of values printed together.

A cell is never guessed at in isolation when the form says more: ``split_run`` offers every way a
run of digits printed without separators ("202010100.00%10") can be cut, and the callers keep the
cut that the form's own arithmetic confirms.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal, InvalidOperation

from .. import lexicon
from ..memo import memo
from ..model import Issue, Severity
from ..numbers import parse_amount
from ..text import normalize_nfkc
from ..traditional import simplified
from .vocabulary import OPERATOR_WORDS, TARGET_PHRASES, VALUE_UNITS

OPERATORS = "".join(sorted(lexicon.TARGET_OPERATORS))
_OP = f"[{re.escape(OPERATORS)}]"
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # "6,345,750": thousands stay one number
# a unit may be counted in ten thousands: "2.6万平方米", "3万亩" (万 alone is a unit too: "20万")
_UNITS = "(?:万(?!万))?(?:" + "|".join(re.escape(unit) for unit in VALUE_UNITS) + ")"
# A unit printed with its budget code and no label ("207101天津市河北区人民法院")
CODED_UNIT = re.compile(r"^\d{6,}[-_—]?[\u4e00-\u9fff]{4,40}$")
_PER = rf"(?:/(?:{_UNITS}|[\u4e00-\u9fff])){{0,3}}"  # a rate's per-units: "1130元/月/人", "71.86元/平方米"
# One printed value: an optional comparison sign, a number, an optional unit ("≥95%", "20万元", "10").
VALUE_ATOM = re.compile(rf"{_OP}*(?:{_NUMBER})(?:(?:{_UNITS}){_PER})?")
_PHRASES = "|".join(re.escape(p) for p in TARGET_PHRASES)
# A value or a qualitative target ("显著提升") at a position of a run-together row.
# a year and a month: "1346.0088万平方米" is a figure, not the year 1346 and a month 00
_DAY = r"(?:19|20)\d{2}[.\-/](?:1[0-2]|0?[1-9])(?:[.\-/]\d{1,2}(?!\d))?(?!\d)"
# A date or a period: "2021年12月31日", "2023.07-2024.01" (the range before its first date).
_MONTH = r"\d{4}年\d{1,2}月(?:\d{1,2}日)?"
# a range's dash may be doubled or a dash of another width ("2020年1月--2020年11月", "1月—12月")
_TO = r"(?:--|[-~至—–－])"
# or a year's end alone ("2023年底")
_DATE = (
    rf"{_MONTH}(?:{_TO}(?:\d{{4}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?)?(?:前|底)?|{_DAY}{_TO}{_DAY}|{_DAY}"
    r"|\d{4}年(?:底|末)(?:前)?"
)
# Comparisons written as words before a figure: "小于5次", "不低于90%".
_OP_WORDS = "|".join(sorted(OPERATOR_WORDS, key=len, reverse=True))
ATOM = re.compile(
    rf"(?:(?:{_OP_WORDS})(?=\d))?{_OP}*(?:{_DATE}|{_NUMBER}(?:[-~至]{_NUMBER})?(?:(?:{_UNITS}){_PER})?|{_PHRASES})"
)
_PLAIN_NUMBER = re.compile(rf"^[-+]?{_NUMBER}$")
_RATE = re.compile(rf"^({_NUMBER})%$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_BLANKS = frozenset(
    {"", "-", "—", "--", "/", "—-", "无", "——", "……", "…", "...", "......"}
)  # …… a template's unfilled row


@memo(1 << 15)  # pure, and asked of the same cell texts again and again
def nfkc(text: str) -> str:
    return normalize_nfkc(text)


# A budget code before a name: "[015001]…", "【812033】…", "(433001)…", "51000021R…-…", "219-…", "207101某法院";
# its brackets and digits also full width ("（433001）", "【８１２０３３】"), as a Chinese input mode types them.
_CODE_PREFIX = re.compile(
    r"^(?:[\[(【（][0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+[\])】）]|[0-9A-Z０-９Ａ-Ｚ]{6,}[-_—\s]+|\d{3,}[-_—]|\d{2}[-_—](?=[\u3400-\u9fff])|\d{6,9}(?=[\u3400-\u9fff]))"
)


def strip_code(text: str) -> str:
    return _CODE_PREFIX.sub("", text)


@memo(1 << 15)
def number(text: str | None) -> Decimal | None:
    """A plain printed number ("1,125.00", "10") as Decimal; None for anything else."""
    if text is None:
        return None
    cleaned = re.sub(r"(?<=\d),(?=\d{3})", "", nfkc(text)).replace(" ", "")
    if not _PLAIN_NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


@memo(1 << 15)
def rate(text: str | None) -> Decimal | None:
    """'100.00%' → 100.00 (percent as printed)."""
    if text is None:
        return None
    match = _RATE.match(nfkc(text).replace(" ", ""))
    return Decimal(match.group(1)) if match else None


@memo(1 << 15)
def is_figure(text: str) -> bool:
    """A cell that is one figure: a number, a percentage, or an amount ("250万", "1,125.00")."""
    text = nfkc(text).replace(" ", "")
    return number(text) is not None or rate(text) is not None or parse_amount(text) is not None


@memo(1 << 15)  # asked of every candidate name and value of every row
def is_blank(text: str | None) -> bool:
    return text is None or nfkc(text).strip() in _BLANKS


def is_operator(text: str) -> bool:
    stripped = text.replace(" ", "")
    return bool(stripped) and all(ch in OPERATORS for ch in stripped)


_UNIT_NOTE = re.compile(r"(?<=.)\([\u4e00-\u9fff]{1,6}\)$")
_COMPOUND_UNIT = re.compile(r"^[^\d\s/]{1,3}/[^\d\s/]{1,2}$")  # 万元/人, 人/次, 次/年


def is_known_unit(text: str) -> bool:
    text = simplified(nfkc(text).strip())  # 萬元 is 万元
    return text in VALUE_UNITS or bool(_COMPOUND_UNIT.match(text))


@memo(1 << 15)
def is_unit(text: str) -> bool:
    text = simplified(nfkc(text).strip())  # 萬元 is 万元
    text = _UNIT_NOTE.sub("", text)  # "%(百分比)": Hebei's unit with its description
    if text in VALUE_UNITS or _COMPOUND_UNIT.match(text):
        return True
    return len(text) <= 3 and not re.search(r"\d", text) and bool(_HAN.search(text))


# Words closed by their measure's unit in brackets: "补助面积(万亩)", "参保人数(人)"
_NAME_WITH_UNIT = re.compile(r"[\u4e00-\u9fff][(（]([^()（）\d]{1,4})[)）]$")


def is_name_with_unit(text: str) -> bool:
    """An indicator's name as a sheet's name column prints it, its unit in brackets and no figure
    anywhere: a name, never a value (a target states its figure: "≥5万亩")."""
    folded = nfkc(text).strip()
    unit = _NAME_WITH_UNIT.search(folded)
    if unit is None or re.search(r"\d", folded):
        return False
    return is_known_unit(unit[1]) or unit[1][:1] in "万千百" and is_known_unit(unit[1][1:])


@memo(1 << 15)
def looks_like_target(text: str) -> bool:
    """A target or result value: a sign, a number, a percentage, a date, or a known qualitative word."""
    folded = nfkc(text).replace(" ", "")
    if not folded:
        return False
    if folded[0] in OPERATORS or folded[0].isdigit():
        return True
    return simplified(folded) in TARGET_PHRASES or folded.endswith("%")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def split_run(run: str, count: int) -> list[list[str]]:
    """Every way to cut a run of numbers printed without separators into ``count`` numbers.

    "202010100.00%10" into 5 gives, among others, ["20", "20", "10", "100.00%", "10"]. Numbers
    keep a "%" that follows them; no number starts with a 0 unless it is 0 or 0.x.
    """
    run = nfkc(run).replace(" ", "")
    if count <= 0:
        return []
    if count == 1:
        return [[run]] if _valid_piece(run) else []
    if "," in run:  # thousands separators: printed by a template with a fixed number of decimals
        cut = _CENTS.findall(run)
        return [cut] if "".join(cut) == run and len(cut) == count and all(map(_valid_piece, cut)) else []
    if len(run) > 40:
        return []
    cuts: list[list[str]] = []
    for positions in itertools.combinations(range(1, len(run)), count - 1):
        bounds = (0, *positions, len(run))
        pieces = [run[a:b] for a, b in itertools.pairwise(bounds)]
        if all(_valid_piece(piece) for piece in pieces):
            cuts.append(pieces)
            if len(cuts) > 2000:
                break
    return cuts


# a number with two decimals and maybe its %: "330,000.00329,998.6010.00" cuts after each cent
_CENTS = re.compile(r"[\d,]+\.\d{2}%?")


def _valid_piece(piece: str) -> bool:
    body = piece[:-1] if piece.endswith("%") else piece
    if not re.fullmatch(_NUMBER, body):
        return False
    return not (len(body) > 1 and body[0] == "0" and body[1] != ".")


def is_number_run(text: str) -> bool:
    """Digits, dots, thousands commas and percent signs only: possibly several numbers printed together."""
    return bool(re.fullmatch(r"[\d.,%]+", nfkc(text).replace(" ", ""))) and any(c.isdigit() for c in text)


_TWO_FIGURES = re.compile(
    r"\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s+(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*"
)


def is_two_figures(text: str) -> bool:
    """Two whole figures in one cell ("850,000 850,000"), not one an OCR split apart ("2,594.8 4")."""
    if not _TWO_FIGURES.fullmatch(text):
        return False
    first, second = text.split()
    return all("," in part or "." in part or len(part) >= 3 for part in (first, second))


# --- a target printed in three cells (指标性质 | 指标值 | 度量单位) ------------------------------------
def compose_target(operator: str | None, value: str | None, unit: str | None) -> str | None:
    """A target printed in three cells (指标性质 / 指标值 / 度量单位) as one printed text.

    '≥', '95', '%' → '≥95%'. An 指标性质 that is a word (定性, 定量, 正向指标) is not part of the
    target; a unit the value already ends with is not repeated. No 指标值, no target.
    """
    value = (value or "").strip()
    if not value:
        return None
    sign = (operator or "").replace(" ", "")
    signs = re.sub(
        r"^\d{3}(?=\D)", "", sign
    )  # "004 >=": Yunnan's system prints the nature's code; kept as printed
    prefix = sign if signs and all(ch in lexicon.TARGET_OPERATORS for ch in signs) else ""
    suffix = (unit or "").strip()
    if suffix in ("无", "/", "-") or suffix and value.endswith(suffix):  # 度量单位 "无": no unit
        suffix = ""
    return f"{prefix}{value}{suffix}"


def target_composed_issue(
    name: str, parts: list[str], target: str | None, line_no: int, form_seq: int
) -> Issue:
    """The info issue for a target put together from its 指标性质 / 指标值 / 度量单位 cells."""
    shown = " | ".join(part or "(blank)" for part in parts)
    dropped = parts[0] and not (target or "").startswith(parts[0].replace(" ", ""))
    note = f"; 指标性质 {parts[0]!r} is not a sign and is left out" if dropped else ""
    return Issue(
        Severity.INFO,
        "target_composed",
        f"{name!r}: target printed in three cells (指标性质 | 指标值 | 度量单位: {shown}), read as {target!r}{note}",
        line_no,
        form_seq,
    )
