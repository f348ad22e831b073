"""`jixiao` command line: a thin layer over the library. Each command parses options, makes one
library call, and turns domain errors into a clean message and an exit code.

Exit codes (each subcommand's ``--help`` says what they mean for it):

- 0 the command did its work. For ``ingest``, partial documents (a form cut off, a field missing)
  are warnings in the summary, not a failure.
- 1 ``ingest``: some documents failed or some paths were skipped (the rest is loaded);
  ``build``: dbt's own 1 (a model or an error-severity test failed); ``export``: the export failed
  part-way (no file is left half-written); ``check``: an expected document is not in the warehouse.
- 2 usage errors: argparse's, no given path exists, dbt's usage errors.
- 3 the environment is in the way: the warehouse is in use by another process, is not a DuckDB
  file, does not exist yet, or its folder does not exist or cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


def default_db() -> str:
    return os.environ.get("JIXIAO_DB", "warehouse.duckdb")


def error(message: str) -> None:
    print(f"jixiao: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"jixiao: warning: {message}", file=sys.stderr)


def missing_folder(db: Path) -> str | None:
    """Why the warehouse's folder cannot hold it, or None if it can."""
    folder = db.parent
    if not folder.exists():
        return f"its folder {folder} does not exist (create it, or choose another --db)"
    if not folder.is_dir():
        return f"{folder} is not a folder (choose another --db)"
    return None


def no_warehouse(db: Path) -> str:
    why = missing_folder(db)
    return f"no warehouse at {db}" + (f": {why}" if why else "; run `jixiao ingest PATH` first")


def cmd_ingest(args: argparse.Namespace) -> int:
    import duckdb
    from tqdm import tqdm

    from .load import WarehouseBusy
    from .pipeline import ingest_paths

    missing = [path for path in args.paths if not os.path.lexists(path)]
    if len(missing) == len(args.paths) and "://" not in args.paths[0]:  # a typo: touch nothing
        error(f"no such file or folder: {', '.join(missing)}; nothing ingested, no warehouse written")
        return EXIT_USAGE
    if args.engine == "spark":
        return ingest_on_spark(args)
    db = Path(args.db)
    if why := missing_folder(db):
        error(f"cannot write the warehouse {db}: {why}")
        return EXIT_ENVIRONMENT

    bars: list[tqdm] = []

    def start(n_files: int) -> None:  # the pipeline walks the paths once and says how many files it found
        # disable=None: no bar when stderr is not a terminal (make run > log, CI)
        bars.append(tqdm(total=n_files, unit="file", disable=n_files < 50 or None, file=sys.stderr))

    try:
        summary = ingest_paths(
            args.paths,
            db,
            jobs=args.jobs,
            on_start=start,
            progress=lambda n: bars[0].update(n),
            batch_size=args.batch_size,
            max_file_bytes=int(args.max_file_mb * 2**20),
            ocr=not args.no_ocr,
        )
    except WarehouseBusy as exc:
        error(str(exc))
        return EXIT_ENVIRONMENT
    except (duckdb.Error, OSError) as exc:
        error(f"cannot write the warehouse {db}: {exc}")
        return EXIT_ENVIRONMENT
    finally:
        for bar in bars:
            bar.close()
    for line in summary.lines():
        print(line)
    if not summary.files_seen:
        warn(f"no files under {', '.join(args.paths)}: nothing ingested")
    return EXIT_FAILED if summary.failed or summary.skipped else EXIT_OK


