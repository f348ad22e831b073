"""Instructions the parser spends on a warm document, counted by callgrind (valgrind), which unlike
wall or CPU time does not move with the load of a shared machine.

    .venv/bin/python -m bench.instructions DIR [--first 100 --count 50 --warm 10] [--worker] [--out FILE]

DIR is a ``bench.generate`` folder (document ``i`` is sample ``i mod 5``, so any run of 50
consecutive documents is the same mix of the five shapes). The first ``--warm`` documents are
parsed outside the count (imports, compiled regexes, per-cell memos filled); then documents
``first .. first+count-1`` are parsed inside ``sys.call_tracing``, the one C function callgrind is
told to count inside (``--toggle-collect``), so the count is theirs alone, garbage collection
included. ``--worker`` counts an ingest worker's whole work instead: its tasks of
``pipeline.CHUNK`` files (``_read_and_parse_chunk`` after ``_init_worker``: read, hash, parse, the
rows' Arrow tables, with the worker's collector threshold) and the pickling of each task's result.
Prints millions of instructions per document; ``--out`` keeps the callgrind file for
``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def _documents(folder: str, first: int, count: int) -> list[Path]:
    return sorted(Path(folder).rglob("*.txt"))[first : first + count]


def _parse_counted(folder: str, first: int, count: int, warm: int, worker: bool) -> None:
    """Run under callgrind: parse the warm-up documents, then the counted ones."""
    from ingest import pipeline
    from ingest.parse import parse_bytes

    if worker:
        pipeline._init_worker(frozenset())
    for path in _documents(folder, 0, warm):
        parse_bytes(path.read_bytes(), str(path))
    paths = _documents(folder, first, count)
    counted = [(path.read_bytes(), str(path)) for path in paths]

    def parse_all() -> None:
        if worker:  # a worker's task: a chunk of files read and parsed, rows built, sent back pickled
            for start in range(0, len(paths), pipeline.CHUNK):
                pickle.dumps(pipeline._read_and_parse_chunk(paths[start : start + pipeline.CHUNK]))
            return
        for data, name in counted:
            parse_bytes(data, name)

    sys.call_tracing(parse_all, ())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--worker", action="store_true", help="count a worker's tasks, not parse_bytes")
    parser.add_argument("--out", help="keep the callgrind output here")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        _parse_counted(args.folder, args.first, args.count, args.warm, args.worker)
        return 0
    out = args.out or tempfile.mktemp(prefix="callgrind.", suffix=".out")
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=sys_call_tracing",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            args.folder,
            f"--first={args.first}",
            f"--count={args.count}",
            f"--warm={args.warm}",
            "--inner",
            *(["--worker"] if args.worker else []),
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    totals = re.search(r"^(?:summary|totals): (\d+)", Path(out).read_text(), re.M)
    assert totals, f"no totals in {out}"
    per_document = int(totals.group(1)) / args.count / 1e6
    print(f"{per_document:.2f} M instructions a warm document ({args.count} documents, {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
