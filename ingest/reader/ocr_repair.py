"""Undoing what OCR does to a table: text, numbers, category words and unit names.

Pure functions on strings. Each repair returns what it changed, so the caller can record it as an
issue; nothing here guesses silently. Used by the OCR front-end of the form reader (``ocr_cells``).

OCR of a printed table breaks text in two ways, and they join differently:

- a **wrap** inside a cell comes out as a space ("部分达成指 标并具有一 定效果"). Whitespace next to
  CJK text is such a wrap and goes; whitespace between digits or Latin letters stays.
- a **cut** at a column boundary splits a cell over two OCR cells ("立法后评 | 估报告"). The pieces
  join with nothing, and a character printed on both sides of the cut is kept once
  ("房管政策宣 | 宣传次数" → 房管政策宣传次数).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz.distance import LCSseq

from .. import lexicon
from ..memo import memo

CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
ASCII_PUNCT = r"!-/:-@\[-`{-~"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORDY = re.compile(rf"[0-9A-Za-z{CJK}]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")
_WRAP_BEFORE_CJK = re.compile(rf"(?<=[{CJK}{ASCII_PUNCT}])\s+(?=[{CJK}])")
_WRAP_BEFORE_PUNCT = re.compile(rf"(?<=[{CJK}])\s+(?=[{ASCII_PUNCT}])")
_NUMBER_TOKEN = re.compile(r"^[-+]?[\d,，]*\d(?:\.\d*)?$")
_STRAY_SCORES = re.compile(r"^(?:\d+(?:\.\d+)?\s+)+")


def clean_cell(text: str) -> str:
    """A cell without markup tags (<p>, <u>, <i> …) and surrounding whitespace."""
    return _TAG.sub("", text).replace("\u00a0", " ").strip()


def has_han(text: str | None) -> bool:
    return bool(text and _HAN.search(text))


def han_count(text: str) -> int:
    """How many CJK characters the text holds (one regex pass, not a search per character)."""
    return len(_HAN.findall(text))


@memo(1 << 14)  # pure; every token of every row is asked, most of them again
def is_noise(token: str) -> bool:
    """A token with no digit, letter or CJK character: '·', '//', ']', '+ /+'."""
    return not _WORDY.search(token)


@memo(1 << 14)
def drop_noise(text: str) -> str:
    return " ".join(token for token in text.split() if not is_noise(token))


@memo(1 << 14)  # pure; a row's text is unwrapped again at each step of its repair
def unwrap(text: str) -> str:
    """Undo line wraps: whitespace next to CJK text goes, other runs of whitespace become one space."""
    text = _WRAP_BEFORE_CJK.sub("", text)
    text = _WRAP_BEFORE_PUNCT.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def join_cut(left: str, right: str) -> tuple[str, str | None]:
    """Join two pieces of one cell cut at a column boundary; the second value names the repair made."""
    if not left or not right:
        return left + right, None
    if len(left) >= 2 and right.startswith(left):
        return right, f"dropped {left!r}, a second reading of the start of {right!r}"
    if len(left) >= 3 and right.startswith(left[:-1]):
        return right, f"dropped {left!r}, a garbled second reading of the start of {right!r}"
    if left[-1] == right[0] and has_han(left[-1]):
        return left + right[1:], f"kept {left[-1]!r} once where the cut printed it twice"
    return left + right, None


def join_cells(cells: list[str]) -> tuple[str, list[str]]:
    """Text of one table cell that OCR split over several cells (a name, a deviation text).

    Each OCR cell holds the cell's wrapped lines separated by spaces. The lines are read row by row
    across the cells ("公建配套设施建设 率" | "及质量验收合格" → 公建配套设施建设及质量验收合格率).
    """
    repairs: list[str] = []
    split = [cell.split() for cell in cells if cell.strip()]
    if not split:
        return "", repairs
    lines = []
    for i in range(max(len(parts) for parts in split)):
        line = ""
        for parts in split:
            if i < len(parts):
                line, repair = join_cut(line, parts[i])
                if repair:
                    repairs.append(repair)
        lines.append(line)
    return unwrap(" ".join(lines)), repairs


def concat_cells(cells: list[str]) -> tuple[str, list[str]]:
    """Free text spread over cells of one line (deviation reasons): cell after cell, cuts joined."""
    repairs: list[str] = []
    text = ""
    for cell in cells:
        piece = unwrap(drop_noise(cell))
        if piece:
            text, repair = join_cut(text, piece)
            if repair:
                repairs.append(repair)
    return text, repairs


def strip_stray_numbers(text: str) -> tuple[str, str | None]:
    """'5.00 5.00 4.00 实际申请…' (a column of scores read into one cell) → the text after them."""
    match = _STRAY_SCORES.match(text)
    if not match:
        return text, None
    return text[match.end() :], match.group(0).strip()


# --- numbers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Decimal
    printed: str
    unit: str | None  # 万元 / 元 when the token says so
    percent: bool = False


@memo(1 << 15)  # pure (Number is frozen); each cell is read as a number many times
def read_number(token: str) -> Number | None:
    """'2,594.84', '629.30)', '250万', '95.00%' → Number; None for anything else."""
    printed = token
    text = unicodedata.normalize("NFKC", token).strip().rstrip(")）").lstrip("(（")
    unit, percent = None, False
    for suffix, found in (("万元", "万元"), ("万", "万元"), ("元", "元")):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], found
            break
    if text.endswith("%"):
        text, percent = text[:-1], True
    if not _NUMBER_TOKEN.match(text):
        return None
    try:
        return Number(Decimal(text.replace(",", "").replace("，", "")), printed, unit, percent)
    except InvalidOperation:
        return None


def number_tokens(cells: list[str]) -> list[str]:
    """Whitespace-separated tokens of cells, without dashes and empty cells."""
    tokens = []
    for cell in cells:
        for token in cell.split():
            if token.strip("-—–") and not is_noise(token):
                tokens.append(token)
    return tokens


def join_split_numbers(tokens: list[str], wanted: int) -> tuple[list[str], list[str]]:
    """Join numbers OCR split in two ('2,594.8', '4' → '2,594.84') until there are ``wanted`` tokens.

    A split leaves a number with fewer than two decimals followed by a bare run of digits.
    """
    repairs = []
    tokens = list(tokens)
    while len(tokens) > wanted:
        for i in range(len(tokens) - 1):
            left, right = tokens[i], tokens[i + 1]
            if re.fullmatch(r"[\d,]*\d\.\d?|[\d,]*\d,\d{0,2}", left) and re.fullmatch(r"\d{1,3}", right):
                joined = left + right
                if read_number(joined) is None:
                    continue
                tokens[i : i + 2] = [joined]
                repairs.append(f"joined split number '{left} {right}' → {read_number(joined).value}")
                break
        else:
            break
    return tokens, repairs


# --- category words (一级 / 二级) ---------------------------------------------------------------


@memo(1 << 14)  # pure; asked of every token of every category cell, form after form
def read_label_text(text: str) -> str:
    """A category cell as matching sees it: no spaces, OCR readings of 指标 and Japanese forms undone."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for garbled, reading in lexicon.OCR_LABEL_READINGS.items():
        key = key.replace(garbled, reading)
    return "".join(lexicon.OCR_CHAR_READINGS.get(ch, ch) for ch in key)


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence (OCR drops characters but keeps their order).

    rapidfuzz computes exactly this (a bit-parallel LCS in C++); the pure-Python dynamic programme
    it replaced was a quarter of all ingest time.
    """
    return LCSseq.similarity(a, b)


@lru_cache(maxsize=1 << 14)  # pure; the same pieces are matched against the same labels, form after form
def best_label(text: str, labels: tuple[str, ...]) -> tuple[str | None, float]:
    """The canonical label that garbled category text most likely is, and how sure (share of its characters found)."""
    best, best_score = None, 0.0
    for label in labels:
        common = lcs(text, label)
        if not common:
            continue
        # characters of the text found in the label, then how much of the label the text covers
        score = common / len(text) + 0.01 * common / len(label) + (0.005 if text[0] == label[0] else 0)
        if score > best_score:
            best, best_score = label, score
    return best, min(best_score, 1.0)


@cache  # one tuple, so best_label's cache hashes the same labels each time
def level2_labels() -> tuple[str, ...]:
    return tuple(lexicon.LEVEL2_PARENTS)


def level1_labels() -> tuple[str, ...]:
    return lexicon.LEVEL1_NATIONAL


# --- unit names ---------------------------------------------------------------------------------

KNOWN_UNITS_PATH = Path(__file__).resolve().parents[1] / "known_units.csv"


@cache
def known_units() -> tuple[str, ...]:
    """Canonical unit names (ingest/known_units.csv); none when the file is not installed."""
    if not KNOWN_UNITS_PATH.exists():
        return ()
    with KNOWN_UNITS_PATH.open(encoding="utf-8") as handle:
        return tuple(row["unit_name"] for row in csv.DictReader(handle) if row.get("unit_name"))


@cache
def _known_unit_keys() -> tuple[str, ...]:
    """The Han characters of each known unit name, in the order of ``known_units``: worked out once."""
    return tuple("".join(_HAN.findall(name)) for name in known_units())


@lru_cache(maxsize=1 << 12)  # pure; each form's two unit cells, the same units form after form
def match_unit(raw: str, *, threshold: float = 65.0, margin: float = 8.0) -> tuple[str | None, float]:
    """The known unit an OCR'd name stands for ('位L_海市房屋管理局' → 上海市房屋管理局), or None.

    Only characters that are Han count; the best match must clear ``threshold`` and beat the
    runner-up by ``margin`` (rapidfuzz ratio, 0–100).
    """
    from rapidfuzz import fuzz, process

    han = "".join(_HAN.findall(raw))
    if len(han) < 3 or not known_units():
        return None, 0.0
    scored = process.extract(han, _known_unit_keys(), scorer=fuzz.ratio, limit=2)
    if not scored:
        return None, 0.0
    (_, best, best_index), runner_up = scored[0], (scored[1][1] if len(scored) > 1 else 0.0)
    if best < threshold or best - runner_up < margin:
        return None, best
    return known_units()[best_index], best


def known_unit_in(text: str) -> tuple[int, str] | None:
    """Where a known unit name is printed inside ``text`` (first one), for cutting run-together cells."""
    hits = [(text.find(name), name) for name in known_units() if name in text]
    return min(hits) if hits else None
