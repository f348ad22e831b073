"""The one form reader: a stream of cells in, forms out, for every text shape and both form types.

* **Boundaries**: a title (…绩效目标表, …申报表, …自评表) starts a form once the form before it has
  content; titles repeated before any content (a page heading, then the form's own) are one form.
* **Header fields** by their labels (``vocabulary.FIELDS``): the value is the next cell that is not
  a label, so a blank field stays blank and a label is never taken as a value.
* **Budget figures** by their labels; figures may follow their labels at once or a row later
  (labels in one row, figures in the next), so pending labels are a queue the figures fill in order.
* **A self-evaluation's fund block**: its column header gives the order, the 年度资金总额 row the
  figures; when cells are missing or printed together, the reading whose 执行率 equals
  执行数 / 全年预算数 wins.
* **The indicator table**: see ``table``.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from ..lexicon import CONTINUATION_SHEETS
from ..model import Form, FormType, Issue, Severity
from ..numbers import parse_amount
from . import values as v
from . import vocabulary as vocab
from .cells import Cell, cells_of, label_key
from .table import IndicatorTable, header_role, level1_of

_YEAR_OF_FORM = re.compile(r"((?:19|20)\d{2})\s*年\s*度")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_UNIT_STATEMENT = re.compile(r"(?:^|单位[:：]?)\s*(?:\()?(万元|元)(?:\))?$")
_CODE_PREFIX = re.compile(r"^(?:[\[(][0-9A-Za-z]+[\])]|[0-9A-Z]{6,}[-_—\s]+)")
_SEAL = re.compile(r"[(（]?盖章[)）]?")
_TO_FORM_UNIT = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}
_MAX_LABEL = 24


def read_forms(lines: list[str]) -> tuple[list[Form], list[Issue]]:
    cells = cells_of(lines)
    issues: list[Issue] = []
    forms = []
    for seq, segment in enumerate(split_forms(cells), 1):
        forms.append(FormReader(segment, seq, issues).read())
    return forms, issues


def title_type(cell: Cell) -> FormType | None:
    key = cell.key
    if len(key) > 60 or any(mark in key for mark in "。,;"):
        return None
    if key.endswith(CONTINUATION_SHEETS):
        return None  # a later sheet of the same form: 申报表(绩效目标)
    for word, form_type in vocab.TITLES:
        if word in key:
            return FormType(form_type)
    return None


_FIELD_PATTERNS = [(re.compile(pattern), attr, rank) for pattern, attr, rank in vocab.FIELD_PATTERNS]


def field_for(key: str) -> tuple[str, int] | None:
    """The header field a label names, with its rank, or None."""
    if key in vocab.FIELDS:
        return vocab.FIELDS[key], vocab.FIELD_PRIORITY.get(key, 2)
    if len(key) <= 16:
        for pattern, attr, rank in _FIELD_PATTERNS:
            if pattern.match(key):
                return attr, rank
    return None


def is_label(cell: Cell) -> bool:
    key = cell.key
    if len(key) > _MAX_LABEL:
        return False
    return (
        field_for(key) is not None
        or key in vocab.AMOUNTS
        or key in vocab.FUND_COLUMNS
        or key in vocab.FUND_TOTAL_ROWS
        or key in vocab.FUND_SUB_ROWS
        or key in vocab.STOP_LABELS
        or key in ("其中", vocab.TOTAL_SCORE)
        or header_role(key) is not None
        or level1_of(cell) is not None
        or title_type(cell) is not None
    )


def _title_head(head: Cell, title: Cell) -> bool:
    """The first words of a title that run-together text cut off before its form word:
    "2023年度项目支出" | "绩效目标表"."""
    return head.line_no == title.line_no and title.glued and len(head.key) <= 30 and not is_label(head)


@dataclass
class Segment:
    cells: list[Cell]
    title: int | None  # index of the title cell, None for a form cut off before its title
    form_type: FormType


def split_forms(cells: list[Cell]) -> list[Segment]:
    segments: list[Segment] = []
    start, title, form_type = 0, None, FormType.TARGET
    has_name = has_table = False
    for k, cell in enumerate(cells):
        found = title_type(cell)
        key = cell.key
        is_name_label = (field_for(key) or ("",))[0] == "project_name"
        new_untitled = is_name_label and has_name and has_table
        if (found and (has_name or has_table)) or new_untitled:
            cut = k - 1 if found and k - 1 > start and _title_head(cells[k - 1], cell) else k
            if title is not None or has_name or has_table:
                segments.append(Segment(cells[start:cut], title, form_type))
            title = k - cut if found else None
            start, has_name, has_table = cut, False, False
            form_type = found or form_type
            has_name = is_name_label
            has_table = header_role(key) in ("level1", "level2")
            continue
        if found:
            if title is None and not segments:
                start = k - 1 if k > 0 and _title_head(cells[k - 1], cell) else k
            title, form_type = k - start, found
        has_name = has_name or is_name_label
        has_table = has_table or header_role(key) in ("level1", "level2")
    if title is not None or has_name or has_table:
        segments.append(Segment(cells[start:], title, form_type))
    return segments


@dataclass
class FormReader:
    segment: Segment
    seq: int
    issues: list[Issue]
    form: Form = field(init=False)
    pending_field: tuple[str, int] | None = None
    pending_amounts: deque = field(default_factory=deque)
    fund_columns: list[str] = field(default_factory=list)
    fund_values: list[str] | None = None
    field_rank: dict[str, int] = field(default_factory=dict)
    table: IndicatorTable | None = None
    table_done: bool = False
    total_values: list[str] | None = None
    saw_total: bool = False
    field_cell: Cell | None = None  # the cell a header field was last read from

    def __post_init__(self) -> None:
        cells = self.segment.cells
        self.form = Form(
            form_type=self.segment.form_type,
            line_start=cells[0].line_no if cells else 1,
            line_end=cells[-1].line_no if cells else 1,
        )

    def note(self, severity: Severity, code: str, message: str, line_no: int | None = None) -> None:
        self.issues.append(Issue(severity, code, message, line_no, self.seq))

    def read(self) -> Form:
        cells = self.segment.cells
        self.form.fiscal_year = self._year()
        k = 0
        while k < len(cells):
            cell = cells[k]
            if self.table is not None and not self.table_done:
                if self._ends_table(cell):
                    self.table_done = True
                else:
                    self.table.cells.append(cell)
                    k += 1
                    continue
            header = self._table_header(k)
            if header:
                self._close_runs()
                self.table = IndicatorTable.from_header(
                    cells[k : k + header], self.form.form_type == "self_eval"
                )
                if self.table.self_eval:
                    self.form.form_type = FormType.SELF_EVAL
                k += header
                continue
            self._read_cell(cell)
            k += 1
        self._close_runs()
        self._finish()
        return self.form

    # --- boundaries and year -------------------------------------------------------------------

    def _year(self) -> int | None:
        cells = self.segment.cells
        t = self.segment.title
        windows = []
        if t is not None:
            windows.append(" ".join(c.text for c in cells[max(0, t - 2) : t + 4]))
        windows.append(" ".join(c.text for c in cells[:40]))
        for pattern in (_YEAR_OF_FORM, _YEAR):
            for window in windows:
                match = pattern.search(v.nfkc(window))
                if match:
                    return int(match.group(1))
        return None

    def _ends_table(self, cell: Cell) -> bool:
        key = cell.key
        return len(key) <= 40 and (key == "注" or any(key.startswith(end) for end in vocab.TABLE_END))

    def _table_header(self, k: int) -> int:
        """Length of the indicator-table header starting at cell k, 0 when none starts there."""
        cells = self.segment.cells
        if self.table is not None or header_role(cells[k].key) is None:
            return 0
        end = k
        roles = set()
        while end < len(cells) and (role := header_role(cells[end].key)) is not None:
            roles.add(role)
            end += 1
        if "name" in roles and ("level1" in roles or "level2" in roles):
            return end - k
        return 0

    # --- header fields and budget figures ------------------------------------------------------

    def _read_cell(self, cell: Cell) -> None:
        key = cell.key
        if cell.after_number:
            self.note(
                Severity.INFO,
                "label_glued",
                f"label {cell.text!r} printed straight after a figure; read as a label",
                cell.line_no,
            )
        last_field, self.field_cell = self.field_cell, None
        if self.fund_values is not None:
            if self._fund_value(cell):
                return
            self._close_fund_row()
        if self.total_values is not None:
            if v.number(cell.text) is not None or v.is_number_run(cell.text) or cell.key in vocab.GRADES:
                self.total_values.append(cell.text)
                if len(self.total_values) < 4:
                    return
            self._close_total()
        if title_type(cell) or len(key) > _MAX_LABEL + 16:
            if self.pending_field and not title_type(cell):
                self._set_field(cell.text)
            self.pending_amounts.clear()
            return
        unit = self._unit_statement(cell)
        if unit:
            self._set_unit(unit, cell)
        if key in vocab.LABEL_TAILS:
            return
        named = field_for(key)
        if named:
            self.pending_field = named
            self.pending_amounts.clear()
            return
        if key == vocab.TOTAL_SCORE:
            self.saw_total = True
            self.total_values = []
            return
        if key in vocab.FUND_COLUMNS and self.table is None:
            meaning = vocab.FUND_COLUMNS[key]
            if meaning not in self.fund_columns:
                self.fund_columns.append(meaning)
            self.pending_field = None
            return
        if key in vocab.FUND_TOTAL_ROWS and self._fund_header_seen() and self.table is None:
            self.fund_values = []
            self.pending_field = None
            return
        if key in vocab.AMOUNTS:
            self.pending_amounts.append((vocab.AMOUNTS[key], cell))
            self.pending_field = None
            return
        if key in vocab.FUND_SUB_ROWS or key == "其中":
            if key != "其中":
                self.pending_amounts.append((None, cell))
            self.pending_field = None
            return
        if is_label(cell) or unit:
            self.pending_field = None
            if not unit:
                self.pending_amounts.clear()
            return
        if self.pending_field:
            self._set_field(cell.text)
            self.field_cell = cell
            return
        if last_field and cell.spaced and cell.line_no == last_field.line_no and not self.pending_amounts:
            self.note(
                Severity.INFO,
                "field_value_cut",
                f"{last_field.text!r} read as a value up to the next cell; the unlabelled {cell.text!r} after it is not read",
                cell.line_no,
            )
        if self.pending_amounts:
            amount = parse_amount(cell.text)
            if amount is not None:
                attr, label = self.pending_amounts.popleft()
                if attr:
                    self._set_amount(attr, label, amount, cell)
                return
            if not v.is_blank(cell.text):
                self.pending_amounts.clear()

    def _set_field(self, text: str) -> None:
        attr, rank = self.pending_field
        self.pending_field = None
        value = _SEAL.sub("", text).strip()
        value = _CODE_PREFIX.sub("", value).strip(" :：")
        if not value or v.is_blank(value) or self._unit_statement(Cell(value, 0, 0)):
            return
        if v.looks_like_target(value) and attr != "project_category" and not v.has_han(value[:2]):
            return
        if attr == "grade" and value not in vocab.GRADES:
            return
        if attr == "project_category" and re.fullmatch(r"(?:新增|延续|新|续)项目?", value):
            return  # 项目属性 新增/延续 says whether the project is new, not its category
        if attr == "project_category" and ("□" in value or "☐" in value):
            ticked = [part for part in re.split(r"[□☐]", value) if re.search(r"[√☑■✓✔]", part)]
            value = re.sub(r"[√☑■✓✔\s]", "", ticked[0]) if ticked else ""
            if not value:
                return
        current = getattr(self.form, attr)
        if current is None or rank > self.field_rank.get(attr, -1):
            setattr(self.form, attr, value)
            self.field_rank[attr] = rank

    def _unit_statement(self, cell: Cell) -> str | None:
        key = cell.key if cell.line_no else label_key(cell.text)
        text = v.nfkc(cell.text).replace(" ", "")
        if len(text) > 30:
            return None
        if _UNIT_STATEMENT.search(text) and ("单位" in text or text.startswith("(")):
            return _UNIT_STATEMENT.search(text).group(1)
        marker = re.search(r"\((万元|元)\)", text)
        if marker and key and not v.number(key):
            return marker.group(1)
        return None

    def _set_unit(self, unit: str, cell: Cell) -> None:
        if self.form.amount_unit is None:
            self.form.amount_unit = unit

    def _set_amount(self, attr: str, label: Cell, amount, cell: Cell) -> None:
        if getattr(self.form, attr) is not None:
            return  # the first statement of a figure wins
        figure = amount.value
        if self.form.amount_unit is None:
            self.form.amount_unit = amount.unit
        elif amount.unit and amount.unit != self.form.amount_unit:
            figure = (figure * _TO_FORM_UNIT[(amount.unit, self.form.amount_unit)]).quantize(Decimal("0.01"))
            self.note(
                Severity.INFO,
                "amount_unit_converted",
                f"{label.text} {cell.text!r} stored as {figure} {self.form.amount_unit}",
                cell.line_no,
            )
        setattr(self.form, attr, figure)

    # --- a self-evaluation's fund block and total ----------------------------------------------

    def _fund_header_seen(self) -> bool:
        return sum(m in self.fund_columns for m in ("initial_budget", "full_year_budget", "executed")) >= 2

    def _fund_value(self, cell: Cell) -> bool:
        text = v.nfkc(cell.text).replace(" ", "")
        if v.number(text) is not None or v.rate(text) is not None or parse_amount(text) is not None:
            self.fund_values.append((text, False))
            return True
        if v.is_number_run(text):
            self.fund_values.append((text, cell.glued))  # figures printed together: only run-together text
            return True
        if v.is_blank(text) and text:
            self.fund_values.append(("", False))
            return True
        return False

    def _close_fund_row(self) -> None:
        raw, self.fund_values = self.fund_values, None
        if not raw:
            return
        reading = read_fund_row(self.fund_columns, raw)
        if reading is None:
            self.note(
                Severity.WARNING,
                "fund_row_unreadable",
                f"年度资金总额 figures {[text for text, _ in raw]} fit no reading of the columns {self.fund_columns}",
            )
            return
        for attr, value in reading.items():
            if attr == "rate":
                self.form.execution_rate_stated = value
            elif (
                attr in ("initial_budget", "full_year_budget", "executed")
                and getattr(self.form, attr) is None
            ):
                setattr(self.form, attr, value)
        if self.form.amount_unit is None:
            units = {parse_amount(x).unit for x, _ in raw if parse_amount(x)}
            self.form.amount_unit = next((u for u in units if u), None)

    def _close_total(self) -> None:
        """总分 is followed by the weights' sum (100) and the score, or by the score alone; a run
        printed together ("100100") is cut where the first part is 100."""
        raw, self.total_values = self.total_values, None
        numbers: list[Decimal] = []
        for text in raw or []:
            if text in vocab.GRADES:
                self.form.grade = text
                continue
            value = v.number(text)
            if value is not None and value <= 100:
                numbers.append(value)
                continue
            digits = re.match(r"[\d.]*", v.nfkc(text)).group()
            cuts = [c for c in v.split_run(digits, 2) if all(Decimal(x) <= 100 for x in c)]
            cuts.sort(key=lambda c: Decimal(c[0]) != 100)
            if cuts:
                numbers += [Decimal(x) for x in cuts[0]]
        if len(numbers) >= 2:
            self.form.total_score = numbers[1]
        elif numbers:
            self.form.total_score = numbers[0]

    def _settle_budget_figures(self) -> None:
        form = self.form
        if form.form_type == FormType.SELF_EVAL:
            if form.full_year_budget is None and form.budget_current is not None:
                form.full_year_budget, form.budget_current = form.budget_current, None  # its 预算数
        elif form.budget_total is not None and form.budget_current is None:
            # one figure (资金总额) with no year's figure beside it: the form's annual budget
            form.budget_current, form.budget_total = form.budget_total, None

    def _assume_unit(self) -> None:
        """A form that states no unit for its figures: the national template's fund block is in
        万元, so small figures are taken as 万元; large ones (a yuan figure runs to six digits) as 元."""
        form = self.form
        amounts = [
            getattr(form, a)
            for a in ("budget_total", "budget_current", "initial_budget", "full_year_budget", "executed")
        ]
        amounts = [a for a in amounts if a is not None]
        if form.amount_unit is not None or not amounts:
            return
        form.amount_unit = "万元" if max(amounts) < 100000 else "元"
        self.note(
            Severity.WARNING,
            "amount_unit_assumed",
            f"no unit printed for the form's figures; {form.amount_unit} assumed from their size",
            form.line_start,
        )

    def _close_runs(self) -> None:
        if self.fund_values is not None:
            self._close_fund_row()
        if self.total_values is not None:
            self._close_total()

    def _finish(self) -> None:
        form = self.form
        if self.table is not None:
            form.indicators = self.table.indicators()
            for row in self.table.guesses:
                self.note(
                    Severity.INFO,
                    "indicator_split_guessed",
                    f"name {row.name!r} printed with a space; read as one name",
                    row.line_no,
                )
            if form.form_type == FormType.TARGET:
                for row in form.indicators:
                    if row.target is None:
                        self.note(
                            Severity.WARNING,
                            "indicator_without_target",
                            f"{row.name!r} has no target",
                            row.line_no,
                        )
            if not self.table_done and form.indicators and form.indicators[-1].target is None:
                form.is_complete = False
                self.note(
                    Severity.WARNING,
                    "form_truncated_end",
                    "the text ends inside the indicator table, at a row without its target",
                    form.line_end,
                )
        self._settle_budget_figures()
        if any(a is not None for a in (form.initial_budget, form.full_year_budget, form.executed)):
            form.form_type = FormType.SELF_EVAL
        self._assume_unit()
        line = form.line_start
        if self.segment.title is None:
            form.is_complete = False
            self.note(
                Severity.WARNING,
                "form_truncated_start",
                "the text starts in the middle of a form; kept as a partial form",
                line,
            )
        if not form.indicators:
            form.is_complete = False
            self.note(
                Severity.WARNING,
                "no_indicators",
                "the form has no indicator table (cut off, or not printed)",
                line,
            )
        elif form.form_type == FormType.SELF_EVAL and not self.saw_total:
            form.is_complete = False
            self.note(
                Severity.WARNING,
                "no_total_score",
                "the self-evaluation has no 总分 row (cut off before it)",
                line,
            )
        for attr, label in (("project_name", "项目名称"), ("unit_name", "单位"), ("fiscal_year", "年度")):
            if getattr(form, attr) is None:
                self.note(Severity.WARNING, f"missing_{attr}", f"{label} not found on the form", line)


def read_fund_row(columns: list[str], raw: list[tuple[str, bool]]) -> dict[str, Decimal] | None:
    """The 年度资金总额 row's figures by column: of every cut of runs printed together and every way
    blank cells may have been dropped, the reading that the form's own arithmetic confirms."""
    columns = columns or ["initial_budget", "full_year_budget", "executed", "weight", "rate", "score"]
    options: list[list[list[str]]] = []
    for text, splittable in raw:
        if not text:
            options.append([[""]])
            continue
        choices = (
            [[text]] if (v.number(text) is not None or v.rate(text) is not None or parse_amount(text)) else []
        )
        if splittable and v.is_number_run(text):
            for count in range(2, len(columns) + 1):
                choices += v.split_run(text, count)
        options.append(choices[:400] or [[text]])
    best: tuple[float, dict] | None = None
    for combo in itertools.islice(itertools.product(*options), 5000):
        atoms = [a for part in combo for a in part]
        pieces = len(atoms) - len(raw)
        if len(atoms) > len(columns):
            continue
        for placed in itertools.combinations(range(len(columns)), len(atoms)):
            reading = _fund_reading(columns, placed, atoms)
            if reading is None:
                continue
            score = _fund_score(reading) - 0.3 * pieces
            if best is None or score > best[0]:
                best = (score, reading)
    return best[1] if best else None


