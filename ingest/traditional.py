"""Traditional characters of the form vocabulary, folded to the simplified ones the labels are
written in: a mirror site that republishes a page in traditional characters ("績效目標表",
"專項名稱") still has its labels read. Only label keys are folded; values stay as printed.

Generated from OpenCC's TSCharacters.txt (Apache-2.0), restricted to the traditional characters
whose simplified form occurs in the label vocabulary (ingest/reader/vocabulary.py, ingest/lexicon.py,
ingest/reader/cells.py).
"""

from __future__ import annotations

import re

_TRADITIONAL = (
    "並併來侷係個們備傢價億優內冊別剋劃動務區協厤問單噸噹嚮嚴國圖埰執報場學寀實審專對屬張強彆後復態應懷戶掃採撥據擬敎數斷於昇"
    "時曆曏會朮東條業構標機檯權歷決況減準滿濟為無爲現環產産畝當發眾確碼稱穩箇節範籌級細組結經綜綠維網緑編縣總績織繫續義聯臺與"
    "萬蓋處號衆術衕裏補裡製複覈見規計訓設註証評話該說説調請論證識護負財責買費貼資質購賽較輛轉辦農週進運過達釋釐鈡錯錶鍾鏈鐘長"
    "門閉開間閤關陞階際隻電鞏韆響頁項預頓頭題額類顯颱體髮齣"
)
_SIMPLIFIED = (
    "并并来局系个们备家价亿优内册别克划动务区协历问单吨当向严国图采执报场学采实审专对属张强别后复态应怀户扫采拨据拟教数断于升"
    "时历向会术东条业构标机台权历决况减准满济为无为现环产产亩当发众确码称稳个节范筹级细组结经综绿维网绿编县总绩织系续义联台与"
    "万盖处号众术同里补里制复核见规计训设注证评话该说说调请论证识护负财责买费贴资质购赛较辆转办农周进运过达释厘钟错表钟链钟长"
    "门闭开间合关升阶际只电巩千响页项预顿头题额类显台体发出"
)
_TO_SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_HAS_TRADITIONAL = re.compile(f"[{_TRADITIONAL}]")


def simplified(text: str) -> str:
    """The text with the vocabulary's traditional characters simplified (the search first: almost
    every text has none, and it is cheaper than the translation)."""
    return text.translate(_TO_SIMPLIFIED) if _HAS_TRADITIONAL.search(text) else text
