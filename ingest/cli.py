"""`jixiao` command line: a thin layer over the library. Each command parses options, makes one
library call, and turns domain errors into a clean message and an exit code.

Exit codes: 0 everything worked; 1 some input failed, parsed only partly or was skipped (good files
are still loaded) or a build failed; 2 usage errors (argparse); 3 the environment is in the way
(warehouse in use by another process, not a warehouse, no warehouse yet, cannot write).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


def default_db() -> str:
    return os.environ.get("JIXIAO_DB", "warehouse.duckdb")


def cmd_ingest(args: argparse.Namespace) -> int:
    import duckdb
    from tqdm import tqdm

    from .load import WarehouseBusy
    from .pipeline import ingest_paths

    bars: list[tqdm] = []

    def start(n_files: int) -> None:  # the pipeline walks the paths once and says how many files it found
        bars.append(tqdm(total=n_files, unit="file", disable=n_files < 50 or None, file=sys.stderr))

    try:
        summary = ingest_paths(
            args.paths,
            Path(args.db),
            jobs=args.jobs,
            on_start=start,
            progress=lambda n: bars[0].update(n),
            batch_size=args.batch_size,
            max_file_bytes=int(args.max_file_mb * 2**20),
        )
    except WarehouseBusy as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except (duckdb.Error, OSError) as exc:
        print(f"jixiao: cannot write the warehouse {args.db}: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    finally:
        for bar in bars:
            bar.close()
    for line in summary.lines():
        print(line)
    return EXIT_INPUT_FAILED if summary.failed or summary.skipped else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import run_dbt
    from .load import WarehouseBusy, check_not_busy

    if not Path(args.db).exists():
        print(f"jixiao: no warehouse at {args.db}; run `jixiao ingest PATH` first", file=sys.stderr)
        return EXIT_ENVIRONMENT
    try:  # dbt would fail on the lock with a page of log; say it in one line instead
        check_not_busy(Path(args.db))
    except WarehouseBusy as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return EXIT_OK if run_dbt(["build", *args.dbt_args], Path(args.db)) else EXIT_INPUT_FAILED


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from .export import ExportError, export_marts

    formats = [args.format] if args.format else ["xlsx", "csv", "parquet"]
    try:
        written = export_marts(Path(args.db), Path(args.out), formats)
    except ExportError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except (duckdb.Error, OSError) as exc:  # files are replaced only once complete
        print(f"jixiao: export failed (no file in {args.out} is left half-written): {exc}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    for path in written:
        print(path)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .accuracy import (
        accuracy_report,
        expectation_files,
        format_gold_report,
        format_report,
        gold_report,
    )

    if not Path(args.db).exists():
        print(f"jixiao: no warehouse at {args.db}; run `jixiao ingest PATH` first", file=sys.stderr)
        return EXIT_ENVIRONMENT
    paths = args.expected or ["tests/expected"]
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        print(f"jixiao: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        expectations, golds = expectation_files(paths)
    except (OSError, ValueError) as exc:  # ValueError: a file that is not JSON
        print(f"jixiao: cannot read the expectation files: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not expectations and not golds:
        print(f"jixiao: no expectation or gold files in {', '.join(paths)}", file=sys.stderr)
        return EXIT_USAGE
    all_scores = []
    if expectations:
        scores, total = accuracy_report(Path(args.db), [path for path, _ in expectations])
        for line in format_report(scores, total, verbose=args.verbose):
            print(line)
        all_scores += scores
    if golds:
        if expectations:
            print()
        scores, total = gold_report(
            Path(args.db), [path for path, _ in golds], lenient_total=not args.strict_total
        )
        for line in format_gold_report(scores, total, verbose=args.verbose):
            print(line)
        all_scores += scores
    return EXIT_INPUT_FAILED if any("not in the warehouse" in s.problems for s in all_scores) else EXIT_OK


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def parser() -> argparse.ArgumentParser:
    from .pipeline import BATCH_SIZE, MAX_FILE_BYTES

    main = argparse.ArgumentParser(
        prog="jixiao", description="Budget performance documents into a DuckDB warehouse."
    )
    commands = main.add_subparsers(dest="command", required=True)
    db_help = "warehouse file (default: $JIXIAO_DB or warehouse.duckdb)"

    ingest = commands.add_parser("ingest", help="parse documents into raw.* (files or folders, recursively)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--db", default=default_db(), help=db_help)
    ingest.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    ingest.add_argument(
        "--batch-size",
        type=positive_int,
        default=BATCH_SIZE,
        help=f"documents per load transaction (default: {BATCH_SIZE})",
    )
    ingest.add_argument(
        "--max-file-mb",
        type=positive_float,
        default=MAX_FILE_BYTES / 2**20,
        help=f"larger files are recorded as failed (file_too_large), not parsed (default: {MAX_FILE_BYTES // 2**20})",
    )
    ingest.set_defaults(run=cmd_ingest)

    build = commands.add_parser("build", help="run `dbt build` (models and all data tests) on the warehouse")
    build.add_argument("--db", default=default_db(), help=db_help)
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="extra dbt arguments, e.g. --select marts")
    build.set_defaults(run=cmd_build)

    export = commands.add_parser("export", help="write every mart to xlsx, csv and parquet")
    export.add_argument(
        "--format", choices=["xlsx", "csv", "parquet"], help="one format (default: all three)"
    )
    export.add_argument("--out", default="out", help="output folder (default: out)")
    export.add_argument("--db", default=default_db(), help=db_help)
    export.set_defaults(run=cmd_export)

    check = commands.add_parser(
        "check",
        help="accuracy report: the warehouse against hand-verified expectation files or gold files",
        description=(
            "Compares the warehouse with hand-verified answers: expectation files (tests/expected/README.md) "
            "and gold files of real documents (*.gold.json, tests/real/shared/README.md), told apart by "
            "name and content. Gold files are scored as tests/real/score_real.py scores them."
        ),
    )
    check.add_argument(
        "--expected",
        action="extend",
        nargs="+",
        metavar="PATH",
        help="expectation or gold files, or folders of them (their *.json; default: tests/expected)",
    )
    check.add_argument("--db", default=default_db(), help=db_help)
    check.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    check.add_argument(
        "--strict-total",
        action="store_true",
        help="gold files: 年度资金总额 must be in the field the gold names (by default, as score_real.py "
        "--lenient-total, a form's one annual figure may be in budget_total or budget_current)",
    )
    check.set_defaults(run=cmd_check)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
