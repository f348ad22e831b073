"""Bytes to text: detect the encoding of a document and decode it without losing anything silently."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .model import Issue, Severity

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Decoded:
    text: str | None  # None when the bytes are not text at all
    encoding: str | None
    issues: list[Issue] = field(default_factory=list)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-heavy text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


_MAGIC = (
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"%PDF",
    b"GIF8",
    b"\x1f\x8b",
    b"BM",
    b"\xd0\xcf\x11\xe0",
)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")


def _is_binary(data: bytes) -> bool:
    """A known binary signature (zip, png, jpeg, pdf, gif, gzip, bmp, old Office), or control bytes:
    text has almost none, binary data about one byte in ten. A stray NUL does not make text binary."""
    if data.startswith(_MAGIC):
        return True
    sample = data[:8192]
    control = len(sample) - len(sample.translate(None, _CONTROL))  # one pass, not one per control byte
    return control > max(4, len(sample) // 100)


# A UTF-8 file with fewer bad sequences than this share of its bytes is damaged UTF-8; with more,
# GB18030 is tried too and the encoding that decodes more of the file wins.
_UTF8_DAMAGE_SHARE = 0.01


def decode(data: bytes) -> Decoded:
    """Try, in order: a BOM, a binary signature, UTF-16 by NUL pattern, strict UTF-8, strict GB18030;
    else decode as much as possible (UTF-8 or GB18030, whichever loses less) and say where the damage is."""
    if not data:
        return Decoded(None, None, [Issue(Severity.ERROR, "empty_file", "the file is empty")])
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                return _damaged(data, encoding)
    utf16 = _looks_utf16(data)
    if not utf16 and _is_binary(data):
        return Decoded(
            None,
            None,
            [Issue(Severity.ERROR, "binary_file", "the file is binary (not text); nothing to parse")],
        )
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            return _damaged(data, utf16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    utf8 = _damaged(data, "utf-8")
    if utf8.n_bad <= _UTF8_DAMAGE_SHARE * len(data):
        return utf8
    gb18030 = _damaged(data, "gb18030")
    return gb18030 if gb18030.n_bad < utf8.n_bad else utf8


@dataclass
class _Damaged(Decoded):
    n_bad: int = 0


_SHOWN_LINES = 5


def _damaged(data: bytes, encoding: str) -> _Damaged:
    """Decode what can be decoded, replacing the rest with U+FFFD, and say where the damage is."""
    text = data.decode(encoding, errors="replace")
    damaged_lines = [n for n, line in enumerate(split_lines(text), 1) if "\ufffd" in line]
    n_bad = text.count("\ufffd")
    first = damaged_lines[0] if damaged_lines else None
    where = ", ".join(map(str, damaged_lines[:_SHOWN_LINES]))
    if len(damaged_lines) > _SHOWN_LINES:
        where += f" and {len(damaged_lines) - _SHOWN_LINES} more"
    issue = Issue(
        Severity.WARNING,
        "undecodable_bytes",
        f"{n_bad} undecodable byte sequence(s) in {encoding} replaced with U+FFFD, "
        f"on line{'s' if len(damaged_lines) > 1 else ''} {where}",
        line_no=first,
    )
    return _Damaged(text, f"{encoding} (damaged)", [issue], n_bad)


# A Markdown table's rule under its head: "|---|:---:|", "--- | ---"
_TABLE_RULE = re.compile(
    r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$|^\s*:?-{3,}:?(?:\s*\|\s*:?-{3,}:?)+\s*$"
)


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; CRLF, CR and LF all end a line. A full-width bar (｜, a
    table typed with a Chinese input method) separates cells as | does: it is read as one. A
    Markdown table's rule line is no row: left empty."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("｜", "|").split("\n")
    return ["" if "---" in line and _TABLE_RULE.match(line) else line for line in lines]
