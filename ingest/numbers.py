"""Numbers as printed on the forms, to Decimal. Money is never a float."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .memo import memo

# "26,470,288", "296.00", "2,594.84", "250万", "16万元", "-3.5", "（元）" stripped by the caller.
_AMOUNT = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    unit: str | None  # '万元' when the cell itself says 万 / 万元, '元' when it says 元, else None


_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d)")


def normalise_digits(text: str) -> str:
    """Full-width digits, signs and separators to ASCII (NFKC), thousands separators removed."""
    text = unicodedata.normalize("NFKC", text).replace("萬", "万")  # a mirror's traditional 萬元
    return _THOUSANDS.sub("", text).replace(" ", "").strip()


_BREAKDOWN = re.compile(r"\(其中[^()]*\)$")


@memo(1 << 14)  # pure, its Amount frozen: asked of every figure and candidate cell
def parse_amount(text: str | None) -> Amount | None:
    """An amount cell to Decimal; None for blank cells and for anything that is not a plain number."""
    if text is None:
        return None
    cleaned = normalise_digits(text)
    if not cleaned or cleaned in {"-", "—", "--", "/", "无"}:
        return None
    if cleaned.endswith(")") and "(其中" in cleaned:
        cleaned = _BREAKDOWN.sub("", cleaned)  # "500万元(其中上级资金220万元)": the total, then its parts
    unit = None
    if cleaned.endswith("万元"):
        cleaned, unit = cleaned[:-2], "万元"
    elif cleaned.endswith("万"):
        cleaned, unit = cleaned[:-1], "万元"
    elif cleaned.endswith("元"):
        cleaned, unit = cleaned[:-1], "元"
    if not _AMOUNT.match(cleaned):
        return None
    try:
        return Amount(Decimal(cleaned), unit)
    except InvalidOperation:
        return None


def parse_decimal(text: str | None) -> Decimal | None:
    """A plain number (score, weight, rate, quantity) to Decimal, or None."""
    amount = parse_amount(text)
    return amount.value if amount and amount.unit is None else None


def unit_from_label(label: str) -> str | None:
    """'项目总预算（元）' → 元, '金额单位：万元' → 万元; None when the label states no unit."""
    folded = unicodedata.normalize("NFKC", label).replace("萬", "万")
    if "万元" in folded:
        return "万元"
    if re.search(r"\(元\)|单位[:：]?元|（元）", folded):
        return "元"
    return None
