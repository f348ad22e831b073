"""One document, bytes in, Document out: a pure function of the file's bytes (no I/O but the read)."""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from pathlib import Path

import pyarrow as pa

from . import formats
from .decode import decode, split_lines
from .detect import detect_layout, labels_split_by_ocr
from .formats.source import SourceLine
from .model import AMOUNT_FIELDS, FIGURE_FIELDS, UNKNOWN, Document, Form, Issue, Severity
from .raw_tables import RAW_SCHEMAS
from .reader.form import read_forms
from .reader.reorder import read_reordered


def parse_bytes(data: bytes, source_path: str, ocr: bool = True, document_id: str | None = None) -> Document:
    """Read a file's bytes: text as it is, a binary format (ingest/formats) as its lines of cells;
    either way the same readers read the lines. ``ocr=False`` leaves scans unread (--no-ocr).
    ``document_id``: the bytes' sha256 where the caller has it already (the worker hashed them to
    know an unchanged file), else computed here."""
    document = Document(
        document_id=document_id or hashlib.sha256(data).hexdigest(),
        source_path=source_path,
        byte_size=len(data),
        encoding=None,
        layout=UNKNOWN,
    )
    document.file_format = formats.sniff(data, source_path)
    source: list[SourceLine] | None = None
    if document.file_format == formats.TEXT:
        decoded = decode(data)
        document.encoding = decoded.encoding
        document.issues.extend(decoded.issues)
        if decoded.text is None:
            return document
        lines = split_lines(decoded.text.lstrip("\ufeff"))
    elif document.file_format == formats.ZIP:
        document.issues.append(
            Issue(
                Severity.ERROR,
                "archive_not_unpacked",
                "a ZIP archive: `jixiao ingest` unpacks it and reads each file in it; on its own it holds no form",
            )
        )
        return document
    else:
        extraction = formats.extract(data, document.file_format, ocr=ocr)
        document.encoding = extraction.encoding
        document.issues.extend(extraction.issues)
        if extraction.lines is None:
            return document
        source = extraction.lines
        lines = [line.text for line in source]
    _read(lines, document, front_ends=source is None)
    if source is not None:
        cite_sources(document, source)
    return document


def _read(lines: list[str], document: Document, front_ends: bool = True) -> None:
    """The readings of the lines, the fuller one kept. The sample front-ends are for text with the
    samples' quirks (OCR damage, scrambled order); a binary file's cells are read by the form reader."""
    layout = detect_layout(lines)
    readings = _readings(lines, layout if front_ends else UNKNOWN, document, front_ends)
    if not readings:
        return  # every reader crashed: recorded as parser_crashed
    reader, forms, issues = _choose(readings)
    # the layout is the text's shape as detected; the form reader reads every shape
    document.layout = layout if layout != UNKNOWN or not forms else reader
    document.forms, document.issues = forms, document.issues + issues
    fit_to_raw(document)
    if not forms and layout == UNKNOWN:
        document.issues.append(_no_parser_issue(layout))
    elif not forms:
        document.issues.append(
            Issue(
                Severity.ERROR,
                "no_form_found",
                f"layout {layout}, but no form title, project-name label or indicator table found",
            )
        )


LOW_CONFIDENCE = 0.8  # an OCR'd line under this score is flagged where a value was read from it


def cite_sources(document: Document, source: list[SourceLine]) -> None:
    """Where each form and indicator of a binary file was read (``source_ref``), and the same in
    every issue that names a line: the reader counts lines, a person looks for a cell or a page."""

    def line(number: int | None) -> SourceLine | None:
        return source[number - 1] if number and 0 < number <= len(source) else None

    for seq, form in enumerate(document.forms, 1):
        if start := line(form.line_start):
            form.source_ref = start.cell_ref(_first_filled(start.text))
        for indicator in form.indicators:
            row = line(indicator.line_no)
            if row is None:
                continue
            indicator.source_ref = row.cell_ref(_cell_holding(row.text, indicator.name))
            if row.confidence is not None and row.confidence < LOW_CONFIDENCE:
                document.issues.append(
                    Issue(
                        Severity.WARNING,
                        "low_ocr_confidence",
                        f"indicator {indicator.name!r} was read by OCR with confidence "
                        f"{row.confidence:.2f}: check it at {indicator.source_ref}",
                        indicator.line_no,
                        seq,
                    )
                )
    for issue in document.issues:
        if (row := line(issue.line_no)) and row.ref not in issue.message:
            issue.message = f"{issue.message} (at {row.ref})"