def raw_counts(db: Path) -> tuple[int, int] | None:
    """Documents and forms in the warehouse's raw layer; None if it has no raw tables."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        try:
            return con.execute(
                "select (select count(*) from raw.documents), (select count(*) from raw.projects)"
            ).fetchone()
        except duckdb.CatalogException:
            return None


def ingest_on_spark(args: argparse.Namespace) -> int:
    """`jixiao ingest --engine spark`: the same parser on Spark, into the Parquet lake at --lake."""
    from .spark_ingest import ingest_to_lake

    summary = ingest_to_lake(
        args.paths, args.lake, max_file_bytes=int(args.max_file_mb * 2**20), ocr=not args.no_ocr
    )
    print("\n".join(summary.lines()))
    return EXIT_FAILED if summary.statuses["failed"] else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    import duckdb

    from .build import build, plural
    from .load import WarehouseBusy, check_not_busy

    if args.engine == "spark":
        return build_on_spark(args)
    db = Path(args.db)
    if not db.exists():
        error(no_warehouse(db))
        return EXIT_ENVIRONMENT
    try:  # dbt would fail on the lock with a page of log; say it in one line instead
        check_not_busy(db)
        raw = raw_counts(db)
    except WarehouseBusy as exc:
        error(str(exc))
        return EXIT_ENVIRONMENT
    except duckdb.Error as exc:
        error(f"cannot open the warehouse {db}: {exc}")
        return EXIT_ENVIRONMENT
    result = build(db, args.dbt_args, colours=sys.stdout.isatty())
    sys.stdout.flush()  # dbt logs to stdout through its own handlers
    if result.usage_error:  # dbt logs its other errors itself; these it only returns
        error(f"dbt: {result.error}")
        error("`jixiao build` passes every argument it does not know to `dbt build` (see `dbt build --help`)")
    print(result.summary())
    if result.warned:
        print(
            f"dbt build: {plural(len(result.warned), 'warning')} (rows an analyst should look at, kept in the schema "
            f"test_failures): {', '.join(result.warned)}"
        )
    if result.failed:
        print(f"dbt build: {plural(len(result.failed), 'error')}: {', '.join(result.failed)}")
    if raw is None:
        warn(f"the warehouse {db} has no raw tables: run `jixiao ingest PATH --db {db}` first")
    elif raw[0] == 0:
        warn(f"the warehouse {db} holds no documents: every mart is empty (run `jixiao ingest PATH` first)")
    elif raw[1] == 0:
        warn(f"the warehouse {db} holds {plural(raw[0], 'document')} but no form: every mart is empty")
    return result.exit_code


def build_on_spark(args: argparse.Namespace) -> int:
    """`jixiao build --engine spark`: dbt build with the spark target, its raw views over --lake."""
    from .build import build, spark_build_env

    if not Path(args.lake, "documents").exists() and "://" not in args.lake:
        error(f"no lake at {args.lake}: run `jixiao ingest --engine spark PATH --lake {args.lake}` first")
        return EXIT_ENVIRONMENT
    spark_build_env(args.lake)
    result = build(Path(args.db), ["--target", "spark", *args.dbt_args], colours=sys.stdout.isatty())
    sys.stdout.flush()
    print(result.summary())
    if result.failed:
        print(f"dbt build: {len(result.failed)} errors: {', '.join(result.failed)}")
    return result.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from .export import FORMATS, ExportError, discover_marts, export_marts, open_warehouse

    db, out = Path(args.db), Path(args.out)
    formats = list(dict.fromkeys(args.format or FORMATS))
    if args.marts is not None:  # marts built on Spark: Parquet folders, read through DuckDB views
        from .parquet_marts import warehouse_over_parquet

        try:
            db = warehouse_over_parquet(Path(args.marts))
        except ExportError as exc:
            error(str(exc))
            return EXIT_ENVIRONMENT
    if not db.exists():
        error(no_warehouse(db))
        return EXIT_ENVIRONMENT
    try:
        with open_warehouse(db) as con:  # counted first: a refusal (in use, no marts) writes nothing
            rows = {mart.name: mart.n_rows for mart in discover_marts(con)}
        written = export_marts(db, out, formats)
    except ExportError as exc:
        error(str(exc))
        return EXIT_ENVIRONMENT
    except (duckdb.Error, OSError) as exc:  # files are replaced only once complete
        error(f"export failed (no file in {out} is left half-written): {exc}")
        return EXIT_FAILED
    print(f"export: {len(rows)} marts, {sum(rows.values()):,} rows, to {out}/")
    for fmt in formats:
        files = [path for path in written if path.suffix == f".{fmt}"]
        if args.verbose or len(files) == 1:
            print("\n".join(f"  {path}" for path in files))
        else:
            print(f"  {out / ('<mart>.' + fmt)}: {len(files)} files")
    for path in written:
        if path.suffix == ".md":
            print(f"  {path}")  # 说明: every exported column's definition
    empty = sorted(name for name, n in rows.items() if not n)
    if rows and len(empty) == len(rows):
        warn(
            f"every mart is empty: the files in {out} hold only their headers "
            "(run `jixiao ingest PATH` and `jixiao build` first)"
        )
    elif empty:
        warn(f"{len(empty)} of {len(rows)} marts are empty: {', '.join(empty)}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from .export import ExportError
    from .report import write_report

    db, out = Path(args.db), Path(args.out)
    if not db.exists():
        error(no_warehouse(db))
        return EXIT_ENVIRONMENT
    try:
        sections = write_report(db, out)
    except ExportError as exc:
        error(str(exc))
        return EXIT_ENVIRONMENT
    except (duckdb.Error, OSError) as exc:
        error(f"report failed ({out} is left as it was): {exc}")
        return EXIT_FAILED
    charts = sum(1 for s in sections if s.chart is not None and s.table.rows)
    print(f"report: {len(sections)} sections, {charts} charts, to {out}")
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
        error(no_warehouse(Path(args.db)))
        return EXIT_ENVIRONMENT
    paths = args.expected or ["tests/expected"]
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        error(f"no such file or folder: {', '.join(missing)}")
        return EXIT_USAGE
    try:
        expectations, golds = expectation_files(paths)
    except (OSError, ValueError) as exc:  # ValueError: a file that is not JSON
        error(f"cannot read the expectation files: {exc}")
        return EXIT_USAGE
    if not expectations and not golds:
        error(f"no expectation or gold files in {', '.join(paths)}")
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
    return EXIT_FAILED if any("not in the warehouse" in s.problems for s in all_scores) else EXIT_OK


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


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    from . import PARSER_VERSION

    def of(package: str) -> str:
        try:
            return installed(package)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"jixiao {of('jixiao')} (parser {PARSER_VERSION}; dbt-core {of('dbt-core')}, "
        f"dbt-duckdb {of('dbt-duckdb')}, duckdb {of('duckdb')}; Python {sys.version.split()[0]})"
    )


DB_HELP = "the warehouse file (default: $JIXIAO_DB, else warehouse.duckdb in the current folder)"
EXIT_ENV = "  3  the warehouse is in use by another process, is not a DuckDB file, or its folder\n     does not exist"


INGEST_EPILOG = f"""\
Every file under the paths ends up as a raw.documents row (parsed, partial or failed) or as a
`skipped PATH: reason` line; the summary's reconciliation line adds up. Files already loaded
(same bytes) are not parsed again; the summary also says what the warehouse now holds.
Formats are told by their content: text, XLSX/XLS, DOCX, HTML, PDF and images are read; a ZIP is
unpacked and each file in it ingested; DOC, WPS and ET get a failed row saying what to save them as.

