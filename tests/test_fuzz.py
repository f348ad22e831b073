"""Property-based fuzzing of every registered parser (hypothesis).

Three kinds of input, for the form reader (``ingest/reader``, seeded with documents of every
layout) and for the form reader behind each of its front-ends (``ingest.parse.FRONT_ENDS``):

- **mutated documents**: a slice (at most 100 lines, never the whole 144 KB file, to keep examples
  small) of a document of the layout — the bundled samples and the constructed documents in
  tests/documents — with lines deleted, duplicated, shuffled, swapped, split, joined, cut, cells
  moved, and characters replaced by digits, full-width digits, separators, 万/元 and label
  characters as well as arbitrary Unicode;
- **arbitrary text**: lines made of cells drawn from all those documents' own cells, random
  numbers and random text, so the parsers see real labels in impossible orders;
- **damaged bytes**: a mutated slice of any document, re-encoded (UTF-8, BOM, GB18030, UTF-16,
  CRLF/CR), hit with random bytes and perhaps truncated, plus purely random bytes — through
  ``parse_bytes``, the real entry point.

Properties, for every example:

1. no exception escapes a parser, and ``parse_bytes`` never records ``parser_crashed`` (it catches
   parser crashes, so without this check the property could not fail);
2. the document fits the raw tables: every value converts to its raw column type (decimal
   precision and scale) and no NOT NULL column of ``ingest/raw_schema.sql`` gets a NULL;
3. every number that reaches raw was printed in the input — every Decimal amount, rate, score,
   weight, budget-line figure and the fiscal year — or is the 万元↔元 conversion (×/÷ 10000) of a
   printed number, or is a repair the parser announced in a parse issue ("stored as 0.01",
   "read as 2594.84"; STYLE: every guess or repair becomes an issue row). Printed numbers are read
   the way ``ingest.numbers`` reads them: NFKC (full-width digits), thousands separators (, ，)
   removed, and once more with spaces removed, since a cell "26 470 288" is one number.

Runs are reproducible: the default ``ci`` profile is derandomized (the same examples every run),
has no deadline (a slow CI machine must not turn into a failure) and no example database.
``make fuzz`` selects the ``fuzz`` profile (``JIXIAO_FUZZ_PROFILE=fuzz``): 50,000 examples per
parser and property, random seeds, failures kept in ``.hypothesis/`` to replay.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from decimal import Decimal
from importlib import resources

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.decode import decode, split_lines
from ingest.detect import detect_layout
from ingest.model import FIGURE_FIELDS, Document
from ingest.parse import FORM_READER, FRONT_ENDS, fit_to_raw, parse_bytes
from ingest.raw_tables import to_tables
from ingest.reader.form import read_forms
from tests.conftest import REPO, SAMPLES

# --- profiles ----------------------------------------------------------------------------------

_COMMON = dict(
    deadline=None,  # timing varies with the machine; a slow example is not a bug
    # Examples are built from the samples, so generation is slower and bigger than hypothesis'
    # defaults expect; neither is a problem with the code under test.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    print_blob=True,
)
settings.register_profile("ci", max_examples=2000, derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", max_examples=50_000, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("JIXIAO_FUZZ_PROFILE", "ci"))
if os.environ.get("JIXIAO_FUZZ_EXAMPLES"):  # e.g. a quick look while editing a parser
    PROFILE = settings(PROFILE, max_examples=int(os.environ["JIXIAO_FUZZ_EXAMPLES"]))

# Seed documents per layout: the bundled samples and the constructed test documents, grouped by
# the layout ``detect_layout`` gives them, so a newly registered layout is fuzzed as soon as a
# document of it exists (and test_every_registered_layout_is_fuzzed says when none does).
SEED_FILES = sorted(SAMPLES.glob("*.txt")) + sorted((REPO / "tests" / "documents").glob("*.txt"))


def _seeds() -> dict[str, list[list[str]]]:
    seeds: dict[str, list[list[str]]] = {}
    for path in SEED_FILES:
        lines = split_lines(decode(path.read_bytes()).text or "")
        layout = detect_layout(lines)
        if layout not in FRONT_ENDS:
            layout = FORM_READER  # OCR'd self-evaluations too: the reader's front-end (reader/ocr_cells)
        seeds.setdefault(layout, []).append(lines)
    return seeds


SEEDS = _seeds()
SEEDS[FORM_READER] = [lines for documents in list(SEEDS.values()) for lines in documents]
READERS = {**FRONT_ENDS, FORM_READER: read_forms}
LAYOUTS = sorted(READERS)


def test_every_registered_layout_is_fuzzed() -> None:
    unseeded = [layout for layout in LAYOUTS if not SEEDS.get(layout)]
    assert unseeded == [], "add a document of these layouts to tests/documents/ so the fuzzer can mutate it"


# --- strategies --------------------------------------------------------------------------------

# Characters that matter to the parsers: digits in both widths, separators, units, cell breaks,
# brackets and the characters of the labels.
INTERESTING = list(
    "0123456789０１２３４５６７８９.,，。、%％万元()（）:：\t  　-—/+=@"
    "一二三级指标目标值项目名称总当年上预算额执行数分得自评表绩效申报单位主管部门合计年度资金"
)
CHARS = st.one_of(st.sampled_from(INTERESTING), st.characters(codec="utf-8"))
TEXT = st.text(CHARS, max_size=8)

# Every cell of every sample: real labels and values to assemble impossible documents from.
CELLS = sorted(
    {
        cell.strip()
        for documents in SEEDS.values()
        for lines in documents
        for line in lines
        for cell in re.split(r"\t| {2,}", line)
    }
    - {""}
)


MAX_SLICE = 100  # lines: two or three whole forms of any layout, small enough to parse in milliseconds


@st.composite
def mutated_lines(draw: st.DrawFn, layout: str) -> list[str]:
    lines = draw(st.sampled_from(SEEDS[layout]))
    start = draw(st.integers(0, len(lines) - 1))
    chunk = list(lines[start : start + draw(st.integers(1, MAX_SLICE))])
    for _ in range(draw(st.integers(0, 8))):
        mutate(draw, chunk, lines)
    return chunk


def mutate(draw: st.DrawFn, chunk: list[str], lines: list[str]) -> None:
    """One random edit of chunk, in place."""
    n = len(chunk)
    i = draw(st.integers(0, max(n - 1, 0)))
    j = min(n, i + draw(st.integers(1, 6)))
    op = draw(
        st.sampled_from(
            [
                "delete",
                "duplicate",
                "shuffle",
                "swap",
                "replace",
                "insert",
                "split",
                "join",
                "cut",
                "cells",
                "foreign",
            ]
        )
    )
    if op == "insert" or not chunk:
        chunk.insert(i, draw(st.text(CHARS, max_size=30)))
    elif op == "delete":
        del chunk[i:j]
    elif op == "duplicate":
        chunk[draw(st.integers(0, n)) : draw(st.integers(0, n))] = chunk[i:j]
    elif op == "shuffle":
        order = draw(st.permutations(range(j - i)))
        chunk[i:j] = [chunk[i + k] for k in order]
    elif op == "swap":
        k = draw(st.integers(0, n - 1))
        chunk[i], chunk[k] = chunk[k], chunk[i]
    elif op == "foreign":  # a line from anywhere in the sample
        chunk.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
    else:
        line = chunk[i]
        p = draw(st.integers(0, len(line)))
        if op == "replace":
            chunk[i] = line[:p] + draw(TEXT) + line[p + draw(st.integers(0, 4)) :]
        elif op == "split":
            chunk[i : i + 1] = [line[:p], line[p:]]
        elif op == "join" and i + 1 < n:
            chunk[i : i + 2] = [line + draw(st.sampled_from(["", " ", "\t"])) + chunk[i + 1]]
        elif op == "cut":
            chunk[i] = line[:p]
        elif op == "cells":
            sep = "\t" if "\t" in line else " "
            cells = line.split(sep)
            a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[a], cells[b] = cells[b], cells[a]
            if draw(st.booleans()):
                cells.insert(a, draw(st.sampled_from(["", cells[b]])))
            chunk[i] = sep.join(cells)


NUMBER_TEXT = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**22), max_value=10**22).map(
        str
    ),
    st.integers(-(10**25), 10**25).map(lambda n: f"{n:,}"),
    st.sampled_from(
        ["100%", "=100%", "95.00%", "1.234", "0.012345", "1e30", "NaN", "-", "—", "250万", "16万元"]
    ),
)
CELL = st.one_of(st.sampled_from(CELLS), NUMBER_TEXT, TEXT)
ARBITRARY_LINES = st.lists(
    st.builds(
        lambda cells, sep: sep.join(cells),
        st.lists(CELL, max_size=8),
        st.sampled_from(["\t", " ", "  ", "\t\t"]),
    ),
    max_size=60,
)


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2048))
    lines = draw(mutated_lines(draw(st.sampled_from(LAYOUTS))))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"]))
    data = bytearray(newline.join(lines).encode(encoding, errors="replace"))
    for _ in range(draw(st.integers(0, 4))):
        p = draw(st.integers(0, len(data)))
        data[p : p + draw(st.integers(0, 3))] = draw(st.binary(max_size=4))
    if draw(st.booleans()):
        del data[draw(st.integers(0, len(data))) :]  # truncated
    return bytes(data)


# --- properties --------------------------------------------------------------------------------


def _not_null_columns() -> dict[str, set[str]]:
    con = duckdb.connect()
    con.execute(resources.files("ingest").joinpath("raw_schema.sql").read_text(encoding="utf-8"))
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' and is_nullable = 'NO'"
    ).fetchall()
    con.close()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


NOT_NULL = _not_null_columns()
FORM_NUMBERS = (*FIGURE_FIELDS, "fiscal_year")
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[,，](?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
WAN = Decimal(10000)


def printed_numbers(texts: list[str]) -> set[Decimal]:
    """Every number a reader could see in texts, and its 万元↔元 conversions."""
    found: set[Decimal] = set()
    for text in texts:
        folded = _DIGIT_SEPARATOR.sub("", unicodedata.normalize("NFKC", text))
        for variant in (folded, re.sub(r"\s+", "", folded)):
            for token in _NUMBER.findall(variant):
                value = Decimal(token)
                found |= {value, value * WAN, value / WAN}
    return found


def numbers_in_raw(document: Document) -> list[tuple[str, Decimal]]:
    found = []
    for seq, form in enumerate(document.forms, 1):
        for name in FORM_NUMBERS:
            value = getattr(form, name)
            if value is not None:
                found.append((f"form {seq} {name}", Decimal(value)))
        for k, indicator in enumerate(form.indicators, 1):
            for name in ("weight", "score"):
                value = getattr(indicator, name)
                if value is not None:
                    found.append((f"form {seq} indicator {k} {name}", value))
        for k, item in enumerate(form.budget_items, 1):
            for name in ("amount", "unit_price", "quantity"):
                value = getattr(item, name)
                if value is not None:
                    found.append((f"form {seq} budget line {k} {name}", value))
    return found


def check_document(document: Document, text: str) -> None:
    """The three properties, for a document parsed from text."""
    crashes = [issue.message for issue in document.issues if issue.code == "parser_crashed"]
    assert crashes == []
    tables = to_tables([document], dt.datetime(2024, 1, 1))  # raises if a value does not fit its column
    for name, table in tables.items():
        for column in NOT_NULL.get(name, ()):
            assert table.column(column).null_count == 0, f"raw.{name}.{column} would get a NULL"
    allowed = printed_numbers([text, *(issue.message for issue in document.issues)])
    invented = [(where, value) for where, value in numbers_in_raw(document) if abs(value) not in allowed]
    assert invented == [], "numbers in raw that the input never printed"


def parse_with(layout: str, lines: list[str]) -> Document:
    """Run one parser directly (an exception fails the test), then the same fit step parse_bytes uses."""
    forms, issues = READERS[layout](lines)
    document = Document("0" * 64, "fuzz.txt", 0, "utf-8", layout, forms=forms, issues=issues)
    fit_to_raw(document)
    return document


@pytest.mark.parametrize("layout", LAYOUTS)
def test_unmutated_seeds_satisfy_the_properties(layout: str) -> None:
    for lines in SEEDS.get(layout, []):
        document = parse_with(layout, lines)
        assert document.forms
        check_document(document, "\n".join(lines))


@pytest.mark.parametrize("layout", LAYOUTS)
@PROFILE
@given(data=st.data())
def test_parsers_survive_mutated_samples(layout: str, data: st.DataObject) -> None:
    lines = data.draw(mutated_lines(layout), label="lines")
    check_document(parse_with(layout, lines), "\n".join(lines))


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(PROFILE, max_examples=max(PROFILE.max_examples // 4, 1))  # mutated documents find more
@given(lines=ARBITRARY_LINES)
def test_parsers_survive_arbitrary_text(layout: str, lines: list[str]) -> None:
    check_document(parse_with(layout, lines), "\n".join(lines))


@PROFILE
@given(data=damaged_bytes())
def test_parse_bytes_survives_damaged_and_random_bytes(data: bytes) -> None:
    document = parse_bytes(data, "fuzz.bin")
    decoded = decode(data)
    assert document.byte_size == len(data)
    if decoded.text is None:
        assert document.status.value == "failed" and document.issues
    check_document(document, decoded.text or "")


# --- findings, replayed ------------------------------------------------------------------------

# Minimal inputs the long campaign (`make fuzz`) found, kept so they are checked on every run.
# self_eval_score_left_of_weight: 得分 left of 分值 in the header and a row shorter than the 分值
# column raised IndexError in IndicatorTable._aligned (reader/ocr_table; it checked only the score column).
# "项目 | 名称" makes it OCR'd text, so the form reader's OCR front-end reads it.
FINDINGS = [
    pytest.param(
        FORM_READER,
        [
            "项目\t名称",
            "\t得分\t二级 指标\t三级指标\t\t年度指标值\t实际完成值\t分值\t一级 指标\t\t",
            "\t度指 标\t\t\t\t\t意度",
        ],
        id="self_eval_score_left_of_weight",
    ),
    # title_split_before_a_form: a title broken over two lines ("项目支出绩" | "效目标表"), the first
    # part ending the form before it, left an empty form whose title index pointed past its cells:
    # IndexError in settle.name_from_title (segments.split_forms).
    pytest.param(
        FORM_READER,
        [
            "",
            "",
            "项目支出绩",
            "项目支出绩效目标表 项目名称：行道树修剪及补种 同名项目上年预算执行数（万元）： 二级指标 项目名称：城市公园绿地养护",
        ],
        id="title_split_before_a_form",
    ),
]


@pytest.mark.parametrize(("layout", "lines"), FINDINGS)
def test_fuzzing_findings_stay_fixed(layout: str, lines: list[str]) -> None:
    check_document(parse_with(layout, lines), "\n".join(lines))
