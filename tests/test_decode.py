"""Encoding detection: every encoding real collections use decodes to the same text."""

from __future__ import annotations

import pytest

from ingest.decode import decode, split_lines
from ingest.parse import parse_bytes
from tests.conftest import sample

TEXT = "项目名称：\t房屋物业管理监督管理\n项目总预算（元）：\t26,470,288\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text.lstrip("\ufeff") == TEXT
    assert decoded.issues == []


def test_crlf_and_cr_line_ends_split_like_lf() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]


def test_damaged_bytes_are_replaced_and_located() -> None:
    data = TEXT.encode("utf-8") + b"\xff\xfe\xfa broken\n" + TEXT.encode("utf-8")
    decoded = decode(data)
    assert decoded.encoding == "utf-8 (damaged)"
    assert "房屋物业管理监督管理" in decoded.text
    (issue,) = decoded.issues
    assert issue.code == "undecodable_bytes" and issue.line_no == 3


def test_empty_and_binary_files_are_failed_documents_with_a_reason() -> None:
    empty = parse_bytes(b"", "empty.txt")
    assert empty.status.value == "failed" and [i.code for i in empty.issues] == ["empty_file"]
    unknown = parse_bytes(bytes(range(256)) * 4, "data.bin")  # no signature jixiao knows, control bytes
    assert unknown.status.value == "failed" and [i.code for i in unknown.issues] == ["binary_file"]
    # a PNG whose header claims 66,051 × 67,438,087 pixels is refused before a pixel is decoded
    png = parse_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "image.png")
    assert png.file_format == "image" and png.status.value == "failed"
    assert [i.code for i in png.issues] == ["image_too_large"]


def test_gb18030_sample_parses_like_the_utf8_original() -> None:
    original = sample("004").read_bytes()
    converted = original.decode("utf-8").replace("\n", "\r\n").encode("gb18030")
    a, b = parse_bytes(original, "a"), parse_bytes(converted, "b")
    assert b.encoding == "gb18030"
    assert [f.project_name for f in a.forms] == [f.project_name for f in b.forms]
    assert [len(f.indicators) for f in a.forms] == [len(f.indicators) for f in b.forms]