def _first_filled(text: str) -> int:
    return next((k for k, cell in enumerate(text.split("\t")) if cell.strip()), 0)


def _cell_holding(text: str, value: str) -> int:
    """The cell a value was read from: the one that is the value, else the first that holds it."""
    cells = text.split("\t")
    for k, cell in enumerate(cells):
        if cell.strip() == value:
            return k
    return next((k for k, cell in enumerate(cells) if value and value in cell), len(cells))


# The layout name of a document read by the one form reader (ingest/reader).
FORM_READER = "form_reader"
# Text shapes the form reader reads once a front-end has put their pieces back in the form's order.
FRONT_ENDS = {"pdf_scrambled_target": read_reordered}


def _readings(
    lines: list[str], layout: str, document: Document, front_ends: bool = True
) -> list[tuple[str, list[Form], list[Issue]]]:
    """Candidate readings of the text: a layout front-end's where the text has one of the sample
    layouts, and the form reader's unless that front-end read the text as its layout (every form
    named, an indicator table found), which saves reading the text twice. Every reading is the form
    reader's: over a front-end's reordering (``FRONT_ENDS``), over OCR'd text repaired by its OCR
    front-end (``reader/ocr_cells``), and over the text as it is. The front-ends are for text: a
    binary file's cells are read as they are."""
    readings = []
    ocr = front_ends and labels_split_by_ocr(lines)
    candidates = (
        (layout, FRONT_ENDS.get(layout)),
        (FORM_READER, read_forms if ocr else None),
        (FORM_READER, partial(read_forms, repair_ocr=False, text=front_ends)),
    )
    for name, parser in candidates:
        if parser is None:
            continue
        if readings and _is_substantial(readings[0][1]):
            break
        try:
            forms, issues = parser(lines)
        except Exception as exc:  # a parser bug must not lose the document: record it and go on
            document.issues.append(
                Issue(Severity.ERROR, "parser_crashed", f"{name} reader failed: {type(exc).__name__}: {exc}")
            )
            continue
        readings.append((name, forms, issues))
    return readings


def _choose(readings: list[tuple[str, list[Form], list[Issue]]]) -> tuple[str, list[Form], list[Issue]]:
    """The fuller reading; the layout front-end's, listed first, on a tie."""
    return max(readings, key=lambda reading: _quality(reading[1]))


def _is_substantial(forms: list[Form]) -> bool:
    named = sum(form.project_name is not None for form in forms)
    return bool(forms) and named >= 0.8 * len(forms) and any(form.indicators for form in forms)


def _quality(forms: list[Form]) -> float:
    """How much of each form a reading found: its name, unit, year, figures and indicators with
    targets. Layout front-ends come first in the list, so they win ties."""
    score = 0.0
    for form in forms:
        score += (
            2 * (form.project_name is not None)
            + (form.unit_name is not None)
            + (form.fiscal_year is not None)
        )
        score += 0.5 * sum(getattr(form, name) is not None for name in FIGURE_FIELDS)
        score += sum(0.3 + 0.2 * (i.target is not None) for i in form.indicators)
    return score


def _number_columns(table: str) -> dict[str, pa.DataType]:
    return {
        f.name: f.type
        for f in RAW_SCHEMAS[table]
        if pa.types.is_decimal(f.type) or (pa.types.is_integer(f.type) and f.name not in ("seq", "line_no"))
    }


# The raw column type of every number a parser returns (decimal precision and scale, int32).
NUMBER_COLUMNS = {table: _number_columns(table) for table in ("projects", "indicators", "budget_items")}
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# Per table, its number columns with the step their values are rounded to (None: an integer
# column) and the exponent of the leading digit a rounded value must stay under (its precision
# less its scale), worked out once: _fit runs for every figure of every row.
_COLUMN_FITS = {
    table: [
        (name, column_type, None, 0)
        if pa.types.is_integer(column_type)
        else (
            name,
            column_type,
            Decimal(1).scaleb(-column_type.scale),
            column_type.precision - column_type.scale,
        )
        for name, column_type in columns.items()
    ]
    for table, columns in NUMBER_COLUMNS.items()
}


