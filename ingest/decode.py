"""Bytes to text: detect the encoding of a document and decode it without losing anything silently."""

from __future__ import annotations

import codecs
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


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    return b"\x00" in sample or sample.startswith(
        (b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"%PDF", b"GIF8")
    )


def decode(data: bytes) -> Decoded:
    """Try, in order: a BOM, strict UTF-8, UTF-16 by NUL pattern, strict GB18030; else damaged UTF-8."""
    if not data:
        return Decoded(None, None, [Issue(Severity.ERROR, "empty_file", "the file is empty")])
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                return _damaged(data, encoding, exc)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        first_error = utf8_error
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if _is_binary(data):
        return Decoded(
            None,
            None,
            [Issue(Severity.ERROR, "binary_file", "the file is binary (not text); nothing to parse")],
        )
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    return _damaged(data, "utf-8", first_error)


def _damaged(data: bytes, encoding: str, error: UnicodeDecodeError) -> Decoded:
    """Decode what can be decoded and say where the damage is."""
    codec = "utf-16" if encoding == "utf-16" else encoding
    text = data.decode(codec, errors="replace")
    n_bad = text.count("\ufffd")
    line_no = data[: error.start].count(b"\n") + 1
    issue = Issue(
        Severity.WARNING,
        "undecodable_bytes",
        f"{n_bad} undecodable byte sequence(s) replaced with U+FFFD; first at byte {error.start} (line {line_no})",
        line_no=line_no,
    )
    return Decoded(text, f"{encoding} (damaged)", [issue])


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; CRLF, CR and LF all end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
