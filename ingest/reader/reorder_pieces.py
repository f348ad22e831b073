"""The text of a scrambled PDF form as pieces, and what kind of text each piece is (``pdf_scrambled_target``).

Every step of the scrambled-order front-end (``reorder`` and its ``reorder_*`` modules) works on
pieces and asks the same questions of them, so both are defined once, here:

- **pieces** (``build_pieces``): the lines of a form, with a label or a long name that wrapped onto
  the next line joined back; lines of prose paragraphs are marked ``narrative``, not dropped;
- **what a piece is**: layout (row/column labels, the title and its year), a checkbox row, a
  子项目 line (name and amount), a line of budget labels and figures, a target value printed alone;
- **regions** (``split_forms``): one form per title; a form begins where a field-block label comes
  round a second time, so fields printed before their form's title stay with that form;
- ``FormNotes``, the issue helper every step writes through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import lexicon
from ..memo import memo
from ..model import Issue, Severity
from ..text import fold

BOXES = lexicon.CHECKBOX_TICKED + lexicon.CHECKBOX_EMPTY
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
LONE_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
UNIT_MARK = re.compile(r"\((?:万元|元)\)")
_BUDGET_LABEL = re.compile(
    "|".join(re.escape(label) for label in sorted(lexicon.BUDGET_LABELS, key=len, reverse=True))
)
_LINE_PREFIX = re.compile(lexicon.BUDGET_LINE_PREFIX)
_NARRATIVE_WIDTH = 32  # folded characters: prose wraps at 35-40, table rows stay under 30
_WRAPPED_NAME_WIDTH = 8  # a name line at least this long may wrap onto a short next line
_HEADER_KEYS = (
    lexicon.FORM_ROW_LABELS
    | set(lexicon.INDICATOR_HEADER)
    | set(lexicon.BUDGET_ITEM_HEADER)
    | lexicon.WRAPPER_LABELS
)


# The questions below are pure functions of a line's text, asked of every line by each step of the
# front-end (split_forms, the field block, the budget figures, the indicator zone): answered once.
@memo(1 << 14)
def label_key(text: str) -> str:
    """Folded label with numbering ("一、", "（一）") and unit markers ("（元）") removed."""
    return _LINE_PREFIX.sub("", UNIT_MARK.sub("", fold(text)))


# --- pieces: the lines of a form, with wrapped labels and names joined -------------------------------


@dataclass
class Piece:
    """One line of text, or two when a label or name wrapped onto the next line."""

    index: int  # 0-based index of its first line
    text: str
    narrative: bool = False  # part of a prose paragraph

    @property
    def line_no(self) -> int:
        return self.index + 1

    @property
    def key(self) -> str:
        return fold(self.text)


def build_pieces(lines: list[str], start: int, end: int) -> list[Piece]:
    """Blocks (runs of non-blank lines) cut into pieces; prose blocks are marked, not dropped."""
    pieces: list[Piece] = []
    block: list[int] = []
    for i in range(start, end + 1):
        if i < end and lines[i].strip():
            block.append(i)
            continue
        if block:
            pieces.extend(_block_pieces(lines, block))
            block = []
    return pieces


def _block_pieces(lines: list[str], block: list[int]) -> list[Piece]:
    texts = [lines[i].strip() for i in block]
    if any(len(fold(t)) > _NARRATIVE_WIDTH or "。" in t for t in texts):
        return [Piece(i, t, narrative=True) for i, t in zip(block, texts, strict=True)]
    pieces, k = [], 0
    while k < len(block):
        text = texts[k]
        if k + 1 < len(block) and _joins(text, texts[k + 1]):
            pieces.append(Piece(block[k], text + texts[k + 1]))
            k += 2
        else:
            pieces.append(Piece(block[k], text))
            k += 1
    return pieces


def _joins(first: str, second: str) -> bool:
    """A label wrapped in a narrow column ("投入和管理目" / "标"), or a long name's last characters."""
    joined = label_key(first + second)
    if joined in lexicon.LEVEL1_LABELS or joined in lexicon.FORM_ROW_LABELS:
        return True
    if any(ch.isspace() for ch in first + second) or has_box(first + second):
        return False
    tail = fold(second)
    return (
        len(fold(first)) >= _WRAPPED_NAME_WIDTH
        and len(tail) <= 3
        and tail not in lexicon.TARGET_WORDS
        and not _starts_like_target(tail)
    )


# a character class searched in C: a set's isdisjoint(text) makes a string object of every character
_BOX = re.compile("[" + re.escape(BOXES) + "]")


def has_box(text: str) -> bool:
    return _BOX.search(text) is not None


def _starts_like_target(key: str) -> bool:
    return bool(key) and (key[0] in lexicon.TARGET_OPERATORS or key[0].isdigit())


@memo(1 << 14)
def is_target_like(text: str) -> bool:
    """A target value printed alone ("=100.00%", "0次", "规范", "无"), as opposed to an indicator name."""
    key = fold(text)
    if not key:
        return False
    if _starts_like_target(key) or key in lexicon.TARGET_WORDS:
        return True
    if key.endswith(lexicon.INDICATOR_NAME_SUFFIXES):
        return False
    return len(key) <= 3


