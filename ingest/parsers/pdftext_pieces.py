"""pdftotext lines as pieces, form titles, and the label/value tokens of a line (layout ``pdftext_target``).

What every part of the pdftotext reader (``pdftext`` and its ``pdftext_*`` modules) reads a line
with, defined once:

- **pieces** (``to_pieces``): the non-blank lines, page markers ("- 8 -") dropped and a line with a
  form title glued on cut in two; ``Segment`` is one form's pieces;
- **form titles** (``title_type``): which form a title token names, and whether it is a
  continuation sheet;
- **label/value tokens** (``split_label_token``, ``label_cells``): a header line carries several
  "label： value" pairs separated by spaces;
- **wrapped text** (``join_wrapped``): the fragments of a cell wrapped over several lines, joined as
  printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lexicon
from ..model import FormType, Issue, Severity
from ..text import fold

# "- 8 -", "— 8 —", "第 8 页", "第8页 共20页": page furniture, not content.
_PAGE_MARKER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
# A label token: a short run of text ending in a colon, the value (if any) glued after it.
_LABEL_TOKEN = re.compile(r"^([^:：]{1,30}?)[:：](.*)$")
_HAN = re.compile(r"[\u3400-\u9fff]")
# Sentence punctuation never found in a form title (keeps prose mentioning 绩效目标表 out).
_SENTENCE_PUNCT = re.compile(r"[,，。;；、《》“”:：]")
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")


@dataclass(frozen=True)
class Piece:
    """One line of content (or the part of a line on one side of a glued form title)."""

    line_no: int
    text: str

    @property
    def tokens(self) -> list[str]:
        return self.text.split()


@dataclass
class Segment:
    """One form's pieces; ``has_title`` is False for a form cut off before its title."""

    pieces: list[Piece]
    form_type: FormType
    has_title: bool


def to_pieces(lines: list[str], issues: list[Issue]) -> list[Piece]:
    """Non-blank lines without page markers; a line with a form title glued on is cut in two."""
    pieces: list[Piece] = []
    for i, line in enumerate(lines):
        line_no = i + 1
        text = line.replace("\f", " ").strip()
        if not text:
            continue
        if _PAGE_MARKER.match(text):
            issues.append(
                Issue(Severity.INFO, "page_marker_skipped", f"page marker {text!r} skipped", line_no)
            )
            continue
        tokens = text.split()
        at = next((k for k, token in enumerate(tokens) if title_type(token)), None)
        if at:
            head = " ".join(tokens[:at])
            issues.append(
                Issue(
                    Severity.INFO,
                    "title_glued",
                    f"form title {tokens[at]!r} printed on the same line as {head!r}; the line is cut before it",
                    line_no,
                )
            )
            pieces.append(Piece(line_no, head))
            text = " ".join(tokens[at:])
        pieces.append(Piece(line_no, text))
    return pieces


def title_type(token: str) -> tuple[FormType, bool] | None:
    """(form type, is a continuation sheet) when a token is a form title such as 财政项目支出绩效目标表."""
    key = fold(token)
    if not key or len(key) > 40 or _SENTENCE_PUNCT.search(key):
        return None
    core = _TRAILING_BRACKET.sub("", key)
    for title, form_type in lexicon.FORM_TITLES.items():
        if core.endswith(title):
            return FormType(form_type), key.endswith(lexicon.CONTINUATION_SHEETS)
    return None


def split_label_token(token: str) -> tuple[str | None, str]:
    """'申报单位名称：上海市房屋管理局' → ('申报单位名称', '上海市房屋管理局'); (None, token) when no label."""
    match = _LABEL_TOKEN.match(token)
    if not match or not _HAN.search(match.group(1)) or match.group(1)[0].isdigit():
        return None, token
    return match.group(1), match.group(2)


def label_cells(tokens: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Tokens before the first label, and each label with the tokens of its value.

    "项目名称： 对区县住宅配套工程款补助 项目类别： 其他一次性项目" →
    ([], [("项目名称", ["对区县住宅配套工程款补助"]), ("项目类别", ["其他一次性项目"])]).
    A colon printed apart from its label ("项目名称 ：") is put back on it.
    """
    merged: list[str] = []
    for token in tokens:
        if token in (":", "：") and merged:
            merged[-1] += token
        else:
            merged.append(token)
    lead: list[str] = []
    cells: list[tuple[str, list[str]]] = []
    for token in merged:
        label, value = split_label_token(token)
        if label is not None:
            cells.append((label, [value] if value else []))
        elif cells:
            cells[-1][1].append(token)
        else:
            lead.append(token)
    return lead, cells


def join_wrapped(fragments: list[str]) -> str:
    """Fragments of one wrapped cell, joined as printed: no space inside Chinese text, one between two
    ASCII letters or digits (where a word or number was broken at a space)."""
    text = ""
    for fragment in fragments:
        if (
            text
            and text[-1].isascii()
            and text[-1].isalnum()
            and fragment[:1].isascii()
            and fragment[:1].isalnum()
        ):
            text += " "
        text += fragment
    return text
