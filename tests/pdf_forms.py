"""Test PDFs of real forms: the national templates drawn as ruled tables with merged cells, filled
with a real form's content (its hand-typed gold in tests/real), so reading them back is scored
against answers nobody wrote for this test.

The layouts follow the national 项目支出绩效自评表 (财预〔2020〕10号) and 项目支出绩效目标表:
label cells beside their values, 一级/二级 cells merged down over their indicators, the fund block
of a self-evaluation with its column headers. The font is a TrueType CJK font from the system
(Debian's fonts-wqy-microhei; `make test` installs it) embedded in the PDF, so the PDF has a real
text layer and rasterises the same on any machine.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

REAL = Path(__file__).parent / "real"

# TrueType (not CFF) CJK fonts reportlab can embed, the first one found is used.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT = "CJK"
DEVIATION = "偏差原因分析及改进措施"


def cjk_font_file() -> str | None:
    return next((path for path in FONT_FILES if Path(path).exists()), None)


def gold_form(relative: str, seq: int = 1) -> dict:
    """One form of a real document's gold file (path under tests/real, without .gold.json)."""
    gold = json.loads((REAL / f"{relative}.gold.json").read_text(encoding="utf-8"))
    return next(project for project in gold["projects"] if project["seq"] == seq)


def gold_file(file_name: str, forms: list[dict]) -> dict:
    """The gold of a generated document: the real forms it prints, in order, under its own file name."""
    projects = [dict(form, seq=seq) for seq, form in enumerate(forms, start=1)]
    return {
        "file": file_name,
        "layout_note": "generated from real forms' gold (tests/pdf_forms.py)",
        "projects": projects,
    }


def _amount(yuan: float | int | None, unit: str) -> str:
    if yuan is None:
        return ""
    value = Decimal(str(yuan)) / (Decimal(10000) if unit == "万元" else 1)
    return (
        f"{value:.2f}" if value == round(value, 2) else f"{value.normalize():f}"
    )  # 153.5184 万元 as printed


def _figure(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)).normalize():f}"


def _indicator_rows(indicators: list[dict], cells) -> tuple[list[list], list[tuple]]:
    """Indicator rows with 一级 and 二级 merged down over their run; returns rows and SPAN commands
    relative to the first indicator row."""
    rows, spans = [], []
    for indicator in indicators:
        rows.append(["", indicator["l1"], indicator["l2"] or "", indicator["name"], *cells(indicator)])
    for column, key in ((1, "l1"), (2, "l2")):
        start = 0
        for index in range(1, len(indicators) + 1):
            run_ends = index == len(indicators) or indicators[index][key] != indicators[start][key]
            if column == 2 and not run_ends:
                run_ends = indicators[index]["l1"] != indicators[start]["l1"]
            if run_ends:
                if index - 1 > start:
                    spans.append((column, start, column, index - 1))
                    for row in rows[start + 1 : index]:
                        row[column] = ""
                start = index
    return rows, spans


def self_eval_table(form: dict) -> tuple[list[list], list[tuple]]:
    unit = form["amount_unit"] or "万元"
    rate = form["execution_rate_pct"]
    rate_text = "" if rate is None else f"{Decimal(str(rate)):.2f}%"
    rate_score = "" if rate is None else f"{Decimal(str(rate)) / 10:.2f}"
    rows = [
        ["项目名称", form["project_name"], "", "", "", "", "", "", ""],
        ["主管部门", form["supervisor_name"] or "", "", "", "实施单位", form["unit_name"] or "", "", "", ""],
        [f"项目资金（{unit}）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [
            "",
            "年度资金总额",
            "",
            _amount(form["initial_budget"], unit),
            _amount(form["full_year_budget"], unit),
            _amount(form["executed"], unit),
            "10" if rate is not None else "",
            rate_text,
            rate_score,
        ],
        ["", "其中：当年财政拨款", "", "", "", "", "—", "—", "—"],
        ["", "上年结转资金", "", "", "", "", "—", "—", "—"],
        ["", "其他资金", "", "", "", "", "—", "—", "—"],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            DEVIATION,
        ],
    ]
    spans = [(1, 0, 8, 0), (1, 1, 3, 1), (5, 1, 8, 1), (0, 2, 0, 6), (1, 2, 2, 2)]
    spans += [(1, row, 2, row) for row in range(3, 7)]
    indicator_rows, indicator_spans = _indicator_rows(
        form["indicators"],
        lambda i: [i["target"] or "", i["actual"] or "", _figure(i["weight"]), _figure(i["score"]), ""],
    )
    first = len(rows)
    rows += indicator_rows
    spans += [(c0, r0 + first, c1, r1 + first) for c0, r0, c1, r1 in indicator_spans]
    spans.append((0, first - 1, 0, len(rows) - 1))
    total = "100" if form["total_score"] is not None else ""  # no 分值 column where the form scores nothing
    rows.append(["总分", "", "", "", "", "", total, _figure(form["total_score"]), form["grade"] or ""])
    spans.append((0, len(rows) - 1, 5, len(rows) - 1))
    return rows, spans


