"""PDF with a text layer, scanned PDF and images, read through the real CLI and scored against real
forms' gold (tests/pdf_forms.py draws the national templates with their content).

OCR is slow (seconds a page), so the scans are two pages in all: one scanned PDF page and one PNG.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.accuracy import gold_report
from ingest.formats import image, layout, ocr, pdf
from ingest.formats.source import UnreadableFile
from tests import pdf_forms

if pdf_forms.cjk_font_file() is None:
    pytest.skip(
        "SKIPPED: no CJK TrueType font to draw the test PDFs (apt-get install fonts-wqy-microhei; make test does)",
        allow_module_level=True,
    )

# Real forms: two self-evaluations and two target forms, from four provinces.
TEXT_FORMS = (
    "shared/yn_yongde_2022_se_nutrition",
    "shared/hb_wh_qingshan_2020_tgt_infra",
    "shared/hn_hengshan_2020_se_grain",
    "collected/ah_huaibei_2025_tgt_villageopera",
)
# Every real form (shared + collected) with a name, a year and indicators, one a page.
ALL_FORMS = sorted(
    (str(path.relative_to(pdf_forms.REAL))[: -len(".gold.json")], form["seq"])
    for path in pdf_forms.REAL.glob("[!h]*/*.gold.json")  # heldback/ is never used
    for form in json.loads(path.read_text(encoding="utf-8"))["projects"]
    if form["project_name"] and form["fiscal_year"] and form["indicators"]
)
# the smudged cell of the image: 开展送戏进万村's target "≥70村", in pixels at 150 dpi
SMUDGE = (936, 374, 1160, 405)


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


def smudged_png(page_pdf: bytes) -> bytes:
    """The page as a 150 dpi PNG with one cell blurred, as a poor scan blurs it."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    picture = pdfium.PdfDocument(page_pdf)[0].render(scale=150 / 72).to_pil().convert("L")
    picture.paste(picture.crop(SMUDGE).filter(ImageFilter.GaussianBlur(2.2)), SMUDGE)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path]:
    """forms.pdf (text layer, 4 forms), real_forms.pdf (every real form, 23), scan.pdf (1 scanned page), form.png (1 page, one cell smudged),
    each with its gold, ingested in one run of the real CLI."""
    folder = tmp_path_factory.mktemp("pdf_docs")
    docs, golds = folder / "docs", folder / "gold"
    docs.mkdir()
    golds.mkdir()
    forms = [pdf_forms.gold_form(name) for name in TEXT_FORMS]
    every = [pdf_forms.gold_form(name, seq) for name, seq in ALL_FORMS]
    files = {
        "forms.pdf": (pdf_forms.form_pdf(forms), forms),
        "real_forms.pdf": (pdf_forms.form_pdf(every), every),
        "scan.pdf": (pdf_forms.rasterised_pdf(pdf_forms.form_pdf(forms[:1])), forms[:1]),
        "form.png": (smudged_png(pdf_forms.form_pdf(forms[3:])), forms[3:]),
    }
    for name, (data, printed) in files.items():
        (docs / name).write_bytes(data)
        gold = pdf_forms.gold_file(name, printed)
        (golds / f"{name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    db = folder / "w.duckdb"
    run = jixiao("ingest", str(docs), "--db", str(db))
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 1: a real form printed cut off is partial
    return db, golds


def scores(db: Path, golds: Path) -> dict:
    found, _ = gold_report(db, golds)
    return {score.document: score for score in found}


def test_text_layer_pdf_reads_every_form_exactly(ingested):
    score = scores(*ingested)["forms.pdf"]
    assert (score.forms_found, score.forms_expected, score.forms_spurious) == (4, 4, 0), score.problems
    assert score.fields_right / score.fields_total >= 0.99, score.problems
    assert score.indicators_found / score.indicators_expected >= 0.99, score.problems
    assert score.indicators_expected == 41


def test_text_layer_pdf_of_every_real_form(ingested):
    """Every real form drawn as the national template: all found, their figures right. The
    indicators missed are the form reader's, not the PDF's (their lines are right): a 广东 form
    printed without 一级/二级, and a 自评表 row with nothing but its name."""
    score = scores(*ingested)["real_forms.pdf"]
    assert score.forms_expected == len(ALL_FORMS) >= 20
    assert (score.forms_found, score.forms_spurious) == (score.forms_expected, 0), score.problems
    assert score.fields_right / score.fields_total >= 0.99, score.problems
    assert score.indicators_found / score.indicators_expected >= 0.97, score.problems


@pytest.mark.parametrize("document", ["scan.pdf", "form.png"])
def test_ocr_scans_read_budget_fields_and_indicators(ingested, document):
    score = scores(*ingested)[document]
    assert (score.forms_found, score.forms_spurious) == (1, 0), score.problems
    assert score.fields_right / score.fields_total >= 0.95, score.problems
    assert score.indicators_found / score.indicators_expected >= 0.90, score.problems


def _issues(db: Path, file_name: str, code: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            message
            for (message,) in con.execute(
                """select i.message from raw.parse_issues i join raw.documents d using (document_id)
                   where d.source_path like ? and i.code = ?""",
                [f"%{file_name}", code],
            ).fetchall()
        ]


def test_low_confidence_ocr_cell_is_flagged(ingested):
    db, _ = ingested
    flagged = _issues(db, "form.png", "ocr_low_confidence")
    assert any("≥70村" in message and "image, row 7" in message for message in flagged), flagged
    assert _issues(db, "scan.pdf", "page_ocr") == [
        "page 1 has no text layer (a scan): read by OCR at 200 dpi"
    ]


def test_upside_down_image_is_read_turned_and_every_doubtful_line_gets_an_issue():
    from PIL import Image

    from ingest.reader.form import read_forms

    form = pdf_forms.gold_form(TEXT_FORMS[3])
    picture = Image.open(io.BytesIO(smudged_png(pdf_forms.form_pdf([form])))).rotate(180)
    upside_down = io.BytesIO()
    picture.save(upside_down, format="PNG")
    result = image.lines(upside_down.getvalue())
    assert [i.message for i in result.issues if i.code == "ocr_turned"] == [
        "image is not upright: read turned 180° anticlockwise (its boxes are in the turned picture)"
    ]
    (found,), _ = read_forms([line.text for line in result])
    assert [(i.name, i.target) for i in found.indicators] == [
        (i["name"], i["target"]) for i in form["indicators"]
    ]
    doubtful = {n for n, line in enumerate(result, 1) if line.confidence < ocr.LOW_CONFIDENCE}
    flagged = {issue.line_no for issue in result.issues if issue.code == "ocr_low_confidence"}
    assert doubtful and doubtful == flagged


def test_indicator_provenance_points_at_its_cell(ingested):
    """The source_ref of an indicator read from the text-layer PDF names a box on a page, and that
    box of that page holds the indicator's name and nothing of its neighbours."""
    import pdfplumber

    db, _ = ingested
    with duckdb.connect(str(db), read_only=True) as con:
        (ref,) = con.execute(
            """select i.source_ref from raw.indicators i join raw.projects p using (project_key)
               join raw.documents d using (document_id)
               where d.source_path like '%forms.pdf' and i.name = '政策性挂账利息补贴保障率'"""
        ).fetchone()
    match = re.fullmatch(r"page (\d+), row \d+, cell \d+, box (\d+),(\d+),(\d+),(\d+) pt", ref)
    assert match, ref
    page, *box = map(int, match.groups())
    with pdfplumber.open(db.parent / "docs" / "forms.pdf") as document:
        text = document.pages[page - 1].crop(box).extract_text()
    assert page == 3
    assert "".join(text.split()) == "政策性挂账利息补贴保障率"


def test_scan_without_ocr_is_a_page_not_read():
    scan = pdf_forms.rasterised_pdf(pdf_forms.form_pdf([pdf_forms.gold_form(TEXT_FORMS[1])]))
    result = pdf.lines(scan, ocr=False)
    assert list(result) == []
    assert [(i.code, i.message) for i in result.issues] == [
        ("page_not_read", "page 1 has no text layer (a scan), and OCR is off (--no-ocr): not read")
    ]


def test_page_limit(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    forms = [pdf_forms.gold_form(name) for name in TEXT_FORMS]
    with pytest.raises(UnreadableFile, match="the PDF has 4 pages, over the limit of 3") as raised:
        pdf.lines(pdf_forms.form_pdf(forms))
    assert raised.value.code == "too_many_pages"


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    drawing = canvas.Canvas(out, encrypt=StandardEncryption("secret", canPrint=0))
    drawing.drawString(72, 720, "project")
    drawing.save()
    return out.getvalue()


def test_bad_pdfs_and_images_fail_with_their_reason(tmp_path):
    from PIL import Image

    good = pdf_forms.form_pdf([pdf_forms.gold_form(TEXT_FORMS[1])])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "encrypted.pdf").write_bytes(_encrypted_pdf())
    (bad / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (bad / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    Image.new("L", (9000, 6000), 255).save(bad / "huge.png")
    db = tmp_path / "w.duckdb"
    run = jixiao("ingest", str(bad), "--db", str(db))
    assert run.returncode == 1, run.stdout + run.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            """select regexp_extract(d.source_path, '[^/]+$') as name, d.status, i.code, i.message
               from raw.documents d join raw.parse_issues i using (document_id)
               where i.severity = 'error' order by name"""
        ).fetchall()
    reasons = {name: (status, code, message) for name, status, code, message in rows}
    assert set(reasons) == {"encrypted.pdf", "truncated.pdf", "garbage.pdf", "huge.png"}
    assert all(status == "failed" for status, _, _ in reasons.values())
    assert reasons["encrypted.pdf"][1:] == (
        "encrypted_file",
        "the PDF is password-protected: save it without a password and ingest it again",
    )
    assert reasons["truncated.pdf"][1] == "corrupt_file"
    assert reasons["garbage.pdf"][1] == "corrupt_file"
    assert reasons["huge.png"][1] == "image_too_large"
    assert "9,000 × 6,000 pixels" in reasons["huge.png"][2]


def test_image_over_the_pixel_limit_is_refused_before_decoding():
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (9000, 6000), 255).save(out, format="PNG")
    with pytest.raises(UnreadableFile, match="9,000 × 6,000 pixels, over the 50 million pixel limit"):
        image.lines(out.getvalue())


# --- the layout: ruling lines → cells, words → rows ----------------------------------------------


def test_merged_cells_from_ruling_lines():
    """A 3 × 2 grid whose left column is one cell merged over the three rows."""
    H = layout.Segment
    horizontal = [H(0, 0, 200), H(10, 100, 200), H(20, 100, 200), H(30, 0, 200)]
    vertical = [H(0, 0, 30), H(100, 0, 30), H(200, 0, 30)]
    cells = layout.ruled_cells(horizontal, vertical, 1)
    boxes = sorted((c.x0, c.top, c.x1, c.bottom) for c in cells)
    assert boxes == [(0, 0, 100, 30), (100, 0, 200, 10), (100, 10, 200, 20), (100, 20, 200, 30)]


def test_wrapped_cell_lines_join_without_a_space_in_chinese_and_figures():
    W = layout.Word
    words = [
        W(0, 0, 40, 9, "经济效益指"),
        W(0, 12, 9, 21, "标"),
        W(50, 0, 80, 9, "100.00"),
        W(50, 12, 58, 21, "%"),
    ]
    cells = [layout.Cell(0, 0, 45, 25), layout.Cell(45, 0, 90, 25)]
    (row,) = layout.page_rows(words, cells, 1)
    assert row.cells == ["经济效益指标", "100.00%"]
    assert layout.cell_text([W(0, 0, 30, 9, "Annual"), W(0, 12, 30, 21, "report")]) == "Annual report"


def test_unruled_text_is_cut_into_cells_at_wide_gaps():
    W = layout.Word
    words = [W(0, 0, 36, 9, "项目名称"), W(38, 0, 60, 9, "(万元)"), W(120, 0, 170, 9, "农村义务教育")]
    (row,) = layout.loose_rows(words)
    assert row.cells == ["项目名称(万元)", "农村义务教育"]


def test_glyphs_without_unicode_are_read_from_the_pixels(monkeypatch):
    """A text layer of "(cid:…)" glyphs (a font without a ToUnicode map) is no text: OCR reads the page."""

    class Page:
        width, height, images = 595, 842, []

        def extract_words(self, **_):
            return [{"x0": 10, "top": 10, "x1": 90, "bottom": 19, "text": "(cid:3021)(cid:77)(cid:1602)"}]

    words, unread = pdf._text_layer(Page())
    assert (words, unread) == ([], "has a text layer without Unicode for its glyphs (text shows as (cid:…))")


def test_kangxi_radicals_in_a_text_layer_read_as_ideographs():
    """Some PDF producers map 目 to the Kangxi radical ⽬ (U+2F6C): read as the ideograph. A glyph
    mapped to a control character (NUL, for a glyph the font lacks) is dropped."""

    class Page:
        def extract_words(self, **_):
            return [{"x0": 10, "top": 10, "x1": 90, "bottom": 19, "text": "项\u2f6c名\x00称"}]

    assert [word.text for word in pdf._words(Page())] == ["项目名称"]


def test_searchable_scan_reads_like_the_text_pdf():
    """A scan with invisible text over it has text but no drawn table lines: the lines are found in
    its picture, so it reads line for line as the PDF it was scanned from."""
    import pdfplumber

    original = pdf_forms.form_pdf([pdf_forms.gold_form(TEXT_FORMS[0])])
    searchable = pdf_forms.searchable_scan_pdf(original)
    with pdfplumber.open(io.BytesIO(searchable)) as document:
        assert document.pages[0].edges == [] and document.pages[0].images
    read = pdf.lines(searchable)
    assert [line.text for line in read] == [line.text for line in pdf.lines(original)]
    assert len(read) == 20 and read.issues == []


def test_latin_words_keep_their_spaces_and_an_owner_password_does_not_stop_reading():
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    drawing = canvas.Canvas(out, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    drawing.drawString(72, 720, "PDF 2022 report")
    drawing.save()
    assert [line.text for line in pdf.lines(out.getvalue())] == ["PDF 2022 report"]


def test_scanned_table_pasted_into_a_typed_page_is_read_by_ocr():
    """A page with typed text and the form pasted under it as a picture: the typed lines from the
    text layer, the form from OCR of the picture, in one page of lines in page points."""
    from ingest.reader.form import read_forms

    form = pdf_forms.gold_form(TEXT_FORMS[3])
    pasted = pdf_forms.pasted_scan_pdf(pdf_forms.form_pdf([form]))
    read = pdf.lines(pasted)
    assert [line.text for line in read[:2]] == ["附件2", "根据有关要求，现将本单位情况公开如下，请查阅。"]
    assert read[0].confidence is None and read[4].confidence > 0.9
    assert all(line.ref.startswith("page 1, row ") and line.ref.endswith(" pt") for line in read)
    assert [i.code for i in read.issues if i.severity != "warning"] == ["picture_ocr"]
    (found,), _ = read_forms([line.text for line in read])
    assert (found.project_name, found.budget_current) == (form["project_name"], Decimal("5.00"))
    assert [i.name for i in found.indicators] == [i["name"] for i in form["indicators"]]

    unread = pdf.lines(pasted, ocr=False)
    assert [line.text for line in unread] == [line.text for line in read[:2]]
    assert [i.code for i in unread.issues] == ["picture_not_read"]


def test_text_flush_against_a_ruling_line_is_cut_at_it():
    """No cell padding: a right-aligned figure touches the line before the next cell's text, and the
    text layer gives one word "100.00全年执行数"; each character goes to the cell it is printed in."""
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    if pdf_forms.FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(pdf_forms.FONT, pdf_forms.cjk_font_file(), subfontIndex=0))
    table = Table(
        [["年度资金总额", "100.00", "全年执行数"], ["项目名称", "12", "农村"]], colWidths=[80, 40, 80]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONT", (0, 0), (-1, -1), pdf_forms.FONT, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    out = io.BytesIO()
    SimpleDocTemplate(out).build([table])
    assert [line.text for line in pdf.lines(out.getvalue())] == [
        "年度资金总额\t100.00\t全年执行数",
        "项目名称\t12\t农村",
    ]
