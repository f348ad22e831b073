"""The loader: one transaction per load, so a failure leaves the warehouse as it was."""

from __future__ import annotations

import gc
from pathlib import Path

import duckdb
import pytest

from ingest.load import connect, load_documents
from ingest.parse import parse_path
from tests.conftest import sample


def test_a_failing_load_rolls_back_completely(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    load_documents(con, [parse_path(sample("004"))])
    good = parse_path(sample("000"))
    bad = parse_path(sample("004"))
    bad.document_id = "x" * 64
    bad.forms[0].indicators[0].name = None  # violates raw.indicators.name NOT NULL mid-load
    with pytest.raises(duckdb.Error):
        load_documents(con, [good, bad])
    assert con.sql("select count(*) from raw.documents").fetchone()[0] == 1
    assert con.sql("select count(*) from raw.projects").fetchone()[0] == 1
    con.close()


def test_money_is_decimal_in_the_form_unit(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_documents(con, [parse_path(sample("004"))])
    row = con.sql("select amount_unit, budget_total, typeof(budget_total) from raw.projects").fetchone()
    assert row[0] == "万元" and str(row[1]) == "296.00" and row[2] == "DECIMAL(20,2)"
    con.close()


def test_a_document_whose_rows_cannot_load_is_recorded_failed_and_the_batch_goes_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a batch's insert fails, its documents are loaded one by one, and the one that cannot be
    is a failed row with a load_failed issue; the others go in."""
    from ingest import pipeline

    parse = pipeline._parse

    def parse_with_a_bad_row(data: bytes, path: str, document_id: str):
        document = parse(data, path, document_id)
        if path.endswith(sample("004").name):
            document.forms[0].indicators[0].name = None  # raw.indicators.name is NOT NULL
        return document

    monkeypatch.setattr(pipeline, "_parse", parse_with_a_bad_row)
    docs = tmp_path / "docs"
    docs.mkdir()
    for prefix in ("001", "004"):
        (docs / sample(prefix).name).write_bytes(sample(prefix).read_bytes())
    summary = pipeline.ingest_paths([str(docs)], tmp_path / "w.duckdb", jobs=1)  # in this process
    assert (summary.status["failed"], summary.status["parsed"]) == (1, 1)
    con = connect(tmp_path / "w.duckdb")
    rows = con.sql(
        "select d.status, d.n_projects, i.code from raw.documents as d "
        "left join raw.parse_issues as i on i.document_id = d.document_id and i.code = 'load_failed' "
        "order by d.source_path"
    ).fetchall()
    con.close()
    assert rows == [("parsed", 4, None), ("failed", 0, "load_failed")]


def test_an_ingest_in_the_callers_process_gives_back_its_garbage_collector_settings(tmp_path: Path) -> None:
    # the workers' young-generation threshold is for parsing; a notebook that ingests keeps its own
    from ingest import pipeline

    before = gc.get_threshold()
    gc.set_threshold(1234, *before[1:])
    try:
        pipeline.ingest_paths([str(sample("004"))], tmp_path / "w.duckdb", jobs=1)
        assert gc.get_threshold() == (1234, *before[1:])
    finally:
        gc.set_threshold(*before)
