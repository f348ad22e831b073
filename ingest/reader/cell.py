"""The one cell model: a piece of a line, with its position, and the key labels are looked up by."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..memo import memo
from ..text import fold

_SUFFIX = re.compile(
    r"(?:\((?:万元|元|[A-Z/×*%\d]{1,12}|\d+分)\)?|(?<=[\u4e00-\u9fff])(?:[A-Z/]{1,5}|\d+分)\))$"
)  # "(A)", and a bracket the copy lost: "执行数B)", "年初目标值(A"
# The last character a suffix may end in. A key ending otherwise has none, and sparing it the search
# matters for long cells: the pattern, anchored at the end, is tried from every position of the key.
_SUFFIX_END = re.compile(r"[)元分A-Z/×*%\d]")
# Numbering before a label: "一、预算资金", "(一)财政拨款", "1.中央资金".
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]\)|\d{1,2}[.、](?!\d))")


@dataclass(slots=True)
class Cell:
    text: str  # as printed (tags stripped, surrounding space removed)
    line_no: int  # 1-based line of the source text
    row: int  # physical row: cells of one row share it
    glued: bool = False  # cut out of run-together text: values may follow its words without a break
    spaced: bool = False  # a space, not a separator, set it apart from the cell before it on its line
    after_number: bool = False  # a label printed straight after a figure: "600.00同名项目上年预算执行数"
    col: int = -1  # column in a tab- or pipe-separated row, empty cells counted; -1 in other shapes
    joined: bool = False  # put together from a cell wrapped over two lines
    after_bars: bool = False  # the first cell after a line of bars alone ("||", "||||"): empty cells
    key: str = field(init=False, repr=False)  # label_key(text), computed once: looked up per label

    # written out, not generated: the dataclass's __init__ would call __post_init__ for the key,
    # one more call for each of the thousands of cells of a document. The arguments the cell
    # makers give (col; glued, after_number) come first, passed by position: a keyword argument
    # costs each call a dict
    def __init__(
        self,
        text: str,
        line_no: int,
        row: int,
        col: int = -1,
        glued: bool = False,
        after_number: bool = False,
        spaced: bool = False,
        joined: bool = False,
        after_bars: bool = False,
    ) -> None:
        self.text = text
        self.line_no = line_no
        self.row = row
        self.glued = glued
        self.spaced = spaced
        self.after_number = after_number
        self.col = col
        self.joined = joined
        self.after_bars = after_bars
        self.key = label_key(text)


@memo(1 << 15)
def label_key(text: str) -> str:
    """Folded text with a trailing unit marker or column letter removed: the key labels are looked up by."""
    key = fold(text).replace("(盖章)", "")
    if _SUFFIX_END.fullmatch(key[-1:]):
        key = _SUFFIX.sub("", key)
    key = _NUMBERING.sub("", key)
    return key.rstrip(":")
