"""OCR of a page image → rows of cells, with each row's lowest recognition score.

The recogniser is RapidOCR (rapidocr-onnxruntime, Apache-2.0): PaddleOCR's PP-OCRv4 Chinese
detection and recognition models, shipped inside the wheel and run by onnxruntime on the CPU, so
it works offline. Its text boxes are placed in the table the way a PDF's words are: the ruling
lines of the form are found in the pixels (long thin runs of dark pixels, by morphological
opening) and ``layout`` builds the cells, merged cells included, from them.

A row whose lowest score is under ``LOW_CONFIDENCE`` gets an ``ocr_low_confidence`` warning
naming the row and the doubtful cells' text. The threshold is set on the test scans (eight real
forms drawn, rendered at 150 dpi, OCR'd and compared row by row with their text layer): the 95
rows scoring 0.90 or more were all read right but for the width of a bracket or comma (（ for
(), the misread row (dashes read as 一二) scored 0.66, and a blurred cell 0.73. 0.80 flags those
and none of the right readings; it is a judgement on few rows, kept as a constant to revise.
"""

from __future__ import annotations

import functools
import logging
import statistics

from ..model import Issue, Severity
from . import layout
from .source import SourceLines

# Rendering resolution of scanned PDF pages. The test scans (9-point text) read the same at 150
# and 200 dpi; 200 leaves a margin for smaller print, at the same peak memory (about 1 GB).
DPI = 200
LOW_CONFIDENCE = 0.80
NOISE = 0.30  # a box scored this low is a speck or a stroke of a ruling line, not text


@functools.cache
def _engine():
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_page(gray, where: str, result: SourceLines) -> None:
    """Append one page image's rows (``gray``: a 2-D uint8 array) to ``result`` as lines citing
    ``where`` ("page 2 (OCR)", "image"), with a warning for each row OCR was unsure of."""
    gray, words = _upright(as_gray(gray), where, result)
    tolerance = max(3.0, gray.shape[1] / 300)
    cells = layout.ruled_cells(*rulings(gray, text_height(words, gray)), tolerance)
    rows = layout.page_rows(layout.split_across_cells(words, cells), cells, tolerance)
    add_lines(rows, words, where, "px", result)


def _upright(gray, where: str, result: SourceLines):
    """The page turned upright, and its words. A page turned sideways shows as text boxes taller
    than wide (it is read turned a quarter either way), one upside down as a median score under
    ``LOW_CONFIDENCE`` (read turned half round); the reading with the best median score is kept,
    the page as it is on a tie. A page read well as it is costs one reading."""
    import numpy as np

    tried = []

    def attempt(turn: int) -> None:
        image = np.ascontiguousarray(np.rot90(gray, k=turn // 90))
        notes = SourceLines()
        words = recognise(image, where, notes)
        score = statistics.median(w.confidence for w in words) if words else 0.0
        tried.append((score, turn, image, words, notes))

    attempt(0)
    words = tried[0][3]
    if words and sum(w.height > 1.5 * (w.x1 - w.x0) for w in words) > len(words) / 2:
        attempt(90)
        attempt(270)
    elif tried[0][0] < LOW_CONFIDENCE:
        attempt(180)
    _, turn, image, words, notes = max(tried, key=lambda t: t[0])
    result.issues += notes.issues
    if turn:
        result.issues.append(
            Issue(
                Severity.INFO,
                "ocr_turned",
                f"{where} is not upright: read turned {turn}° anticlockwise (its boxes are in the turned picture)",
            )
        )
    if not words:
        result.issues.append(
            Issue(
                Severity.WARNING,
                "ocr_no_text",
                f"{where}: OCR found no text on it (a blank page or a photo?)",
            )
        )
    return image, words


def as_gray(image):
    import numpy as np

    return np.ascontiguousarray(image if image.ndim == 2 else image[..., 0])


def text_height(words: list[layout.Word], gray) -> float:
    return statistics.median(w.height for w in words) if words else gray.shape[0] / 100


def recognise(gray, where: str, result: SourceLines) -> list[layout.Word]:
    """The text boxes OCR finds in the image, in its pixels; boxes scored under ``NOISE`` are left
    out and counted in an info issue."""
    # upright pages only: the 180° classifier turns short figures ("≥95%") upside down;
    # every box is returned (text_score 0) so that none is dropped unseen
    found, _ = _engine()(gray, use_cls=False, text_score=0.0)
    words, noise = [], []
    for box, text, score in found or []:
        xs, ys = [x for x, _ in box], [y for _, y in box]
        word = layout.Word(min(xs), min(ys), max(xs), max(ys), text.strip(), float(score))
        if word.text:
            (words if score >= NOISE else noise).append(word)
    if noise:
        result.issues.append(
            Issue(
                Severity.INFO,
                "ocr_noise_dropped",
                f"{where}: {len(noise)} OCR box(es) scored under {NOISE} and were left out as specks, not text: "
                + "、".join(repr(w.text) for w in noise[:10]),
            )
        )
    return words


def add_lines(
    rows: list[layout.Row], words: list[layout.Word], where: str, unit: str, result: SourceLines
) -> None:
    """The rows as lines of ``result``, and an ``ocr_low_confidence`` warning for each row whose
    own cells hold a word OCR scored under ``LOW_CONFIDENCE``."""
    first = len(result)
    result += layout.source_lines(rows, where, unit)
    for index, (row, line) in enumerate(zip(rows, result[first:], strict=True)):
        if row.confidence is not None and row.confidence < LOW_CONFIDENCE:
            doubtful = [w.text for w in words if w.confidence < LOW_CONFIDENCE and _in_row(w, row)]
            result.issues.append(
                Issue(
                    Severity.WARNING,
                    "ocr_low_confidence",
                    f"{line.ref}: OCR is unsure of {'、'.join(doubtful) or line.text!r}"
                    f" (score {row.confidence:.2f} < {LOW_CONFIDENCE}): check it against the scan",
                    line_no=first + index + 1,
                )
            )


def _in_row(word: layout.Word, row: layout.Row) -> bool:
    y = (word.top + word.bottom) / 2
    return row.top <= y <= row.bottom and row.x0 <= (word.x0 + word.x1) / 2 <= row.x1


def rulings(gray, text_height: float) -> tuple[list[layout.Segment], list[layout.Segment]]:
    """The horizontal and vertical ruling lines of a page image: straight runs of dark pixels
    longer than one and a half lines of text, which no stroke of a character is (a one-row cell's
    side is still longer)."""
    import cv2

    ink = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    run = max(12, int(text_height * 1.5))
    found = []
    for kernel, horizontal in (((run, 1), True), ((1, run), False)):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        segments = []
        for x, y, w, h, _ in stats[1:count]:
            if horizontal:
                segments.append(layout.Segment(y + h / 2, float(x), float(x + w)))
            else:
                segments.append(layout.Segment(x + w / 2, float(y), float(y + h)))
        found.append(segments)
    return found[0], found[1]