def is_layout(piece: Piece) -> bool:
    """Row/column labels, the title and its year: text that frames the form rather than fills it."""
    return _is_layout(piece.text)


@memo(1 << 14)
def _is_layout(text: str) -> bool:
    tokens = text.split()
    if tokens and all(label_key(t) in _HEADER_KEYS for t in tokens):
        return True
    return form_title(text) or bool(_YEAR_ALONE.fullmatch(fold(text)))


_YEAR_ALONE = re.compile(r"\(\d{4}年度?\)")


@memo(1 << 14)
def form_title(line: str) -> bool:
    """A form's title line ("上海市财政支出项目绩效目标申报表"); the form reader tells its type."""
    key = fold(line)
    if not key or len(key) > 40:
        return False
    key = re.sub(r"\([^()]*\)$", "", key)
    return any(key.endswith(title) for title in lexicon.FORM_TITLES)


@memo(1 << 14)
def _head_label(line: str) -> str | None:
    key = label_key(line.strip())
    for label in lexicon.FORM_HEAD_LABELS:
        if key == label or key.startswith(label + ":"):
            return label
    return None


@memo(1 << 14)
def item_line(text: str) -> tuple[str, str] | None:
    """'通讯和安全测评费 1256856' → (name, amount); indicator rows and budget figures are not items."""
    parts = text.rsplit(None, 1)
    if len(parts) != 2 or not LONE_NUMBER.match(unicodedata.normalize("NFKC", parts[1])):
        return None
    name = parts[0].strip()
    key = fold(name)
    if (
        not key
        or key[0].isdigit()
        or key.endswith(lexicon.INDICATOR_NAME_SUFFIXES)
        or _BUDGET_LABEL.search(key)
        or label_key(name) in _HEADER_KEYS
    ):
        return None
    return name, parts[1]


# --- forms ----------------------------------------------------------------------------------------------


@dataclass
class Region:
    start: int  # 0-based, first line of the form
    end: int  # exclusive
    title: int | None  # 0-based title line; None for a form cut off before its title


def split_forms(lines: list[str]) -> list[Region]:
    """One form per title; a form starts where a field-block label comes round again after the last title."""
    titles = [i for i, line in enumerate(lines) if form_title(line)]
    if not titles:
        return []
    content = [i for i, line in enumerate(lines) if line.strip()]
    starts = [content[0]]
    for prev_title, title in zip(titles, titles[1:], strict=False):
        starts.append(_next_form_start(lines, starts[-1], prev_title, title))
    regions = [
        Region(start, starts[k + 1] if k + 1 < len(starts) else len(lines), title)
        for k, (start, title) in enumerate(zip(starts, titles, strict=True))
    ]
    # Text before the first form's own field block that holds form content is the tail of a form
    # cut off by the start of the file.
    first_head = next(
        (i for i in range(content[0], titles[0]) if _head_label(lines[i]) is not None), titles[0]
    )
    if first_head > content[0] and _has_form_content(lines[content[0] : first_head]):
        regions[0].start = first_head
        regions.insert(0, Region(content[0], first_head, None))
    return regions


def _next_form_start(lines: list[str], prev_start: int, prev_title: int, title: int) -> int:
    seen = {label for i in range(prev_start, prev_title) if (label := _head_label(lines[i]))}
    for i in range(prev_title + 1, title):
        label = _head_label(lines[i])
        if label is None:
            continue
        if label in seen:
            return i
        seen.add(label)
    return title


def _has_form_content(lines: list[str]) -> bool:
    """An indicator table's 一级 labels: a form's tail. Budget figures alone may be the next form's own,
    printed before its field block."""
    return any(fold(line) in lexicon.LEVEL1_LABELS for line in lines)


# --- budget figures and their labels --------------------------------------------------------------------


def budget_tokens(line: str) -> list[tuple[str, str]] | None:
    """A line made only of budget labels, unit markers and numbers → [(kind, text)]; else None."""
    tokens = _budget_tokens(line)
    return None if tokens is None else list(tokens)


@memo(1 << 14)
def _budget_tokens(line: str) -> tuple[tuple[str, str], ...] | None:
    text = unicodedata.normalize("NFKC", line).strip()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace() or text[pos] == ":":
            pos += 1
            continue
        match = _BUDGET_LABEL.match(text, pos)
        if match:
            end = match.end()
            unit = UNIT_MARK.match(text, end)
            end = unit.end() if unit else end
            tokens.append(("label", text[pos:end]))
            pos = end
            continue
        match = NUMBER.match(text, pos)
        if match:
            tokens.append(("number", match.group()))
            pos = match.end()
            continue
        return None
    return tuple(tokens) if any(kind == "label" for kind, _ in tokens) else None


# --- issues ---------------------------------------------------------------------------------------------


@dataclass
class FormNotes:
    """Issue helper bound to one form: every issue it adds carries the form's number."""

    issues: list[Issue]
    seq: int

    def info(self, code: str, message: str, line_no: int | None) -> None:
        self.issues.append(Issue(Severity.INFO, code, message, line_no, self.seq))

    def warning(self, code: str, message: str, line_no: int | None) -> None:
        self.issues.append(Issue(Severity.WARNING, code, message, line_no, self.seq))
