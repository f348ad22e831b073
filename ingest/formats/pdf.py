"""PDF → lines of cells: the text layer with its positions, or OCR for pages that have none.

A page with a text layer gives words with boxes (pdfplumber) and its ruling lines (drawn lines and
rectangle edges); ``layout`` turns them into table rows, merged cells included, so a value is read
in the cell it was printed in, however the PDF orders its text. A page without usable text (a
scan; glyphs without Unicode) is rendered (pypdfium2) and read by OCR (``ocr``). Where a table
exists only as a picture under or beside the text (a searchable scan; a scan pasted into a typed
page) its lines are found in the picture's pixels, and a pasted picture's words by OCR. With
``ocr=False`` what needs OCR is reported as not read.

Limits keep memory bounded: at most ``MAX_PAGES`` pages, and a scanned page is rendered at
``ocr.DPI`` but never over ``MAX_RENDER_SIDE`` pixels a side. An encrypted, corrupt or over-long
PDF raises ``UnreadableFile`` before any page is read.
"""

from __future__ import annotations

import io
import logging
import statistics
import unicodedata

from ..model import Issue, Severity
from . import layout
from .source import SourceLines, UnreadableFile

MAX_PAGES = 500
MAX_RENDER_SIDE = 4000  # pixels: an A4 page at 200 dpi is 1654 × 2339
MIN_RULING = 4.0  # points: shorter strokes are underlines, bullets or glyph parts, not table lines
TOLERANCE = 2.0  # points: lines this close are the same line, a crossing this near is a crossing
RULING_DPI = 100  # a searchable scan's table lines are looked for in its picture at this resolution
FEW_WORDS = 10  # a page-wide picture with fewer words than this on it is a scan, read by OCR

# Kangxi radicals (U+2F00…) and CJK radical supplements (U+2E80…) that some PDF producers map
# their glyphs to, as the ideographs they stand for: "⽬" is 目 (their NFKC form); control
# characters (a glyph mapped to NUL) dropped.
_RADICALS: dict[int, str | None] = {
    code: unicodedata.normalize("NFKC", chr(code))
    for code in (*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6))
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
} | dict.fromkeys(range(0x20))


def lines(data: bytes, *, ocr: bool = True) -> SourceLines:
    """Every page's rows as the form reader's lines, top to bottom, page by page."""
    import pdfplumber

    document = _open(data)
    result = SourceLines()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                words, unread = _text_layer(page)
                if unread is None:
                    _read_text_layer(page, words, document[number - 1], number, ocr, result)
                elif ocr:
                    _read_scanned(document[number - 1], number, unread, result)
                else:
                    result.issues.append(
                        Issue(
                            Severity.WARNING,
                            "page_not_read",
                            f"page {number} {unread}, and OCR is off (--no-ocr): not read",
                        )
                    )
                page.close()  # pdfplumber keeps every parsed page otherwise
    finally:
        document.close()
    return result


def _read_text_layer(
    page, words: list[layout.Word], rendered, number: int, ocr: bool, result: SourceLines
) -> None:
    """A page's rows from its text layer; a large picture on it with no text over it (a scanned
    table pasted into a typed document) is OCR'd and its words and lines join the page's."""
    horizontal, vertical = _rulings(page, words, rendered)
    pictures = _pictures_without_text(page, words)
    ocr_words: list[layout.Word] = []
    if pictures and ocr:
        ocr_words, (more_horizontal, more_vertical) = _read_pictures(rendered, pictures, number, result)
        horizontal, vertical = horizontal + more_horizontal, vertical + more_vertical
    elif pictures:
        result.issues.append(
            Issue(
                Severity.WARNING,
                "picture_not_read",
                f"page {number} holds a picture with no text over it ({_share(page, pictures)} of the page, "
                "a scanned table?), and OCR is off (--no-ocr): not read",
            )
        )
    cells = layout.ruled_cells(horizontal, vertical, TOLERANCE)
    rows = layout.page_rows(layout.split_across_cells(words + ocr_words, cells), cells, TOLERANCE)
    if ocr_words:
        from . import ocr as recogniser

        recogniser.add_lines(rows, ocr_words, f"page {number}", "pt", result)
    else:
        result += layout.source_lines(rows, f"page {number}", "pt")


def _pictures_without_text(page, words: list[layout.Word]) -> list[tuple[float, float, float, float]]:
    """Pictures covering a fifth of the page or more over which lie fewer than half the words of
    the text layer (a searchable scan's text lies over its picture; a typed page's beside it)."""
    area = float(page.width * page.height) or 1.0
    found = []
    for picture in page.images:
        box = tuple(float(picture[key]) for key in ("x0", "top", "x1", "bottom"))
        if (box[2] - box[0]) * (box[3] - box[1]) < area / 5:
            continue
        inside = sum(
            box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2 <= box[3]
            for w in words
        )
        if inside < len(words) / 2:
            found.append(box)
    return found


def _share(page, boxes) -> str:
    area = float(page.width * page.height) or 1.0
    return f"{sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes) / area:.0%}"


