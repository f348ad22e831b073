"""Benchmark: PDF pages per second, text layer and OCR (README "PDF, scans and images").

    .venv/bin/python -m bench.pdf_pages [--text-pages 100] [--ocr-pages 4] [--work build/bench/pdf]

Draws the real forms of tests/real (every gold form with a name and a year, in turn, one per
page: tests/pdf_forms.py) into a text-layer PDF of ``--text-pages`` pages and a scanned PDF (the
same pages rendered at 150 dpi, no text) of ``--ocr-pages`` pages. Each is then read twice, each
time in a fresh process measured from outside (bench/run.py ``measure``: wall, CPU, peak RSS):

- the front-end alone (``ingest.formats.pdf.lines``), its own clock started after the imports:
  pages per second of reading;
- ``jixiao ingest`` of the file into a new warehouse: the whole path, reader and load included.

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

SCAN_DPI = 150


def real_forms() -> list[dict]:
    forms = []
    for gold in sorted((REPO / "tests" / "real").glob("[!h]*/*.gold.json")):  # heldback/ is never used
        for form in json.loads(gold.read_text(encoding="utf-8"))["projects"]:
            if form["project_name"] and form["fiscal_year"] and form["indicators"]:
                forms.append(form)
    return forms


def write_pdfs(work: Path, text_pages: int, ocr_pages: int) -> tuple[Path, Path]:
    from tests.pdf_forms import form_pdf, rasterised_pdf

    forms = real_forms()
    pages = [forms[k % len(forms)] for k in range(max(text_pages, ocr_pages))]
    work.mkdir(parents=True, exist_ok=True)
    text, scan = work / f"text_{text_pages}p.pdf", work / f"scan_{ocr_pages}p.pdf"
    text.write_bytes(form_pdf(pages[:text_pages]))
    scan.write_bytes(rasterised_pdf(form_pdf(pages[:ocr_pages]), dpi=SCAN_DPI))
    return text, scan


def read_only(path: str) -> None:
    """Child process: read one PDF with the front-end; print pages, lines and seconds as JSON."""
    import pypdfium2

    from ingest.formats import pdf

    data = Path(path).read_bytes()
    pages = len(pypdfium2.PdfDocument(data))
    start = time.perf_counter()
    lines = pdf.lines(data)
    print(json.dumps({"pages": pages, "lines": len(lines), "seconds": time.perf_counter() - start}))


def run(text_pages: int, ocr_pages: int, work: Path) -> str:
    text, scan = write_pdfs(work, text_pages, ocr_pages)
    rows = []
    for kind, path, pages in (("text layer", text, text_pages), ("scanned, OCR", scan, ocr_pages)):
        alone = measure(f"{kind}: front-end", [sys.executable, "-m", "bench.pdf_pages", "--read", str(path)])
        if alone.exit_code != 0:
            raise SystemExit(alone.stderr)
        figures = json.loads(alone.stdout.strip().splitlines()[-1])
        db = work / f"{path.stem}.duckdb"
        db.unlink(missing_ok=True)
        ingest = measure(f"{kind}: jixiao ingest", [*jixiao_command(), "ingest", str(path), "--db", str(db)])
        forms = next((line for line in ingest.stdout.splitlines() if line.startswith("forms:")), "?")
        rows.append(
            f"| {kind} | {pages} | {path.stat().st_size / 1e6:.1f} | {figures['seconds']:.1f} "
            f"| {pages / figures['seconds']:.2f} | {alone.cpu_s:.1f} | {alone.largest_rss_mb:.0f} "
            f"| {ingest.wall_s:.1f} | {pages / ingest.wall_s:.2f} | {ingest.cpu_s:.1f} | {ingest.largest_rss_mb:.0f} "
            f"| {ingest.exit_code} | {forms} | {alone.load_before:.1f} |"
        )
    header = [
        f"PDF pages per second ({dt.date.today()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; scans rendered at {SCAN_DPI} dpi, OCR'd at the front-end's 200 dpi)",
        "",
        "| PDF | pages | MB | front-end s | pages/s | front-end CPU s | front-end peak RSS MB "
        "| ingest wall s | ingest pages/s | ingest CPU s | ingest peak RSS MB | exit | ingest read | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    report = "\n".join(header + rows) + "\n"
    (work / "results.md").write_text(report, encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text-pages", type=int, default=100)
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench" / "pdf")
    parser.add_argument("--read", help=argparse.SUPPRESS)  # child process: one timed read
    args = parser.parse_args(argv)
    if args.read:
        read_only(args.read)
    else:
        print(run(args.text_pages, args.ocr_pages, args.work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