def target_table(form: dict) -> tuple[list[list], list[tuple]]:
    unit = form["amount_unit"] or "万元"
    rows = [
        ["项目名称", form["project_name"], "", "", ""],
        ["主管部门", form["supervisor_name"] or "", "", "实施单位", form["unit_name"] or ""],
    ]
    spans = [(1, 0, 4, 0), (1, 1, 2, 1)]
    if form["project_category"]:
        rows.append(["项目类别", form["project_category"], "", "", ""])
        spans.append((1, len(rows) - 1, 4, len(rows) - 1))
    money = []
    if form["budget_total"] is not None:
        money += [("项目总预算", form["budget_total"]), ("项目当年预算", form["budget_current"])]
    else:
        money += [("年度资金总额", form["budget_current"])]
    first_money = len(rows)
    for label, yuan in money:
        rows.append([f"项目资金（{unit}）", label, "", _amount(yuan, unit), ""])
        spans.append((1, len(rows) - 1, 2, len(rows) - 1))
        spans.append((3, len(rows) - 1, 4, len(rows) - 1))
        if len(rows) - 1 > first_money:
            rows[-1][0] = ""
    spans.append((0, first_money, 0, len(rows) - 1))
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"])
    first = len(rows)
    indicator_rows, indicator_spans = _indicator_rows(form["indicators"], lambda i: [i["target"] or ""])
    rows += indicator_rows
    spans += [(c0, r0 + first, c1, r1 + first) for c0, r0, c1, r1 in indicator_spans]
    spans.append((0, first - 1, 0, len(rows) - 1))
    return rows, spans


def form_pdf(forms: list[dict]) -> bytes:
    """A PDF with one national-template form per real form, each starting on a new page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font_file = cjk_font_file()
    if font_file is None:
        raise RuntimeError("no CJK TrueType font: install fonts-wqy-microhei (make test does)")
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_file, subfontIndex=0))
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=1)
    story = []
    for index, form in enumerate(forms):
        if index:
            story.append(PageBreak())
        if form["form_type"] == "self_eval":
            rows, spans = self_eval_table(form)
            widths = [48, 52, 58, 118, 62, 56, 34, 40, 52]
            name = "项目支出绩效自评表"
        else:
            rows, spans = target_table(form)
            widths = [70, 70, 80, 190, 110]
            name = "项目支出绩效目标表"
        story += [Paragraph(name, title), Paragraph(f"（{form['fiscal_year']}年度）", title), Spacer(1, 8)]
        # Paragraph reads markup: a target "<5%" must stay text
        table = Table(
            [[Paragraph(escape(text or ""), cell) for text in row] for row in rows], colWidths=widths
        )
        style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
        table.setStyle(TableStyle(style))
        story.append(table)
    out = io.BytesIO()
    margins = {"leftMargin": 36, "rightMargin": 36, "topMargin": 40, "bottomMargin": 40}
    SimpleDocTemplate(out, pagesize=A4, **margins).build(story)
    return out.getvalue()


def rasterised_pdf(pdf: bytes, dpi: int = 150) -> bytes:
    """The same pages as images only, no text layer: a scan, as a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def searchable_scan_pdf(pdf: bytes, dpi: int = 150) -> bytes:
    """The pages as pictures with the words laid over them as invisible text, as a scanner's
    "searchable PDF" (OCR text over the scan) has them: text, but no drawn table lines."""
    import pdfplumber
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    document = pdfium.PdfDocument(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as source:
        drawing = canvas.Canvas(out)
        for page, rendered in zip(source.pages, document, strict=True):
            width, height = float(page.width), float(page.height)
            drawing.setPageSize((width, height))
            picture = rendered.render(scale=dpi / 72).to_pil().convert("L")
            drawing.drawImage(ImageReader(picture), 0, 0, width, height)
            for word in page.extract_words():
                text = drawing.beginText()
                text.setTextRenderMode(3)  # invisible
                size = float(word["bottom"] - word["top"])
                text.setFont(FONT, size)
                text.setTextOrigin(float(word["x0"]), height - float(word["bottom"]) + size * 0.12)
                text.textOut(word["text"])
                drawing.drawText(text)
            drawing.showPage()
        drawing.save()
    return out.getvalue()


# Typed above a pasted scan: a dozen words, none of them a label the reader looks for.
TYPED_ABOVE = ("附件 2", "根据 有关 要求 ， 现将 本单位 情况 公开 如下 ， 请 查阅 。")


def pasted_scan_pdf(pdf: bytes, dpi: int = 150) -> bytes:
    """Typed text with the form pasted under it as a picture (a scanned table in a document typed
    around it): a page with a text layer whose table exists only as pixels."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, cjk_font_file(), subfontIndex=0))
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    for rendered in pdfium.PdfDocument(pdf):
        picture = rendered.render(scale=dpi / 72).to_pil().convert("L")
        drawing.setFont(FONT, 11)
        for line, text in enumerate(TYPED_ABOVE):
            drawing.drawString(56, height - 50 - 18 * line, text)
        shown = height - 120  # the picture below the typed lines, the page's width kept in proportion
        drawing.drawImage(ImageReader(picture), 30, 30, shown * picture.width / picture.height, shown)
        drawing.showPage()
    drawing.save()
    return out.getvalue()