def _read_pictures(rendered, pictures, number: int, result: SourceLines):
    """OCR words and ruling lines of the page's pictures, in page points."""
    from . import ocr

    width, height = rendered.get_size()
    scale = min(ocr.DPI / 72, MAX_RENDER_SIDE / max(width, height, 1))
    gray = ocr.as_gray(rendered.render(scale=scale, grayscale=True).to_numpy())
    words: list[layout.Word] = []
    horizontal: list[layout.Segment] = []
    vertical: list[layout.Segment] = []
    for x0, top, x1, bottom in pictures:
        left, upper = max(0, int(x0 * scale)), max(0, int(top * scale))
        crop = ocr.as_gray(gray[upper : int(bottom * scale) + 1, left : int(x1 * scale) + 1])
        found = ocr.recognise(crop, f"page {number}", result)
        words += [
            layout.Word(
                (w.x0 + left) / scale,
                (w.top + upper) / scale,
                (w.x1 + left) / scale,
                (w.bottom + upper) / scale,
                w.text,
                w.confidence,
            )  # fmt: skip
            for w in found
        ]
        lines_h, lines_v = ocr.rulings(crop, ocr.text_height(found, crop))
        horizontal += [
            layout.Segment((s.at + upper) / scale, (s.start + left) / scale, (s.end + left) / scale)
            for s in lines_h
        ]
        vertical += [
            layout.Segment((s.at + left) / scale, (s.start + upper) / scale, (s.end + upper) / scale)
            for s in lines_v
        ]
    result.issues.append(
        Issue(
            Severity.INFO,
            "picture_ocr",
            f"page {number} holds a picture with no text over it: read by OCR at {scale * 72:.0f} dpi",
        )
    )
    return words, (horizontal, vertical)


def _text_layer(page) -> tuple[list[layout.Word], str | None]:
    """The page's words, or why the page must be read from its pixels instead: no text at all (a
    scan), glyphs without Unicode (pdfplumber's "(cid:123)": an embedded font without a ToUnicode
    map), or a page-wide picture with a few words on it (a scan with a stamp or a typed header)."""
    words = _words(page)
    if not words:
        return [], "has no text layer (a scan)"
    glyphs = sum(len(w.text) for w in words)
    unmapped = sum(w.text.count("(cid:") * len("(cid:0)") for w in words)
    if unmapped > glyphs / 5:
        return [], "has a text layer without Unicode for its glyphs (text shows as (cid:…))"
    if _picture_share(page) > 0.5 and len(words) < FEW_WORDS:
        return [], f"is a picture with only {len(words)} words of text on it (a scan)"
    return words, None


def _open(data: bytes):
    """The PDF opened by pdfium, which tells an encrypted file from a corrupt one, and its page count checked."""
    import pypdfium2 as pdfium

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer warns on every odd font
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile(
                "encrypted_file",
                "the PDF is password-protected: save it without a password and ingest it again",
            ) from exc
        raise UnreadableFile(
            "corrupt_file", f"the PDF cannot be opened, it is damaged or not a PDF ({exc})"
        ) from exc
    if len(document) > MAX_PAGES:
        count = len(document)
        document.close()
        raise UnreadableFile(
            "too_many_pages",
            f"the PDF has {count} pages, over the limit of {MAX_PAGES}: split it and ingest the parts",
        )
    return document


def _words(page) -> list[layout.Word]:
    try:
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False, return_chars=True)
    except Exception as exc:  # pdfminer fails on some damaged content streams
        raise UnreadableFile(
            "corrupt_file", f"page {page.page_number} of the PDF cannot be read ({exc})"
        ) from exc
    found = []
    for word in words:
        chars = [(c["x0"], c["x1"], c["text"].translate(_RADICALS)) for c in word.get("chars", [])]
        if chars and all(len(ch) == 1 for _, _, ch in chars):  # each character's place known
            text, spans = "".join(ch for _, _, ch in chars), tuple((x0, x1) for x0, x1, _ in chars)
        else:  # "(cid:12)" glyphs, a glyph mapped to a control character
            text, spans = word["text"].translate(_RADICALS), ()
        if text.strip():
            found.append(
                layout.Word(word["x0"], word["top"], word["x1"], word["bottom"], text.strip(), None, spans)
            )
    return found


def _picture_share(page) -> float:
    """The share of the page its largest picture covers (a scanned page: about 1)."""
    area = float(page.width * page.height) or 1.0
    return max((float(i["width"] * i["height"]) / area for i in page.images), default=0.0)


def _rulings(page, words: list[layout.Word], rendered) -> tuple[list[layout.Segment], list[layout.Segment]]:
    """The page's horizontal and vertical ruling lines, from drawn lines and rectangle edges; on a
    scan with a text layer over it (a "searchable" PDF), from the lines in the scan's pixels."""
    horizontal, vertical = [], []
    for edge in page.edges:
        if edge["orientation"] == "h" and edge["x1"] - edge["x0"] >= MIN_RULING:
            horizontal.append(layout.Segment(edge["top"], edge["x0"], edge["x1"]))
        elif edge["orientation"] == "v" and edge["bottom"] - edge["top"] >= MIN_RULING:
            vertical.append(layout.Segment(edge["x0"], edge["top"], edge["bottom"]))
    if (horizontal and vertical) or _picture_share(page) <= 0.5:
        return horizontal, vertical
    from . import ocr

    scale = RULING_DPI / 72
    gray = rendered.render(scale=scale, grayscale=True).to_numpy()
    text_height = statistics.median(w.height for w in words) * scale
    found = ocr.rulings(gray if gray.ndim == 2 else gray[..., 0], text_height)
    return tuple(
        [layout.Segment(s.at / scale, s.start / scale, s.end / scale) for s in segments] for segments in found
    )


def _read_scanned(page, number: int, unread: str, result: SourceLines) -> None:
    from . import ocr

    width, height = page.get_size()
    scale = min(ocr.DPI / 72, MAX_RENDER_SIDE / max(width, height, 1))
    image = page.render(scale=scale, grayscale=True).to_numpy()
    ocr.read_page(image, f"page {number} (OCR)", result)
    result.issues.append(
        Issue(Severity.INFO, "page_ocr", f"page {number} {unread}: read by OCR at {scale * 72:.0f} dpi")
    )