exit codes:
  0  every file was read; every document parsed, or parsed partly (partial forms are warnings)
  1  some documents failed or some paths were skipped; the rest is loaded (reasons in the
     summary and raw.parse_issues)
  2  usage error: an unknown option, no PATH, or none of the PATHs exists (nothing is written)
{EXIT_ENV} or cannot be written
"""

BUILD_EPILOG = f"""\
Any argument jixiao does not know goes to `dbt build` as it is, for example
  jixiao build --select fct_budget_yoy        one mart and its tests
  jixiao build --select marts                 every mart
  jixiao build --select fct_budget_yoy+       a mart and everything built on it
  jixiao build --log-level info               dbt's line per node (default: warnings and errors,
                                              then one summary line)
Everything after `--` goes to dbt too. Data tests keep the rows they found in the schema
test_failures.

exit codes (0, 1 and 2 are dbt's):
  0  every selected model, seed and test passed (warnings included)
  1  a model, seed or error-severity test failed
  2  dbt could not run: a dbt usage error (printed), a project that does not parse
{EXIT_ENV}; there is no warehouse yet
"""

EXPORT_EPILOG = f"""\
Writes marts.xlsx (one sheet per mart), <mart>.csv and <mart>.parquet for every table of the
marts schema. Every file is written under a temporary name and renamed into place. Empty marts
are written with their header row only, and a warning says so.

exit codes:
  0  the files were written (a warning says if every mart is empty: ingest and build first)
  1  the export failed part-way; no file is left half-written
  2  usage error
{EXIT_ENV}; there is no warehouse or no marts yet (run `jixiao build`);
     a mart does not fit in an xlsx sheet
"""

REPORT_EPILOG = f"""\
Writes one HTML file that opens offline in any browser: an overview, unit YoY budget changes, the
execution-rate distribution, the 一级/二级 coverage heat map, quantified share by unit,
self-evaluation score checks, target drift and data quality. Each chart is inline SVG with its
table of numbers below it; the page loads no script and nothing from the network.

exit codes:
  0  the report was written
  1  writing failed; the previous file, if any, is left as it was
  2  usage error
{EXIT_ENV}; there is no warehouse or no marts yet (run `jixiao build`)
"""

CHECK_EPILOG = f"""\
exit codes:
  0  the report was printed
  1  an expected document is not in the warehouse
  2  usage error: no such expectation file or folder, a file that is not JSON
{EXIT_ENV}; there is no warehouse yet
"""


def parser() -> argparse.ArgumentParser:
    from .pipeline import BATCH_SIZE, MAX_FILE_BYTES

    main = argparse.ArgumentParser(
        prog="jixiao",
        description="Budget performance documents into a DuckDB warehouse, marts built by dbt, exported\n"
        "to xlsx, csv and parquet. `jixiao COMMAND --help` describes a command and its exit codes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # also keeps --version on one line
    )
    main.add_argument("--version", action="version", version=version())
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw_text = argparse.RawDescriptionHelpFormatter

    ingest = commands.add_parser(
        "ingest",
        help="parse documents into raw.* (files or folders, recursively)",
        description="Parse budget performance documents into the warehouse's raw.* tables.",
        epilog=INGEST_EPILOG,
        formatter_class=raw_text,
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (walked recursively)")
    ingest.add_argument("--db", default=default_db(), metavar="FILE", help=DB_HELP + "; created if missing")
    ingest.add_argument(
        "--jobs",
        type=positive_int,
        default=None,
        metavar="N",
        help="worker processes that parse (default: all cores)",
    )
    ingest.add_argument(
        "--batch-size",
        type=positive_int,
        default=BATCH_SIZE,
        metavar="N",
        help=f"documents per load transaction (default: {BATCH_SIZE})",
    )
    ingest.add_argument(
        "--max-file-mb",
        type=positive_float,
        default=MAX_FILE_BYTES / 2**20,
        metavar="MB",
        help="larger files are recorded as failed (file_too_large), not parsed "
        f"(default: {MAX_FILE_BYTES // 2**20})",
    )
    ingest.add_argument(
        "--no-ocr",
        action="store_true",
        help="do not OCR scanned PDF pages and images (they are recorded as not read); faster",
    )
    add_engine_options(ingest)
    ingest.set_defaults(parser=ingest, run=cmd_ingest)

    build = commands.add_parser(
        "build",
        help="run `dbt build` (models, seeds, data tests, unit tests) on the warehouse",
        description="Run `dbt build` on the warehouse: every model, seed, data test and unit test, or\n"
        "what the dbt arguments select.",
        epilog=BUILD_EPILOG,
        formatter_class=raw_text,
        usage="jixiao build [-h] [--db FILE] [DBT_ARG ...]",
        allow_abbrev=False,  # `--d…` may be a dbt option: never take it for --db
    )
    build.add_argument("--db", default=default_db(), metavar="FILE", help=DB_HELP)
    add_engine_options(build)
    build.set_defaults(parser=build, run=cmd_build, takes_extra_args=True)

    export = commands.add_parser(
        "export",
        help="write every mart to xlsx, csv and parquet",
        description="Write every mart of the warehouse to files an analyst opens.",
        epilog=EXPORT_EPILOG,
        formatter_class=raw_text,
    )
    export.add_argument(
        "--format",
        action="append",
        choices=["xlsx", "csv", "parquet"],
        help="a format to write; repeat it for several (default: all three)",
    )
    export.add_argument(
        "--out", default="out", metavar="DIR", help="output folder, created if missing (default: out)"
    )
    export.add_argument("--db", default=default_db(), metavar="FILE", help=DB_HELP)
    export.add_argument(
        "--marts",
        metavar="DIR",
        help="export the marts built on Spark: the folder of their Parquet tables "
        "(build/spark/warehouse/marts.db for the local spark target) instead of --db",
    )
    export.add_argument("-v", "--verbose", action="store_true", help="list every file written")
    export.set_defaults(parser=export, run=cmd_export)

    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report of the marts (charts and tables, offline)",
        description="Write one self-contained HTML page over the marts, with Chinese labels.",
        epilog=REPORT_EPILOG,
        formatter_class=raw_text,
    )
    report.add_argument(
        "--out", default="report.html", metavar="FILE", help="the HTML file to write (default: report.html)"
    )
    report.add_argument("--db", default=default_db(), metavar="FILE", help=DB_HELP)
    report.set_defaults(parser=report, run=cmd_report)

    check = commands.add_parser(
        "check",
        help="accuracy report: the warehouse against hand-verified expectation files or gold files",
        description=(
            "Compares the warehouse with hand-verified answers: expectation files\n"
            "(tests/expected/README.md) and gold files of real documents (*.gold.json,\n"
            "tests/real/shared/README.md), told apart by name and content. Gold files are scored as\n"
            "tests/real/score_real.py scores them."
        ),
        epilog=CHECK_EPILOG,
        formatter_class=raw_text,
    )
    check.add_argument(
        "--expected",
        action="extend",
        nargs="+",
        metavar="PATH",
        help="expectation or gold files, or folders of them (their *.json; default: tests/expected)",
    )
    check.add_argument("--db", default=default_db(), metavar="FILE", help=DB_HELP)
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every difference (gold files: also each form and indicator row that matches no gold one)",
    )
    check.add_argument(
        "--strict-total",
        action="store_true",
        help="gold files: 年度资金总额 must be in the field the gold names (by default, as score_real.py "
        "--lenient-total, a form's one annual figure may be in budget_total or budget_current)",
    )
    check.set_defaults(parser=check, run=cmd_check)
    return main


def add_engine_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="duckdb (default): the warehouse file; spark: the Parquet lake and a SparkSession "
        '(README "Scaling out")',
    )
    command.add_argument(
        "--lake",
        default=os.environ.get("JIXIAO_LAKE", "lake"),
        metavar="DIR",
        help="with --engine spark: the Parquet lake of raw tables (default: $JIXIAO_LAKE, else lake)",
    )


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    if not getattr(args, "takes_extra_args", False):
        if extra:
            args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    else:  # build: the rest is dbt's; `--` only marks where it starts
        if "--" in extra:
            extra.remove("--")
        args.dbt_args = extra
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
