"""Benchmark: XLSX forms per second, and DOCX and HTML beside them (README "XLSX, DOCX, HTML, ZIP").

    make bench-formats                                   # 200 files of each format, 5 forms a file
    .venv/bin/python -m bench.office_formats [--files 200] [--forms 5] [--formats xlsx,docx,html]

Prints the real forms of tests/real (every gold form with a name, a year and indicators, in turn)
in the national templates with merged cells (tests/office_forms.py): ``--files`` workbooks of
``--forms`` forms on one sheet, and as many Word files and HTML pages. Each format is then read
twice, each time in a fresh process measured from outside (bench/run.py ``measure``):

- the reading alone (``ingest.parse.parse_bytes`` on every file: format front-end and form
  reader), its own clock started after the imports: forms per second of reading;
- ``jixiao ingest`` of the folder into a new warehouse: the whole path, workers and load included.

Prints a Markdown table and writes it to ``<work>/results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench.run import REPO, jixiao_command, measure

FORMATS = ("xlsx", "docx", "html")


def real_forms() -> list[dict]:
    forms = []
    for gold in sorted((REPO / "tests" / "real").glob("[!h]*/*.gold.json")):  # heldback/ is never used
        for form in json.loads(gold.read_text(encoding="utf-8"))["projects"]:
            if form["project_name"] and form["fiscal_year"] and form["indicators"]:
                forms.append(form)
    return forms


def write_files(work: Path, file_format: str, n_files: int, per_file: int) -> tuple[Path, int]:
    from tests import office_forms

    forms = real_forms()
    folder = work / file_format
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for k in range(n_files):
        # every project its file's number, so no two files share content (the ingest would count
        # a copy as a duplicate and skip it) and no two forms are one project
        chosen = [
            dict(form, project_name=f"{form['project_name']}（{k:05d}）")
            for form in (forms[(k * per_file + j) % len(forms)] for j in range(per_file))
        ]
        tables = [office_forms.form_table(form) for form in chosen]
        if file_format == "xlsx":
            data = office_forms.xlsx_bytes(tables, one_sheet=True)
        elif file_format == "docx":
            data = office_forms.docx_bytes(tables)
        else:
            data = office_forms.html_bytes(tables)
        (folder / f"forms_{k:05d}.{file_format}").write_bytes(data)
    return folder, n_files * per_file


def read_only(folder: str) -> None:
    """Child process: parse every file of a folder; print files, forms and seconds as JSON."""
    from ingest.parse import parse_bytes

    paths = sorted(Path(folder).iterdir())
    start, cpu = time.perf_counter(), time.process_time()
    forms = sum(len(parse_bytes(path.read_bytes(), str(path)).forms) for path in paths)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"files": len(paths), "forms": forms, "seconds": seconds, "cpu_seconds": cpu_seconds}))


def run(formats: list[str], n_files: int, per_file: int, work: Path) -> str:
    rows = []
    for file_format in formats:
        folder, n_forms = write_files(work, file_format, n_files, per_file)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        alone = measure(
            f"{file_format}: reading", [sys.executable, "-m", "bench.office_formats", "--read", str(folder)]
        )
        if alone.exit_code != 0:
            raise SystemExit(alone.stderr)
        figures = json.loads(alone.stdout.strip().splitlines()[-1])
        db = work / f"{file_format}.duckdb"
        db.unlink(missing_ok=True)
        ingest = measure(
            f"{file_format}: jixiao ingest", [*jixiao_command(), "ingest", str(folder), "--db", str(db)]
        )
        forms_line = next((line for line in ingest.stdout.splitlines() if line.startswith("forms:")), "?")
        rows.append(
            f"| {file_format} | {n_files} | {n_forms} | {size:.1f} | {figures['forms']} "
            f"| {figures['seconds']:.1f} | {figures['forms'] / figures['seconds']:.0f} "
            f"| {figures['forms'] / figures['cpu_seconds']:.0f} | {alone.largest_rss_mb:.0f} "
            f"| {ingest.wall_s:.1f} | {ingest.cpu_s:.1f} | {n_forms / ingest.wall_s:.0f} "
            f"| {n_forms / ingest.cpu_s:.0f} | {ingest.tree_rss_mb:.0f} | {forms_line} | {ingest.exit_code} |"
        )
    header = (
        f"XLSX, DOCX and HTML forms ({per_file} real forms a file, national templates, merged cells), "
        f"{dt.date.today()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}\n\n"
        "| format | files | forms printed | MB | forms read | reading s | forms/s reading | forms per CPU s "
        "| peak RSS MB | ingest wall s | ingest CPU s | forms/s ingest | forms per CPU s "
        "| peak RSS MB, all processes | ingest says | exit |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
    )
    table = "\n".join([header, *rows])
    (work / "results.md").write_text(table + "\n", encoding="utf-8")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=200, help="files of each format (default 200)")
    parser.add_argument("--forms", type=int, default=5, help="forms in each file (default 5)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: xlsx,docx,html")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench" / "formats")
    parser.add_argument("--read", metavar="FOLDER", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.read:
        read_only(args.read)
        return
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}; choose from {', '.join(FORMATS)}")
    print(run(formats, args.files, args.forms, args.work))


if __name__ == "__main__":
    main()
