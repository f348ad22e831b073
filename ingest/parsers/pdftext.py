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

Where each part lives:

* this module: ``parse``, the cut into forms (at form titles), and ``read_form``, which sends each
  line of a form to the header or to the indicator table;
* ``pdftext_pieces``: lines to pieces, form titles, label/value tokens, wrapped text joined;
* ``pdftext_header``: header fields and budget figures, values printed under their labels;
* ``pdftext_table``: the indicator table's rows and the wrap width of its cells.
"""

from __future__ import annotations

from .. import lexicon
from ..model import Form, FormType, Issue, Severity
from ..text import fold
from .pdftext_header import HeaderReader
from .pdftext_pieces import Piece, Segment, label_cells, split_label_token, title_type, to_pieces
from .pdftext_table import TableReader, column_width
from .tables import FieldReader, check_form, is_indicator_header, label_key


def parse(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    issues: list[Issue] = []
    segments = split_forms(to_pieces(lines, issues))
    _assign_to_forms(issues, segments)
    wrap = column_width(segments)
    forms = [read_form(segment, seq, wrap, issues) for seq, segment in enumerate(segments, 1)]
    return forms, issues


# --- pieces to forms -----------------------------------------------------------------------------------


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
    label, _ = split_label_token(tokens[0])
    known = label is not None and (
        label_key(label) in lexicon.FIELD_LABELS or label_key(label) in lexicon.BUDGET_LABELS
    )
    return known or key.startswith(lexicon.TABLE_END_LABELS)
