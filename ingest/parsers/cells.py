"""Target forms whose table structure was lost: a stream of cells. Layouts `cell_lines_target` and
`flat_target`.

Two ways a form comes out as a plain sequence of cells, with its rows and columns gone:

* **one cell per line** (`cell_lines_target`): a web page or PDF table copied as text. Every cell is
  a line of its own and blank cells leave nothing, so cell boundaries are exact but nothing says
  where a row ends;
* **flattened** (`flat_target`): a whole form run together on one line, cells separated by single
  spaces and a label sometimes glued to the number before it ("600.00同名项目上年预算执行数（万元）：").
  Boundaries are the spaces, plus a cut before every known label glued to a number.

Both are read the same way, by labels and by the form's structure, never by position:

* **forms** start at a form title; cells before the first title are a form (cut off at its start)
  only if they hold form content;
* **header fields and budget figures**: a known label (``lexicon.FIELD_LABELS`` /
  ``BUDGET_LABELS``) takes the cell after it — or, on a flattened line, the tokens up to the next
  label — unless that is a label itself: a blank figure stays blank. The shared ``FieldReader``
  stores them, so units, conversions and conflicts behave as in every other layout;
* **the indicator table** starts after its header cells (一级指标 二级指标 三级指标 指标值). 一级 / 二级
  labels are recognised from the lexicon and carried down; the cells between two labels are
  indicator rows, each a name and a target. Where that run does not split evenly (a blank target, a
  name with a space on a flattened line) the split is chosen by what the cells look like — a target
  starts with a sign or a digit or is a known target word, a name ends like an indicator name — and
  recorded as an issue.

Each repair (a glued label cut off, a name with a space, a row without target, a form cut off at the
end of the file) is an Issue with its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lexicon
from ..model import Form, FormType, Indicator, Issue, Severity
from ..numbers import parse_amount
from ..text import clean_cell, fold
from .pdftext import title_type
from .tables import (
    FieldReader,
    check_form,
    compose_target,
    find_year,
    label_key,
    split_label,
    target_composed_issue,
    unit_statement,
)

_PAGE_MARKER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
_COLON_LABEL = re.compile(r"^([^:：\d]{1,30}?)[:：]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年")
_TABLE_HEADING = re.compile(r"^(?:\d{4}年度?)?(?:年度|长期|中长期)?绩效(?:目标|指标)$")
_OPERATORS = "".join(sorted(lexicon.TARGET_OPERATORS))
_BARE_OPERATOR = re.compile(rf"^[{re.escape(_OPERATORS)}]+$")
_READ_LABELS = {**lexicon.FIELD_LABELS, **lexicon.BUDGET_LABELS}
# A known label glued to the number before it: "600.00同名项目上年预算执行数（万元）：588.36".
_GLUED_LABEL = re.compile(
    r"(?<=\d)(?=(?:"
    + "|".join(re.escape(label) for label in sorted(_READ_LABELS, key=len, reverse=True))
    + "))"
)
_STOP_LABELS = (
    set(_READ_LABELS)
    | lexicon.FORM_ROW_LABELS
    | lexicon.HEADER_ROW_LABELS
    | lexicon.AMOUNT_UNIT_BLOCK_LABELS
    | lexicon.WRAPPER_LABELS
    | set(lexicon.INDICATOR_HEADER)
)
_MAX_NAME_TOKENS = 4  # a flattened name may hold spaces; never more than this many tokens

# Scores for splitting a run of cells into rows (name, target): see ``split_rows``.
_TARGET_LIKE, _TARGET_PLAIN, _TARGET_NAME_LIKE, _NO_TARGET = 3, 1, -2, -4
_NAME_LOOKS_LIKE_TARGET, _NAME_EXTRA_TOKEN, _NAME_ENDING = -3, -3, 1


@dataclass(frozen=True)
class Cell:
    line_no: int
    text: str

    @property
    def key(self) -> str:
        return fold(self.text)


# --- the two ways of getting cells ------------------------------------------------------------------


def parse_cell_lines(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    """Layout `cell_lines_target`: every non-blank line is one cell."""
    notes: list[tuple[int, Issue]] = []
    cells = []
    for i, line in enumerate(lines):
        text = clean_cell(line.replace("\f", " "))
        if not text:
            continue
        if _PAGE_MARKER.match(text):
            notes.append(
                (
                    len(cells),
                    Issue(Severity.INFO, "page_marker_skipped", f"page marker {text!r} skipped", i + 1),
                )
            )
            continue
        cells.append(Cell(i + 1, text))
    return read_stream(cells, exact=True, notes=notes)


def parse_flat(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    """Layout `flat_target`: whitespace-separated tokens, with labels glued to a number cut off."""
    notes: list[tuple[int, Issue]] = []
    cells = []
    for i, line in enumerate(lines):
        for token in clean_cell(line.replace("\f", " ")).split():
            parts = [part for part in _GLUED_LABEL.split(token) if part]
            if len(parts) > 1:
                message = f"{token!r}: a label runs on from the number before it; read as {' | '.join(parts)}"
                notes.append((len(cells), Issue(Severity.INFO, "label_glued", message, i + 1)))
            cells.extend(Cell(i + 1, part) for part in parts)
    return read_stream(cells, exact=False, notes=notes)


# --- forms in the stream ------------------------------------------------------------------------------


@dataclass
class Segment:
    start: int  # index of the first cell
    end: int  # exclusive
    form_type: FormType
    has_title: bool


def read_stream(
    cells: list[Cell], *, exact: bool, notes: list[tuple[int, Issue]]
) -> tuple[list[Form], list[Issue]]:
    """Forms from the cells; ``notes`` are repairs made while cutting the cells, by the cell they precede."""
    segments = split_forms(cells)
    issues: list[Issue] = []
    for at, issue in notes:  # a repair belongs to the form whose cells hold it
        issue.form_seq = next((seq for seq, s in enumerate(segments, 1) if s.start <= at < s.end), None)
        issues.append(issue)
    forms = []
    for seq, segment in enumerate(segments, 1):
        reader = FormReader(cells[segment.start : segment.end], segment, seq, exact, issues)
        forms.append(reader.read(is_last=segment.end == len(cells)))
    return forms, issues


def split_forms(cells: list[Cell]) -> list[Segment]:
    """One form per title (a continuation sheet's title continues the form); cells before the first
    title are a form only if they hold form content."""
    starts: list[tuple[int, FormType]] = []
    for k, cell in enumerate(cells):
        title = title_type(cell.text)
        if title and not (title[1] and starts):
            starts.append((k, title[0]))
    segments = [
        Segment(start, starts[n + 1][0] if n + 1 < len(starts) else len(cells), form_type, True)
        for n, (start, form_type) in enumerate(starts)
    ]
    first = starts[0][0] if starts else len(cells)
    if first and _has_form_content(cells[:first]):
        segments.insert(0, Segment(0, first, FormType.TARGET, False))
    return segments


def _has_form_content(cells: list[Cell]) -> bool:
    return find_table_header(cells) is not None or any(
        label_key(split_label(cell.text)[0]) in lexicon.BUDGET_LABELS for cell in cells
    )


def find_table_header(cells: list[Cell]) -> tuple[int, list[str]] | None:
    """(index after the header, roles) of the first run of indicator header cells naming a name column
    and a 一级 or target column."""
    k = 0
    while k < len(cells):
        roles = []
        end = k
        while end < len(cells) and cells[end].key in lexicon.INDICATOR_HEADER:
            roles.append(lexicon.INDICATOR_HEADER[cells[end].key])
            end += 1
        if "name" in roles and ("level1" in roles or "target" in roles):
            return end, roles
        k = max(end, k + 1)
    return None


def is_boundary(cell: Cell) -> bool:
    """A label, heading or title: never the value of the label before it."""
    head, _ = split_label(cell.text)
    if label_key(head) in _STOP_LABELS or cell.key in _STOP_LABELS:
        return True
    colon = _COLON_LABEL.match(cell.text)
    if colon and _HAN.search(colon.group(1)):
        return True
    return bool(unit_statement(cell.text) or title_type(cell.text) or _TABLE_HEADING.match(cell.key))


# --- one form -----------------------------------------------------------------------------------------


class FormReader:
    def __init__(self, cells: list[Cell], segment: Segment, seq: int, exact: bool, issues: list[Issue]):
        self.cells = cells
        self.segment = segment
        self.seq = seq
        self.exact = exact
        self.issues = issues
        self.form = Form(form_type=segment.form_type, line_start=cells[0].line_no, line_end=cells[-1].line_no)
        self.fields = FieldReader(self.form, issues, seq)

    def issue(self, severity: Severity, code: str, message: str, line_no: int | None) -> None:
        self.issues.append(Issue(severity, code, message, line_no, self.seq))

    def read(self, *, is_last: bool) -> Form:
        header = find_table_header(self.cells)
        if header is not None:
            end, roles = header
            start = end - len(roles)
        else:
            start = end = self._untitled_table_start()
            roles = ["level1", "level2", "name", "target"]
        self._read_header(self.cells[:start])
        if end is not None and end < len(self.cells):
            table = TableReader(self, roles)
            table.read(self.cells[end:])
            if is_last and table.ran_to_end:
                table.check_end()
        check_form(self.form, self.seq, self.issues, self.segment.has_title)
        return self.form

    def _untitled_table_start(self) -> int | None:
        """A 一级 label after the budget figures starts the indicator table even without its header."""
        seen_budget = False
        for k, cell in enumerate(self.cells):
            seen_budget = seen_budget or label_key(split_label(cell.text)[0]) in lexicon.BUDGET_LABELS
            if seen_budget and cell.key in lexicon.LEVEL1_LABELS:
                self.issue(
                    Severity.INFO,
                    "indicator_header_missing",
                    f"indicator rows start at {cell.text!r} without a 一级/二级/三级 header",
                    cell.line_no,
                )
                return k
        return None

    # header: labels and the cells after them

    def _read_header(self, cells: list[Cell]) -> None:
        form = self.form
        for k, cell in enumerate(cells):
            unit = unit_statement(cell.text)
            if unit:
                form.amount_unit = unit
            if form.fiscal_year is None:
                form.fiscal_year = self._year(cell)
            head, tail = split_label(cell.text)
            attr = _READ_LABELS.get(label_key(head))
            if attr is None:
                continue
            is_amount = label_key(head) in lexicon.BUDGET_LABELS
            value = self._value(cells, k, tail, is_amount)
            self.fields.read([head, value or ""], cell.line_no)

    def _year(self, cell: Cell) -> int | None:
        if len(cell.key) > 40:
            return None
        if title_type(cell.text):
            match = _TITLE_YEAR.search(cell.key)
            return int(match.group(1)) if match and 1990 <= int(match.group(1)) <= 2100 else None
        return find_year(cell.text) if len(cell.key) <= 20 else None

    def _value(self, cells: list[Cell], k: int, tail: str | None, is_amount: bool) -> str | None:
        """The value of the label at ``k``: the text after its colon, or the cell(s) after it."""
        following = []
        for cell in cells[k + 1 :]:
            if is_boundary(cell):
                break
            following.append(cell.text)
            if self.exact or is_amount:
                break  # one cell per line: the value is one cell; a figure is one token
        if is_amount:
            if tail is not None:
                return tail
            if following and not _number_like(following[0]):
                return None  # text after a blank figure is the next row's, not the figure
            return following[0] if following else None
        if self.exact:
            return tail if tail is not None else (following[0] if following else None)
        return self._flat_text_value(cells[k], tail, following)

    def _flat_text_value(self, label: Cell, tail: str | None, following: list[str]) -> str | None:
        """On a flattened line a name is one token, and a bracketed token after it ('（第二批）')
        continues it; further tokens before the next label are another, unlabelled cell."""
        parts = [tail] if tail else following[:1]
        rest = following[1:] if not tail else following
        while rest and rest[0][:1] in "(（":
            parts.append(rest.pop(0))
        if parts and rest:
            self.issue(
                Severity.INFO,
                "field_value_cut",
                f"{split_label(label.text)[0]} read as {' '.join(parts)!r}; the text after it up to the next "
                f"label ({_short(' '.join(rest))!r}) is not part of it",
                label.line_no,
            )
        return " ".join(parts) or None


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else f"{text[:size]}…"


def _number_like(text: str) -> bool:
    key = fold(text)
    return parse_amount(text) is not None or bool(key[:1].isdigit() or key[:1] in "+-")


def _target_like(text: str) -> bool:
    key = fold(text)
    if not key:
        return False
    if key[0] in lexicon.TARGET_OPERATORS or key[0].isdigit() or key.endswith("%"):
        return True
    return key in lexicon.TARGET_WORDS


def _name_like(text: str) -> bool:
    return fold(text).endswith(lexicon.INDICATOR_NAME_SUFFIXES) and not _target_like(text)


# --- the indicator table ------------------------------------------------------------------------------


@dataclass
class TableReader:
    owner: FormReader
    roles: list[str | None]
    level1: str | None = None
    level2: str | None = None
    labels: list[Cell] = field(default_factory=list)  # category labels waiting for their rows
    run: list[Cell] = field(default_factory=list)  # cells between two labels
    rows_since_label: int = 0
    ran_to_end: bool = True

    @property
    def value_roles(self) -> list[str | None]:
        roles = self.roles[self.roles.index("name") + 1 :]
        while roles and roles[-1] is None:
            roles.pop()
        return roles or ["target"]

    def read(self, cells: list[Cell]) -> None:
        for cell in cells:
            if self._ends_table(cell):
                self.ran_to_end = False
                break
            if _TABLE_HEADING.match(cell.key) or cell.key in lexicon.INDICATOR_HEADER:
                continue  # a heading, or the header printed again after a page break
            if _is_category(cell):
                if self.run:
                    self._flush()
                self.labels.append(cell)
                continue
            if self.labels and not self.run and _target_like(cell.text):
                self._label_as_name(cell)
                continue
            self._apply_labels()
            self.run.append(cell)
        self._flush()
        self._apply_labels()

    @staticmethod
    def _ends_table(cell: Cell) -> bool:
        head, _ = split_label(cell.text)
        key = label_key(head)
        return (
            key in _READ_LABELS
            or cell.key.startswith(lexicon.TABLE_END_LABELS)
            or bool(title_type(cell.text))
        )

    def _label_as_name(self, value: Cell) -> None:
        """'满意度 ≥90%': a category word followed only by a value is the row's name, not a label."""
        name = self.labels.pop()
        self._apply_labels()
        self.owner.issue(
            Severity.INFO,
            "category_label_as_name",
            f"{name.text!r} followed only by a value: read as an indicator name, not a category",
            name.line_no,
        )
        self._emit(name.text, {"target": value.text}, name.line_no)

    def _apply_labels(self) -> None:
        """Category labels in a row: 一级 then 二级; 成本指标 is 二级 under 产出指标 unless a 二级 follows it."""
        labels, self.labels = self.labels, []
        for k, cell in enumerate(labels):
            key = cell.key
            if key in lexicon.WRAPPER_LABELS:
                continue
            is_l1, is_l2 = key in lexicon.LEVEL1_LABELS, key in lexicon.LEVEL2_LABELS
            followed_by_l2 = k + 1 < len(labels) and labels[k + 1].key in lexicon.LEVEL2_LABELS
            if is_l1 and (not is_l2 or followed_by_l2 or self.level1 is None):
                self.level1, self.level2 = cell.text, None
            else:
                self.level2 = cell.text
        if labels:
            self.rows_since_label = 0

    def _flush(self) -> None:
        run, self.run = self.run, []
        if not run:
            return
        width = 1 + len(self.value_roles)
        if width > 2:
            self._fixed_width_rows(run, width)
            return
        for name_cells, target in split_rows(_join_operators(run), exact=self.owner.exact):
            name = " ".join(cell.text for cell in name_cells)
            line_no = name_cells[0].line_no
            if len(name_cells) > 1:
                self.owner.issue(
                    Severity.INFO,
                    "indicator_split_guessed",
                    f"row read as name {name!r}, target {target.text if target else None!r}: the name has "
                    "spaces, so where it ends is judged from what the cells look like",
                    line_no,
                )
            self._emit(name, {"target": target.text} if target else {}, line_no)

    def _fixed_width_rows(self, run: list[Cell], width: int) -> None:
        """Rows with more than a target after the name (指标性质 / 指标值 / 度量单位, 备注): cut every
        ``width`` cells; only exact when no cell was left blank, which the count shows."""
        if len(run) % width:
            self.owner.issue(
                Severity.WARNING,
                "indicator_cells_unaligned",
                f"{len(run)} cells between category labels do not make whole rows of {width}; "
                "read in order, a blank cell would shift the rest",
                run[0].line_no,
            )
        for k in range(0, len(run), width):
            chunk = run[k : k + width]
            values = dict(zip(self.value_roles, (cell.text for cell in chunk[1:]), strict=False))
            self._emit(chunk[0].text, {r: v for r, v in values.items() if r}, chunk[0].line_no)

    def _emit(self, name: str, values: dict[str, str], line_no: int) -> None:
        target = values.get("target")
        if "target_operator" in values or "target_unit" in values:
            parts = [values.get(role) or "" for role in ("target_operator", "target", "target_unit")]
            target = compose_target(*parts)
            self.owner.issues.append(target_composed_issue(name, parts, target, line_no, self.owner.seq))
        if target is None:
            self.owner.issue(
                Severity.WARNING,
                "indicator_without_target",
                f"indicator {name!r} has no target (its cell is blank or missing)",
                line_no,
            )
        self.owner.form.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                name=name,
                target=target,
                line_no=line_no,
                note=values.get("note"),
            )
        )
        self.rows_since_label += 1

    def check_end(self) -> None:
        """A table that stops after a category label, or on a row without a target, was cut off."""
        form = self.owner.form
        last = form.indicators[-1] if form.indicators else None
        cut_row = last is not None and last.target is None
        if not (self.rows_since_label == 0 or cut_row):
            return
        form.is_complete = False
        what = (
            f"row {last.name!r} has no target" if cut_row else "the last category label has no rows under it"
        )
        self.owner.issue(
            Severity.WARNING,
            "form_truncated_end",
            f"the document ends inside the indicator table ({what}); kept as a partial form",
            last.line_no if cut_row else form.line_end,
        )


