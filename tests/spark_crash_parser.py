"""A parser that raises on files carrying a marker, for tests/test_spark_ingest.py.

The Spark ingest names its parser as ``module:function`` and imports it on the executor, so the
exception is raised where a real parser crash would be: in an executor's Python worker, inside
``mapPartitions``. Every other file goes to the real ``ingest.parse.parse_bytes``.
"""

from ingest.parse import parse_bytes as real_parse_bytes

MARKER = b"JIXIAO-TEST-PARSER-CRASH"


def parse_bytes(data: bytes, source_path: str, ocr: bool = True):
    if MARKER in data:
        raise RuntimeError("a parser bug, raised on purpose by the test")
    return real_parse_bytes(data, source_path, ocr=ocr)
