"""The floor an ingest is measured against: what plain Python needs just to touch the same bytes.

    .venv/bin/python -m bench.floor DIR

One process, no jixiao code: walk DIR, read every file, decode it (UTF-8, else GB18030) and split
it into lines — the least any parser of these documents must do. A second pass reads and
SHA-256-hashes every file, the least an unchanged re-ingest must do to know nothing changed.
Prints one JSON object: seconds for each pass (interpreter start-up not included), files, bytes
and lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time


def files_under(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found.extend(os.path.join(root, name) for name in sorted(files) if not name.startswith("."))
    return found


def read_decode_split(folder: str) -> tuple[int, int, int]:
    n_files = n_bytes = n_lines = 0
    for path in files_under(folder):
        with open(path, "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        n_lines += len(text.replace("\r\n", "\n").split("\n"))
        n_files += 1
        n_bytes += len(data)
    return n_files, n_bytes, n_lines


def read_hash(folder: str) -> int:
    n = 0
    for path in files_under(folder):
        with open(path, "rb") as f:
            hashlib.sha256(f.read()).hexdigest()
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    folder = (argv or sys.argv[1:])[0]
    start = time.perf_counter()
    n_files, n_bytes, n_lines = read_decode_split(folder)
    decode_s = time.perf_counter() - start
    start = time.perf_counter()
    read_hash(folder)
    hash_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "files": n_files,
                "bytes": n_bytes,
                "lines": n_lines,
                "read_decode_split_s": decode_s,
                "read_hash_s": hash_s,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
