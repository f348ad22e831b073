"""`jixiao report` on the samples: one self-contained HTML file, opened in a real headless
Debian chromium (driven by playwright with that executable; no browser is downloaded).

The page must load with no console error, every chart must be drawn (an SVG with marks and a
size), and the unit YoY chart's table must hold the figures of marts.agg_unit_rollup. A
screenshot goes to build/report.png. Without chromium (`make test` installs it as root through
apt), the browser test is skipped with a loud message; the file checks still run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, SAMPLES

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # as root chromium refuses to start without it
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = REPO / "build" / "report.png"
CHARTS = {"unit_yoy", "execution", "coverage", "quantified", "self_eval_scores", "data_quality"}


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def report(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    db = sample_warehouse
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = jixiao("report", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"report: 8 sections, 6 charts, to {out}\n"
    return db, out


def find_chromium() -> str | None:
    for name in (os.environ.get("JIXIAO_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def test_report_is_one_self_contained_file_with_chinese_labels(report: tuple[Path, Path]) -> None:
    _, out = report
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    # nothing to load: no script, no stylesheet link, no remote address anywhere but the SVG namespaces
    assert "<script" not in page and "<link" not in page and "<img" not in page
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for title in (
        "概览",
        "单位预算同比",
        "执行率分布",
        "指标覆盖热力图",
        "定量指标占比",
        "自评分数核查",
        "目标变化",
        "数据质量",
    ):
        assert f"<h2>{title}</h2>" in page
    # the samples hold no project-year with both forms: the drift section says so instead of a chart
    assert "仓库中没有同一项目同一年度同时有目标表和自评表的情况。" in page


def test_report_without_marts_says_build_first(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert jixiao("ingest", str(SAMPLES / "004_32c8326197e9c2c6.txt"), "--db", str(db)).returncode == 0
    result = jixiao("report", "--db", str(db), "--out", str(tmp_path / "r.html"))
    assert result.returncode == 3
    assert "run `jixiao build` first" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_renders_in_headless_chromium(report: tuple[Path, Path], tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        message = (
            "!!! chromium not found: the report's browser test is SKIPPED. Install Debian's chromium "
            "(`apt-get install chromium fonts-wqy-microhei` as root; `make test` does it) or set JIXIAO_CHROMIUM."
        )
        warnings.warn(message, stacklevel=1)
        print(message, file=sys.stderr)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    db, out = report
    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),  # a fresh profile every run
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.new_page()
            page.on(
                "console",
                lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.goto(out.as_uri(), wait_until="load")
            charts = page.evaluate(
                """() => Array.from(document.querySelectorAll('figure.chart')).map(f => {
                    const svg = f.querySelector('svg');
                    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    return {key: f.dataset.chart, width: box.width, height: box.height,
                            marks: svg ? svg.querySelectorAll('path, rect, symbol, line').length : 0};
                })"""
            )
            cells = page.evaluate(
                """() => Array.from(document.querySelectorAll('table[data-table="unit_yoy"] tbody tr')).map(
                    tr => Object.fromEntries(Array.from(tr.querySelectorAll('td')).map(
                        td => [td.dataset.column, [td.dataset.value, td.textContent]])))"""
            )
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            context.close()
    assert problems == []
    assert {chart["key"] for chart in charts} == CHARTS
    assert [c["key"] for c in charts if not (c["width"] > 100 and c["height"] > 50 and c["marks"] > 5)] == []
    # the unit YoY chart's table holds the mart's figures, to the fen
    with duckdb.connect(str(db), read_only=True) as con:
        mart = con.execute(
            "select unit_name, fiscal_year, comparable_current_budget_yuan, comparable_prior_year_budget_yuan, "
            "comparable_yoy_delta_yuan from marts.agg_unit_rollup where n_comparable_projects > 0 "
            "order by fiscal_year, comparable_yoy_delta_yuan, unit_name"
        ).fetchall()
    shown = [
        (
            row["unit_name"][1],
            int(row["fiscal_year"][1]),
            *(Decimal(row[c][1].replace(",", "")) for c in
              ("comparable_current_budget_yuan", "comparable_prior_year_budget_yuan", "comparable_yoy_delta_yuan")),
        )
        for row in cells
    ]  # fmt: skip
    assert len(shown) == 12
    assert shown == mart
    assert ("上海市住房和城乡建设管理委员会", 2020, Decimal("68480484.00"), Decimal("62700345.00"),
            Decimal("5780139.00")) in shown  # fmt: skip
    assert SCREENSHOT.stat().st_size > 10_000