def fit_to_raw(document: Document) -> None:
    """Make every figure fit its raw column, so one odd figure can never fail a whole load.

    A figure with more decimals than its column keeps (an amount printed "1.234") is rounded half
    up, with an info issue; one too large for its column (or not finite) is stored as NULL, with a
    warning. Nothing is changed silently.
    """
    for seq, form in enumerate(document.forms, 1):
        _keep_wan_decimals(form, seq, document)
        # (table, row, what the row is called in a message, its number), the name made only if needed
        rows = [("projects", form, "", 0)]
        rows += [("indicators", indicator, "indicator", k) for k, indicator in enumerate(form.indicators, 1)]
        rows += [("budget_items", item, "budget line", k) for k, item in enumerate(form.budget_items, 1)]
        for table, row, called, k in rows:
            for name, column_type, quantum, limit in _COLUMN_FITS[table]:
                value = getattr(row, name, None)
                if value is None:
                    continue
                fitted = _fit(value, quantum, limit)
                if fitted is value or fitted == value and type(fitted) is type(value):
                    continue
                where = f"{called} {k} " if called else ""
                setattr(row, name, fitted)
                sql_type = (
                    f"decimal({column_type.precision},{column_type.scale})"
                    if pa.types.is_decimal(column_type)
                    else "integer"
                )
                if fitted is None:
                    severity, code = Severity.WARNING, "number_out_of_range"
                    message = f"{where}{name} {value} does not fit raw column type {sql_type}; stored as NULL"
                else:
                    severity, code = Severity.INFO, "number_rounded"
                    message = (
                        f"{where}{name} {value} has more decimals than {sql_type} keeps; stored as {fitted}"
                    )
                line_no = getattr(row, "line_no", None) or getattr(row, "line_start", None)
                document.issues.append(Issue(severity, code, message, line_no, seq))


def _keep_wan_decimals(form: Form, seq: int, document: Document) -> None:
    """Amounts printed in 万元 to four decimals (153.5184) are exact yuan: store the form in 元 rather
    than round them to the raw column's two decimals."""
    amounts = [getattr(form, name) for name in AMOUNT_FIELDS]
    exponents = [a.as_tuple().exponent for a in amounts if a is not None]
    if form.amount_unit != "万元" or not exponents or min(exponents) >= -2 or min(exponents) < -6:
        return
    for name in AMOUNT_FIELDS:
        value = getattr(form, name)
        if value is not None:
            setattr(form, name, value * 10000)
    form.amount_unit = "元"
    document.issues.append(
        Issue(
            Severity.INFO,
            "amounts_stored_in_yuan",
            "amounts printed in 万元 with more than two decimals; stored in 元 so no digit is lost",
            form.line_start,
            seq,
        )
    )


def _fit(value: object, quantum: Decimal | None, limit: int) -> Decimal | int | None:
    if quantum is None:  # an integer column
        return value if isinstance(value, int) and INT32_MIN <= value <= INT32_MAX else None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            return None
        fitted = number.quantize(quantum, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    # more digits than the column's precision: quantized, the last digit's exponent is -scale, so
    # the digits are the leading digit's exponent + scale + 1 (a zero: one digit, and the same sum)
    if fitted.adjusted() >= limit:
        return None
    return fitted if fitted != number else number


def parse_path(path: Path, source_path: str | None = None, ocr: bool = True) -> Document:
    return parse_bytes(Path(path).read_bytes(), source_path or str(path), ocr=ocr)


def _no_parser_issue(layout: str) -> Issue:
    if layout == UNKNOWN:
        message = "no known form layout recognised (no 绩效目标表 / 绩效自评表 labels found)"
        return Issue(Severity.ERROR, "unknown_layout", message)
    return Issue(
        Severity.ERROR,
        "layout_not_supported",
        f"recognised as layout {layout!r}, which has no parser yet; the document is recorded but not parsed",
    )
