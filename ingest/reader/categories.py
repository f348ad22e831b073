"""What a cell of an indicator table is: a header role, a 一级 or a 二级 label (as printed, with
any note such as "(70分)" set aside). Shared by the table, the row splitter and the form reader."""

from __future__ import annotations

import re

from ..memo import memo
from . import values as v
from . import vocabulary as vocab
from .cell import _NUMBERING, Cell, label_key

_NUMBER_STARTS = frozenset("一二三四五六七八九十(0123456789")  # what a leading number begins with
_CATEGORY_NOTE = re.compile(r"\((?![a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\))[^()]{1,12}\)$")  # not a pinyin reading
_L1_PATTERN = re.compile(
    r"^[^,。:]{0,6}(?:产出|效益|效果|满意度|成本|投入|管理|完成|影响)[^,。:]{0,4}(?:指标|目标)$"
)
_L2_PATTERN = re.compile(
    r"^.{0,10}(?:" + "|".join(vocab.LEVEL2_STEMS) + r")(?:效益)?(?:指标|目标)(?:等|类)?$"
)
_LEVEL2_HEADS = tuple(stem for stem in vocab.LEVEL2_STEMS if len(stem) >= 4)
# Shandong's 产出值 / 数量值 / 经济效益值: the category with 值 for 指标, in short cells only
_VALUE_SUFFIX = re.compile(r"^(?:产出|效益|满意度|成本|" + "|".join(vocab.LEVEL2_STEMS) + r")值$")


@memo(1 << 14)
def header_role(key: str) -> str | None:
    role = vocab.INDICATOR_HEADER.get(key)
    if role:
        return role
    if key.startswith(vocab.REASON_HEADER_PREFIXES) and len(key) <= 20:
        return "deviation_reason"
    if key in vocab.TABLE_WRAPPERS:
        return "wrapper"
    return None


def category_text(cell: Cell) -> str:
    """A category cell as printed, less a trailing note ("产出指标(70分)", "数量指标(必填硬性指标)") and a
    leading number ("一、产出指标", "(一)数量指标", "1.数量指标"), as the label keys drop it."""
    return _category_text(cell.text)


@memo(1 << 14)
def _category_text(printed: str) -> str:
    text = v.nfkc(printed).replace(" ", "")
    if len(text) > 30:
        return text
    return _CATEGORY_NOTE.sub("", _NUMBERING.sub("", text) if text[:1] in _NUMBER_STARTS else text)


def level1_of(cell: Cell) -> str | None:
    return level1_of_text(cell.text)


@memo(1 << 14)
def level1_of_text(printed: str) -> str | None:
    text = _category_text(printed)
    key = label_key(text)
    if _VALUE_SUFFIX.match(key) and key[:-1] + "指标" in vocab.LEVEL1:
        return text
    if key in vocab.LEVEL1:
        return text
    if (
        key not in vocab.LEVEL2
        and _L1_PATTERN.match(key)
        and not _L2_PATTERN.match(key)
        and not key.startswith(_LEVEL2_HEADS)  # 社会效益效益指标: a 二级 misprinted
    ):
        return text  # 项目完成指标, 项目效益指标: a province's own 一级 wording
    return None


def is_level2(cell: Cell) -> bool:
    return is_level2_text(cell.text)


@memo(1 << 14)
def is_level2_text(printed: str) -> bool:
    key = label_key(_category_text(printed))
    if _VALUE_SUFFIX.match(key):
        return key[:-1] + "指标" not in vocab.LEVEL1
    return key in vocab.LEVEL2 or (len(key) <= 16 and bool(_L2_PATTERN.match(key)))