def _is_category(cell: Cell) -> bool:
    key = cell.key
    return key in lexicon.LEVEL1_LABELS or key in lexicon.LEVEL2_LABELS or key in lexicon.WRAPPER_LABELS


def _join_operators(run: list[Cell]) -> list[Cell]:
    """'≥' '350天' → '≥ 350天': a sign printed apart from its number belongs to the target, as printed."""
    joined: list[Cell] = []
    for cell in run:
        if joined and _BARE_OPERATOR.match(joined[-1].key) and not _BARE_OPERATOR.match(cell.key):
            joined[-1] = Cell(joined[-1].line_no, f"{joined[-1].text} {cell.text}")
        else:
            joined.append(cell)
    return joined


def split_rows(run: list[Cell], *, exact: bool) -> list[tuple[list[Cell], Cell | None]]:
    """The best split of a run of cells into rows of (name cells, target cell or none).

    Each row scores by what its cells look like: a target that starts with a sign or a digit, ends
    in %, or is a known target word scores high; a "target" that ends like an indicator name, a name
    that looks like a target, a name of several tokens and a row without target score low. One cell
    per line gives one-cell names; a flattened line allows names of up to ``_MAX_NAME_TOKENS`` tokens.
    """
    n = len(run)
    max_name = 1 if exact else _MAX_NAME_TOKENS
    best: list[tuple[float, list[tuple[int, int, bool]]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        score_i, rows_i = best[i]
        for j in range(i + 1, min(n, i + max_name) + 1):
            name_score = _name_score(run[i:j])
            options = [(j, _NO_TARGET, False)]
            if j < n:
                options.append((j + 1, _target_score(run[j].text), True))
            for end, target_score, has_target in options:
                total = score_i + name_score + target_score
                if best[end] is None or total > best[end][0]:
                    best[end] = (total, [*rows_i, (i, j, has_target)])
    _, rows = best[n]
    return [(run[i:j], run[j] if has_target else None) for i, j, has_target in rows]


def _name_score(cells: list[Cell]) -> float:
    score = _NAME_EXTRA_TOKEN * (len(cells) - 1)
    if _target_like(cells[0].text):
        score += _NAME_LOOKS_LIKE_TARGET
    if fold(cells[-1].text).endswith(lexicon.INDICATOR_NAME_SUFFIXES):
        score += _NAME_ENDING
    return score


def _target_score(text: str) -> float:
    if _target_like(text):
        return _TARGET_LIKE
    if _name_like(text):
        return _TARGET_NAME_LIKE
    return _TARGET_PLAIN
