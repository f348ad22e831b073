"""A canonical record of what the parser makes of a fixed set of files, to prove a speed change
changed nothing.

    .venv/bin/python -m bench.parse_digest OUT.jsonl PATH...

Parses every ``.txt`` file under each PATH (folders recursively, in sorted order; any folder named
``*heldback*`` is skipped: the unseen sets) with ``parse_bytes`` and writes one JSON line per
document: its path and everything the parser returned (forms, their fields and indicators, budget
items, issues). Prints the number of documents and a SHA-256 of the whole output: equal digests
before and after a change mean equal output. ``diff`` two outputs to see what moved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from ingest.parse import parse_bytes


def corpus(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for arg in paths:
        path = Path(arg)
        files = [path] if path.is_file() else sorted(path.rglob("*.txt"))
        found.extend(f for f in files if not any("heldback" in part for part in f.parts))
    return found


def document_record(path: Path) -> str:
    document = parse_bytes(path.read_bytes(), str(path))
    return json.dumps(dataclasses.asdict(document), ensure_ascii=False, sort_keys=True, default=str)


def main(argv: list[str] | None = None) -> int:
    out, *paths = argv if argv is not None else sys.argv[1:]
    digest = hashlib.sha256()
    files = corpus(paths)
    with open(out, "w", encoding="utf-8") as sink:
        for path in files:
            line = document_record(path) + "\n"
            sink.write(line)
            digest.update(line.encode())
    print(f"{len(files)} documents, sha256 {digest.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
