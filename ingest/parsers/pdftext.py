"""pdftotext output of target forms: layout `pdftext_target`.

What differs from the tab layouts, and is therefore handled here:

* cells are separated by single spaces, not tabs, so a header line carries several label/value
  pairs ("项目名称： X 项目类别： Y") and an indicator row is "name target" with the target as its
  last whitespace-separated token;
* text is wrapped at a fixed width, so a field value, an indicator name or a target may continue
  on the next lines (with blank lines between); fragments are re-assembled before they are read;
* 一级 / 二级 labels stand on lines of their own or at the start of an indicator row;
* page markers ("- 8 -") sit between lines, and a form title may be glued to the line before it.

Everything else — which labels mean which field, how a budget figure is read, which words are
category labels — comes from ``lexicon`` and ``tables`` like in every other layout. Each repair
(a wrapped value joined, a title split off, a page marker dropped) is recorded as an Issue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .. import lexicon
from ..model import Form, FormType, Indicator, Issue, Severity
from ..numbers import parse_amount
from ..text import fold
from .tables import FieldReader, check_form, find_year, is_indicator_header, label_key, unit_statement

# "- 8 -", "— 8 —", "第 8 页", "第8页 共20页": page furniture, not content.
_PAGE_MARKER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
# A label token: a short run of text ending in a colon, the value (if any) glued after it.
_LABEL_TOKEN = re.compile(r"^([^:：]{1,30}?)[:：](.*)$")
_HAN = re.compile(r"[\u3400-\u9fff]")
# Sentence punctuation never found in a form title (keeps prose mentioning 绩效目标表 out).
_SENTENCE_PUNCT = re.compile(r"[,，。;；、《》“”:：]")
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")
_OPERATOR = "[" + re.escape("".join(sorted(lexicon.TARGET_OPERATORS))) + "]"
_BARE_OPERATOR = re.compile(rf"^{_OPERATOR}+$")
# A quantitative target: an optional operator, then numbers each followed by a short unit
# ("=100%", "≥90%", "<=5%", "=1", "365天24小时", "100%合规", "=93份"); "962121平台…率" is a name.
_NUMBER = r"\d[\d.,]*"
_UNIT = r"[^\d\s.,]{1,3}"
_QUANTITY = re.compile(rf"^{_OPERATOR}*{_NUMBER}(?:{_UNIT}{_NUMBER})*(?:{_UNIT})?$")
_TABLE_YEAR_HEADING = re.compile(r"^(?:\d{4}年度?)?(?:年度|长期|中长期)?绩效(?:目标|指标)$")


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
    pieces: list[Piece]
    form_type: FormType
    has_title: bool


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    segments = split_forms(to_pieces(lines, issues))
    _assign_to_forms(issues, segments)
    wrap = column_width(segments)
    forms = [read_form(segment, seq, wrap, issues) for seq, segment in enumerate(segments, 1)]
    return forms, issues


# --- lines to pieces, pieces to forms -----------------------------------------------------------------


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


def split_forms(pieces: list[Piece]) -> list[Segment]:
    """Cut at form titles; pieces before the first title are a form only if they hold form content."""
    segments: list[Segment] = []
    preamble: list[Piece] = []
    for piece in pieces:
        title = title_type(piece.tokens[0])
        if title and not (title[1] and segments):
            segments.append(Segment([piece], title[0], True))
        elif segments:
            segments[-1].pieces.append(piece)
        else:
            preamble.append(piece)
    if preamble and _has_form_content(preamble):
        segments.insert(0, Segment(preamble, FormType.TARGET, False))
    return segments


def _assign_to_forms(issues: list[Issue], segments: list[Segment]) -> None:
    """Line-level repairs made before the forms were known belong to the form whose lines hold them."""
    starts = [segment.pieces[0].line_no for segment in segments]
    for issue in issues:
        if issue.form_seq is None and issue.line_no is not None:
            seq = sum(start <= issue.line_no for start in starts)
            issue.form_seq = seq or None


def _has_form_content(pieces: list[Piece]) -> bool:
    for piece in pieces:
        if is_indicator_header(piece.tokens):
            return True
        if any(label_key(label) in lexicon.BUDGET_LABELS for label, _ in label_cells(piece.tokens)[1]):
            return True
    return False


# --- the wrap width of the indicator table ------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns the text takes in fixed-width output: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(segments: list[Segment]) -> int | None:
    """Width at which pdftotext wrapped indicator cells in this document, if the document shows it.

    A wrapped cell leaves lines of one token that all reach the same width; the widest such line
    is taken as the wrap width when at least two lines reach it (a single long line proves nothing).
    """
    widths = []
    for segment in segments:
        in_table = False
        for piece in segment.pieces:
            tokens = piece.tokens
            if is_indicator_header(tokens):
                in_table = True
            elif (
                in_table and len(tokens) == 1 and not _is_label(tokens[0]) and not _QUANTITY.match(tokens[0])
            ):
                widths.append(display_width(tokens[0]))
    if not widths:
        return None
    widest = max(widths)
    return widest if sum(w >= widest - 1 for w in widths) >= 2 else None


# --- one form -----------------------------------------------------------------------------------------


def read_form(segment: Segment, seq: int, wrap: int | None, issues: list[Issue]) -> Form:
    pieces = segment.pieces
    form = Form(form_type=segment.form_type, line_start=pieces[0].line_no, line_end=pieces[-1].line_no)
    header = HeaderReader(FieldReader(form, issues, seq), form, seq, issues)
    table: TableReader | None = None
    for piece in pieces:
        tokens = piece.tokens
        if is_indicator_header(tokens):
            header.flush()
            if table:
                table.close()
            table = TableReader(form, seq, wrap, issues)
            continue
        if table is None and _starts_untitled_table(tokens, form):
            header.flush()
            table = TableReader(form, seq, wrap, issues)
            issues.append(
                Issue(
                    Severity.INFO,
                    "indicator_header_missing",
                    f"indicator rows start at {piece.text!r} without a 一级/二级/三级 header line",
                    piece.line_no,
                    seq,
                )
            )
        if table is not None and not _ends_table(tokens):
            table.feed(piece)
            continue
        if table is not None:
            table.close()
            table = None
        header.feed(piece)
    header.flush()
    if table is not None:
        table.close()
        table.check_end()
    check_form(form, seq, issues, segment.has_title)
    return form


def _starts_untitled_table(tokens: list[str], form: Form) -> bool:
    """A 一级 label line after the budget figures starts the indicator table even without its header."""
    return (
        form.budget_current is not None and fold(tokens[0]) in lexicon.LEVEL1_LABELS and not form.indicators
    )


def _ends_table(tokens: list[str]) -> bool:
    key = fold(tokens[0])
    label, _ = _split_label_token(tokens[0])
    known = label is not None and (
        label_key(label) in lexicon.FIELD_LABELS or label_key(label) in lexicon.BUDGET_LABELS
    )
    return known or key.startswith(lexicon.TABLE_END_LABELS)


# --- header: label/value pairs separated by spaces ----------------------------------------------------


def _split_label_token(token: str) -> tuple[str | None, str]:
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
        label, value = _split_label_token(token)
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


@dataclass
class HeaderReader:
    """Header lines: fields and budget figures by their labels; a value left empty at the end of its
    line is looked for on the next lines (a project name printed under its label)."""

    fields: FieldReader
    form: Form
    seq: int
    issues: list[Issue]
    waiting: tuple[str, int] | None = None  # (label, line_no) of a value to be found on the next lines
    fragments: list[Piece] = field(default_factory=list)

    MAX_VALUE_LINES = 3

    def feed(self, piece: Piece) -> None:
        tokens = piece.tokens
        self._read_unit_line(piece.text)
        if self.form.fiscal_year is None and len(fold(piece.text)) <= 20:
            self.form.fiscal_year = find_year(piece.text)
        lead, cells = label_cells(tokens)
        if self.waiting and self._continues(piece, lead, cells):
            return
        self.flush()
        for k, (label, value) in enumerate(cells):
            if not value and k == len(cells) - 1 and self._is_known(label):
                self.waiting = (label, piece.line_no)
                continue
            self.fields.read([f"{label}：{' '.join(value)}"], piece.line_no)

    def _continues(self, piece: Piece, lead: list[str], cells: list[tuple[str, list[str]]]) -> bool:
        """Take this line, or its tokens before the first label, as the waiting value.

        True when the whole line was taken; False when the caller is to read it (its labels) as usual.
        """
        label, _ = self.waiting
        if label_key(label) in lexicon.BUDGET_LABELS:
            if cells or parse_amount(piece.text) is None:
                return False  # a blank figure stays blank: never take a label or text as its value
            self.fragments.append(piece)
            self.flush()
            return True
        if title_type(piece.tokens[0]) or is_indicator_header(piece.tokens):
            return False
        if lead and len(self.fragments) < self.MAX_VALUE_LINES:
            self.fragments.append(Piece(piece.line_no, " ".join(lead)))
            return not cells
        return False

    def flush(self) -> None:
        if self.waiting is None:
            return
        label, line_no = self.waiting
        value = join_wrapped([piece.text for piece in self.fragments])
        if len(self.fragments) > 1 or (self.fragments and self.fragments[0].line_no != line_no):
            lines = ", ".join(str(piece.line_no) for piece in self.fragments)
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "field_value_wrapped",
                    f"{label} printed on the line(s) after its label ({lines}); read as {value!r}",
                    line_no,
                    self.seq,
                )
            )
        self.waiting, self.fragments = None, []
        self.fields.read([f"{label}：{value}"], line_no)

    @staticmethod
    def _is_known(label: str) -> bool:
        key = label_key(label)
        return key in lexicon.FIELD_LABELS or key in lexicon.BUDGET_LABELS

    def _read_unit_line(self, text: str) -> None:
        """'金额单位：万元', or a fund block heading '项目资金（万元）', sets the unit every amount on the form
        is printed in."""
        key = fold(text)
        if key.startswith(lexicon.AMOUNT_UNIT_LABELS):
            self.form.amount_unit = "万元" if "万元" in key else "元"
            return
        for token in text.split():
            unit = unit_statement(token)
            if unit:
                self.form.amount_unit = unit


# --- the indicator table: one row per line, wrapped cells re-assembled -----------------------------------


def _is_label(token: str) -> bool:
    key = fold(token)
    return key in lexicon.LEVEL1_LABELS or key in lexicon.LEVEL2_LABELS or key in lexicon.WRAPPER_LABELS


def _is_table_heading(text: str) -> bool:
    """'2020年绩效目标', '年度绩效指标': the heading over an indicator table, not a row."""
    return bool(_TABLE_YEAR_HEADING.match(fold(text)))


@dataclass
class TableReader:
    """Indicator rows of one table.

    A row is "name target" on one line (the target is the last token, with an operator printed
    apart put back on it), or a cell wrapped over several one-token lines. Wrapped lines are held
    as pending fragments until the row is known to be over: a quantitative value ("=100%") closes
    it as its target; a new row or label closes it and its fragments are split into name and target
    where a fragment stops short of the column's wrap width (a wrapped line fills the column).
    """

    form: Form
    seq: int
    wrap: int | None
    issues: list[Issue]
    level1: str | None = None
    level2: str | None = None
    pending: list[Piece] = field(default_factory=list)
    open_row: Indicator | None = None  # a row whose name filled the column: the next line may continue it
    rows_since_label: int = 0

    def feed(self, piece: Piece) -> None:
        tokens = piece.tokens
        if _is_table_heading(piece.text):
            self.close()
            return
        labels: list[str] = []
        while tokens and _is_label(tokens[0]):
            labels.append(tokens.pop(0))
        if labels:
            if len(tokens) == 1 and _QUANTITY.match(tokens[0]) and not self.pending:
                self._label_as_name(labels, tokens[0], piece)
                return
            self.close()
            self._set_categories(labels)
        if len(tokens) >= 2:
            self._full_row(tokens, piece)
        elif tokens:
            self._fragment(tokens[0], piece)

    def close(self, target: Piece | None = None) -> None:
        """End the pending row: its fragments become a name and (where the split shows one) a target."""
        self.open_row = None
        if not self.pending:
            if target is not None:
                self._orphan_target(target)
            return
        fragments, self.pending = self.pending, []
        if target is not None:
            name_parts, target_parts = fragments, [target]
        else:
            cut = next(
                (k for k, f in enumerate(fragments) if not self._fills_column(f.text)), len(fragments) - 1
            )
            name_parts, target_parts = fragments[: cut + 1], fragments[cut + 1 :]
        name = join_wrapped([f.text for f in name_parts])
        value = join_wrapped([f.text for f in target_parts]) or None
        self._note_wrap(name_parts, target_parts, name, value, guessed=target is None and len(fragments) > 1)
        self._emit(name, value, fragments[0].line_no)

    def check_end(self) -> None:
        """A table that stops after a category label, or on a row without a target, was cut off."""
        last = self.form.indicators[-1] if self.form.indicators else None
        cut_row = last is not None and last.target is None
        if not (self.rows_since_label == 0 or cut_row):
            return
        self.form.is_complete = False
        what = (
            f"row {last.name!r} has no target" if cut_row else "the last category label has no rows under it"
        )
        self.issues.append(
            Issue(
                Severity.WARNING,
                "form_truncated_end",
                f"the indicator table stops part-way ({what}); kept as a partial form",
                last.line_no if cut_row else self.form.line_end,
                self.seq,
            )
        )

    # rows

    def _full_row(self, tokens: list[str], piece: Piece) -> None:
        cut = len(tokens) - 1
        if cut >= 2 and _BARE_OPERATOR.match(tokens[cut - 1]):
            cut -= 1  # "居民满意度 ≥ 90%": the operator belongs to the target
        head, value = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        line_no = piece.line_no
        if self.pending:
            if self._fills_column(self.pending[-1].text) or len(self.pending) == 1:
                parts, self.pending = self.pending, []
                name = join_wrapped([f.text for f in parts] + [head])
                self._note_wrap([*parts, Piece(line_no, head)], [], name, value, guessed=False)
                line_no = parts[0].line_no
                self._emit(name, value, line_no)
                self.open_row = None
                return
            self.close()
        if cut > 1:
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "indicator_split_guessed",
                    f"row {piece.text!r} has more than two space-separated parts; "
                    f"the last ({value!r}) is read as the target, the rest as the name",
                    line_no,
                    self.seq,
                )
            )
        row = self._emit(head, value, line_no)
        self.open_row = row if self._fills_column(head) else None

    def _fragment(self, token: str, piece: Piece) -> None:
        if self.open_row is not None and not _QUANTITY.match(token):
            row = self.open_row
            row.name = join_wrapped([row.name, token])
            self.issues.append(
                Issue(
                    Severity.INFO,
                    "indicator_wrapped",
                    f"name continued on line {piece.line_no} after its target; read as {row.name!r}",
                    row.line_no,
                    self.seq,
                )
            )
            if not self._fills_column(token):
                self.open_row = None
            return
        self.open_row = None
        if _QUANTITY.match(token):
            self.close(target=piece)
            return
        self.pending.append(piece)

    def _label_as_name(self, labels: list[str], value: str, piece: Piece) -> None:
        """'满意度 ≥90%': a row whose name is itself a category word; the word is the name, not a label."""
        self.close()
        *categories, name = labels
        if categories:
            self._set_categories(categories)
        self.issues.append(
            Issue(
                Severity.INFO,
                "category_label_as_name",
                f"{name!r} followed only by a value: read as an indicator name, not a category",
                piece.line_no,
                self.seq,
            )
        )
        self._emit(name, value, piece.line_no)

    def _orphan_target(self, piece: Piece) -> None:
        last = self.form.indicators[-1] if self.form.indicators else None
        if last is not None and last.target is None:
            last.target = piece.text
            severity, code, message = (
                Severity.INFO,
                "target_on_own_line",
                f"target of {last.name!r} read from its own line",
            )
        else:
            severity, code, message = (
                Severity.WARNING,
                "orphan_value",
                f"value {piece.text!r} belongs to no indicator row; skipped",
            )
        self.issues.append(Issue(severity, code, message, piece.line_no, self.seq))

    def _emit(self, name: str, target: str | None, line_no: int) -> Indicator:
        if target is None:
            self.issues.append(
                Issue(
                    Severity.WARNING,
                    "indicator_without_target",
                    f"indicator {name!r} has no target",
                    line_no,
                    self.seq,
                )
            )
        row = Indicator(level1=self.level1, level2=self.level2, name=name, target=target, line_no=line_no)
        self.form.indicators.append(row)
        self.rows_since_label += 1
        return row

    # categories and wrapping

    def _set_categories(self, labels: list[str]) -> None:
        for k, label in enumerate(labels):
            key = fold(label)
            if key in lexicon.WRAPPER_LABELS:
                continue
            is_l1, is_l2 = key in lexicon.LEVEL1_LABELS, key in lexicon.LEVEL2_LABELS
            followed_by_l2 = k + 1 < len(labels) and fold(labels[k + 1]) in lexicon.LEVEL2_LABELS
            if is_l1 and (not is_l2 or followed_by_l2 or self.level1 is None):
                self.level1, self.level2 = label, None
            else:
                self.level2 = label
        self.rows_since_label = 0

    def _fills_column(self, text: str) -> bool:
        return self.wrap is not None and display_width(text) >= self.wrap - 1

    def _note_wrap(
        self,
        name_parts: list[Piece],
        target_parts: list[Piece],
        name: str,
        value: str | None,
        *,
        guessed: bool,
    ) -> None:
        parts = name_parts + target_parts
        if len(parts) < 2:
            return
        lines = ", ".join(str(p.line_no) for p in parts)
        how = (
            "split where a line stops short of the column width"
            if self.wrap is not None
            else "no wrap width could be measured: the first line is taken as the name"
        )
        message = f"row wrapped over lines {lines}; read as name {name!r}, target {value!r}"
        self.issues.append(
            Issue(
                Severity.INFO,
                "indicator_split_guessed" if guessed else "indicator_wrapped",
                f"{message} ({how})" if guessed else message,
                parts[0].line_no,
                self.seq,
            )
        )
