"""The loader: one transaction per load, so a failure leaves the warehouse as it was."""

from __future__ import annotations

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
