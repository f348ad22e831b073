"""`jixiao` command line: a thin layer over the library. Each command parses options, makes one
library call, and turns domain errors into a clean message and an exit code.

Exit codes: 0 everything worked; 1 some input failed or parsed only partly (good files are still
loaded) or a build/export failed; 3 the environment is in the way (warehouse in use, missing file);
2 usage errors (argparse).
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
    from tqdm import tqdm

    from .discover import discover
    from .load import WarehouseBusy
    from .pipeline import ingest_paths

    n_files = len(discover(args.paths).files)
    with tqdm(total=n_files, unit="file", disable=n_files < 50 or None, file=sys.stderr) as bar:
        try:
            summary = ingest_paths(args.paths, Path(args.db), jobs=args.jobs, progress=bar.update)
        except WarehouseBusy as exc:
            print(f"jixiao: {exc}", file=sys.stderr)
            return EXIT_ENVIRONMENT
    for line in summary.lines():
        print(line)
    return EXIT_INPUT_FAILED if summary.failed or summary.skipped else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import run_dbt

    if not Path(args.db).exists():
        print(f"jixiao: no warehouse at {args.db}; run `jixiao ingest PATH` first", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return EXIT_OK if run_dbt(["build", *args.dbt_args], Path(args.db)) else EXIT_INPUT_FAILED


def cmd_export(args: argparse.Namespace) -> int:
    from .export import ExportError, export_marts

    formats = [args.format] if args.format else ["xlsx", "csv", "parquet"]
    try:
        written = export_marts(Path(args.db), Path(args.out), formats)
    except ExportError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    for path in written:
        print(path)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .accuracy import accuracy_report, format_report

    if not Path(args.db).exists():
        print(f"jixiao: no warehouse at {args.db}; run `jixiao ingest PATH` first", file=sys.stderr)
        return EXIT_ENVIRONMENT
    scores, total = accuracy_report(Path(args.db), Path(args.expected))
    for line in format_report(scores, total, verbose=args.verbose):
        print(line)
    return EXIT_INPUT_FAILED if any("not in the warehouse" in s.problems for s in scores) else EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="jixiao", description="Budget performance documents into a DuckDB warehouse."
    )
    commands = main.add_subparsers(dest="command", required=True)
    db_help = "warehouse file (default: $JIXIAO_DB or warehouse.duckdb)"

    ingest = commands.add_parser("ingest", help="parse documents into raw.* (files or folders, recursively)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--db", default=default_db(), help=db_help)
    ingest.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
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
        "check", help="accuracy report: the warehouse against hand-verified expectation files"
    )
    check.add_argument("--expected", default="tests/expected", help="folder of expectation JSON files")
    check.add_argument("--db", default=default_db(), help=db_help)
    check.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    check.set_defaults(run=cmd_check)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
