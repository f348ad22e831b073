"""Cell text cleanup that removes layout noise but keeps what was printed."""

from __future__ import annotations

import html
import re
import unicodedata

from .memo import memo
from .traditional import simplified

_TAG = re.compile(r"</?(?:p|br|span|div|td|tr|b|strong|u|font)\b[^>]*>", re.IGNORECASE)
_CHECKBOX = re.compile(r"<input[^>]*>", re.IGNORECASE)
# The full-width punctuation the forms print: nearly all that NFKC changes in their text, and its
# full pass over a text that holds any costs about a microsecond per ten characters. Replaced first
# (str.replace runs in C), most texts come out normalized and NFKC only checks them; each is replaced
# by what NFKC makes of it, so the result is the same.
WIDE_PUNCTUATION = (("，", ","), ("：", ":"), ("（", "("), ("）", ")"), ("；", ";"))


def normalize_nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, the common full-width punctuation replaced first."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in WIDE_PUNCTUATION:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


def strip_tags(text: str) -> str:
    """Remove HTML paragraph/format tags (<p>…</p>) that web exports leave in cells, and read the
    entities they leave with them ("&ge;90%", "&nbsp;")."""
    text = _TAG.sub("", text) if "<" in text else text  # most lines have none: a scan in C decides
    return html.unescape(text).replace("\xa0", " ") if "&" in text else text


def clean_cell(text: str) -> str:
    """A cell as printed, minus tags and surrounding whitespace."""
    return strip_tags(text).strip()


def split_cells(line: str) -> list[str]:
    """Tab-separated cells, cleaned, with trailing empty cells dropped."""
    cells = [clean_cell(cell) for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


@memo(1 << 14)  # a pure function called on the same labels and cells over and over
def fold(text: str) -> str:
    """Matching key for labels: NFKC (full-width → ASCII), no whitespace, no trailing colon, the
    label vocabulary's traditional characters simplified and a mirror's pinyin readings dropped
    ("目標(biāo)" → "目标")."""
    folded = "".join(normalize_nfkc(text).split())  # no whitespace: split() cuts where \s+ would
    if len(folded) <= 200 and not folded.isascii():  # labels are short; whole texts are folded too
        if "(" in folded and _READING_START.search(folded):
            folded = PINYIN_READING.sub("", folded)
        folded = simplified(folded)
    return folded.rstrip(":")


# A reading in brackets after a character, as a mirror site prints rare ones: "學(xué)", "區(qū)".
_READING_START = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]")  # a literal first: a fast scan
PINYIN_READING = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")


def has_checkbox(text: str) -> bool:
    return bool(_CHECKBOX.search(text))


def ticked_options(text: str) -> list[str]:
    """Options of a checkbox cell that are ticked.

    Two conventions occur: ``<input/> 一次性项目`` (box before its label, ticked by ``checked`` or a tick
    right after the box) and ``立项阶段 <input/> ✓`` (label before the box, tick after it).
    """
    boxes = _CHECKBOX.findall(text)
    parts = [part.strip() for part in _CHECKBOX.split(text)]
    options = []
    for i, box in enumerate(boxes):
        before, after = parts[i], parts[i + 1]
        ticked_after = after[:1] in _TICKS
        if not (ticked_after or "checked" in box.lower()):
            continue
        label = after[1:].strip() if ticked_after else after
        if not label:
            label = before.split()[-1] if before.split() else ""
        if label:
            options.append(label)
    return options


_TICKS = {"✓", "√", "■", "☑", "✔"}
