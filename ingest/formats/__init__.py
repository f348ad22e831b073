"""Which format a file is, by its content, and its lines for the form reader.

The format is told by the bytes (signatures, the parts inside a ZIP, the streams of an old Office
file), the file's extension only where the bytes leave it open (a damaged ZIP named .xlsx, a
Kingsoft .wps). Every readable format becomes ``SourceLine``s (source.py) that the one form reader
reads; a format that cannot be read gets a ``failed`` row saying what to convert it to, and an
encrypted or damaged file one saying so.

| format | read by |
|---|---|
| text (TXT, CSV, TSV, pasted pages) | ``ingest/decode.py``, as before |
| XLSX / XLS / XLSB / ODS | ``sheets.py`` (openpyxl; python-calamine) |
| DOCX | ``word.py`` (python-docx) |
| HTML / HTM | ``html.py`` (lxml) |
| PDF, images | ``pdf.py``, ``image.py`` |
| ZIP of forms | ``archive.py``: each member is a file of its own (``pipeline.py``) |
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field

from ..model import Issue, Severity
from .archive import ArchiveRefused, check_sizes, open_zip
from .html import looks_like_html
from .source import SourceLine, UnreadableFile

TEXT, HTML, XLSX, XLS, XLSB, ODS, DOCX, PDF, IMAGE, ZIP = (
    "text", "html", "xlsx", "xls", "xlsb", "ods", "docx", "pdf", "image", "zip",
)  # fmt: skip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"BM": "bmp",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}
MAX_IMAGE_PIXELS = 50_000_000  # a page scanned at 600 dpi is 35 million; more is not a page

# Formats read as nothing but a failed row: what the file is and what to convert it to.
_CONVERT = {
    "doc": "a Word 97–2003 .doc file: save it as .docx (Word or WPS: 另存为 → .docx; or "
    "`soffice --headless --convert-to docx FILE`) and ingest that",
    "wps": "a Kingsoft WPS 文字 .wps file: save it as .docx (WPS: 另存为 → Word 文件 .docx) and ingest that",
    "et": "a Kingsoft WPS 表格 .et file: save it as .xlsx (WPS: 另存为 → Excel 文件 .xlsx) and ingest that",
    "ppt": "a PowerPoint file: forms are not read from slides; export the form as .xlsx, .docx or .pdf",
    "pptx": "a PowerPoint file: forms are not read from slides; export the form as .xlsx, .docx or .pdf",
    "odt": "an OpenDocument text file: save it as .docx and ingest that",
    "ofd": "an OFD file (the national fixed-layout format): convert it to PDF and ingest that",
    "rtf": "an RTF file: save it as .docx and ingest that",
}


@dataclass
class Extraction:
    """What a format front-end read: its lines, or the issues that say why there are none."""

    file_format: str
    lines: list[SourceLine] | None = None
    encoding: str | None = None
    issues: list[Issue] = field(default_factory=list)


def sniff(data: bytes, name: str = "") -> str:
    """The file's format by its content. ``text`` for anything that is not a known binary format
    (decode.py then tells text from unknown binary data)."""
    extension = name.lower().rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    head = data[:8]
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data, extension)
    if head.startswith(OLE_MAGIC):
        return _ole_format(data, extension)
    if b"%PDF-" in data[:1024]:
        return PDF
    if _is_image(data):
        return IMAGE
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK") and extension in (XLSX, DOCX):
        return extension  # a damaged file: its reader says so
    if looks_like_html(data, name):
        return HTML
    return TEXT


def _is_image(data: bytes) -> bool:
    if data.startswith(b"BM"):  # two letters a text may start with: a bitmap's reserved bytes are zero too
        return len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00"
    return any(data.startswith(magic) for magic in _IMAGE_MAGIC) or (
        data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    )


def _zip_format(data: bytes, extension: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(80)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
        return extension if extension in (XLSX, DOCX, "xlsm") else ZIP  # damaged: its reader says so
    if "xl/workbook.xml" in names:
        return XLSX
    if "xl/workbook.bin" in names:
        return XLSB
    if "word/document.xml" in names:
        return DOCX
    if "ppt/presentation.xml" in names:
        return "pptx"
    if b"opendocument.spreadsheet" in mimetype:
        return ODS
    if b"opendocument.text" in mimetype:
        return "odt"
    if "Doc_0/Document.xml" in names or "OFD.xml" in names:
        return "ofd"
    return ZIP


def _ole_format(data: bytes, extension: str) -> str:
    """An OLE2 compound file: told by the names of its streams (stored in UTF-16)."""

    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage"):
        return "encrypted_office"  # a password-protected XLSX or DOCX
    if has("WordDocument"):
        return "wps" if extension == "wps" else "doc"
    if has("Workbook") or has("Book"):
        return "et" if extension == "et" else XLS
    if has("PowerPoint Document"):
        return "ppt"
    return "ole"


def extract(data: bytes, file_format: str, ocr: bool = True) -> Extraction:
    """Lines of a file of a binary format (``sniff``); never raises for a bad file."""
    try:
        return _extract(data, file_format, ocr)
    except (ArchiveRefused, UnreadableFile) as exc:
        return failed(file_format, exc.code, str(exc))
    except Exception as exc:  # a damaged file, whatever its library raises: a failed row, not a crash
        message = str(exc).strip() or type(exc).__name__
        if re.search(r"password|encrypt|protected", message, re.I):
            return failed(file_format, "encrypted_file", f"the {file_format} file is encrypted: {message}")
        return failed(
            file_format,
            "unreadable_file",
            f"the file cannot be read as {file_format} (damaged, or not what it seems): "
            f"{type(exc).__name__}: {message}",
        )


def _extract(data: bytes, file_format: str, ocr: bool) -> Extraction:
    if file_format in (XLSX, DOCX):
        check_sizes(open_zip(data, f"the {file_format} file"), f"the {file_format} file")
    if file_format == XLSX:
        from .sheets import xlsx_lines

        return Extraction(XLSX, xlsx_lines(data))
    if file_format in (XLS, XLSB, ODS, "et"):
        from .sheets import calamine_lines

        try:
            return Extraction(file_format, calamine_lines(data))
        except Exception:
            if file_format == "et":
                return failed("et", "format_not_supported", _CONVERT["et"])
            raise
    if file_format == DOCX:
        from .word import docx_lines

        return Extraction(DOCX, docx_lines(data))
    if file_format == HTML:
        from .html import html_lines

        lines, encoding = html_lines(data)
        return Extraction(HTML, lines, encoding)
    if file_format == PDF:
        return _delegate(PDF, "pdf", data, ocr=ocr)
    if file_format == IMAGE:
        if too_large := _image_too_large(data):
            return failed(IMAGE, "image_too_large", too_large)
        if not ocr:
            return failed(IMAGE, "ocr_disabled", "an image holds no text without OCR, and --no-ocr was given")
        return _delegate(IMAGE, "image", data)
    if file_format == "encrypted_office":
        return failed(
            file_format,
            "encrypted_file",
            "the file is password-protected (an encrypted Office file): open it, remove the password "
            "(文件 → 信息 → 保护 → 用密码进行加密, empty) and save it again",
        )
    if file_format in _CONVERT:
        return failed(file_format, "format_not_supported", _CONVERT[file_format])
    return failed(
        file_format, "binary_file", "the file is binary (not text) of a format jixiao does not read"
    )


def _delegate(file_format: str, module: str, data: bytes, **options) -> Extraction:
    """PDF and images are read by their own modules: ``SourceLines`` (lines and the issues met
    reading them), or ``UnreadableFile`` for a file they cannot read."""
    import importlib

    try:
        reader = importlib.import_module(f"{__name__}.{module}")
    except ImportError as exc:
        return failed(file_format, "format_not_supported", f"{file_format} reading is not available: {exc}")
    result = reader.lines(data, **options)
    return Extraction(file_format, list(result), issues=list(getattr(result, "issues", [])))


def failed(file_format: str, code: str, message: str) -> Extraction:
    return Extraction(file_format, None, issues=[Issue(Severity.ERROR, code, message)])


def _image_too_large(data: bytes) -> str | None:
    """Width × height from the image's header, before any pixel is decoded (a pixel bomb)."""
    size = _image_size(data)
    if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
        return (
            f"the image is {size[0]:,} × {size[1]:,} pixels, over the {MAX_IMAGE_PIXELS / 1e6:.0f} million "
            "pixel limit (a page scanned at 600 dpi is 35 million): scan it at 300 dpi"
        )
    return None


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        if data.startswith(b"\x89PNG") and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if data.startswith(b"GIF8"):
            return struct.unpack("<HH", data[6:10])
        if data.startswith(b"BM"):
            width, height = struct.unpack("<ii", data[18:26])
            return abs(width), abs(height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame header (SOF0–SOF15 but DHT, JPG, DAC) holds the height and width."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None