def _fund_reading(columns, placed, atoms) -> dict[str, Decimal] | None:
    reading: dict[str, Decimal] = {}
    for position, atom in zip(placed, atoms, strict=True):
        meaning = columns[position]
        if not atom:
            continue
        if meaning == "rate":
            value = v.rate(atom)
            if value is None:
                return None
        else:
            if atom.endswith("%"):
                return None
            amount = parse_amount(atom)
            if amount is None:
                return None
            value = amount.value
            if meaning in ("weight", "score") and value > 100:
                return None
        reading[meaning] = value
    return reading


def _fund_score(r: dict[str, Decimal]) -> float:
    score = 0.0
    full, executed, rate = r.get("full_year_budget"), r.get("executed"), r.get("rate")
    base = full if full else r.get("initial_budget")
    if base and executed is not None and rate is not None:
        score += 3.0 if abs(executed / base * 100 - rate) <= Decimal("0.6") else -3.0
    if "weight" in r and "score" in r:
        score += 0.5 if r["score"] <= r["weight"] else -2.0
        if rate is not None and abs(r["score"] - r["weight"] * min(rate, Decimal(100)) / 100) <= Decimal(
            "0.6"
        ):
            score += 1.0
    if r.get("weight") in (Decimal(10), Decimal(5), Decimal(15), Decimal(20)):
        score += 0.2
    score += 0.1 * bool(full) + 0.05 * (executed is not None) + 0.01 * len(r)
    return score
