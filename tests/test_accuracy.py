"""`jixiao check`: the accuracy report sees what is wrong in the warehouse, not just what is right."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ingest.accuracy import accuracy_report
from ingest.pipeline import ingest_paths
from tests.conftest import REPO, sample


def _warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    ingest_paths([str(sample("000")), str(sample("004"))], db)
    return db


def _expected(tmp_path: Path) -> Path:
    folder = tmp_path / "expected"
    folder.mkdir()
    for prefix in ("000", "004"):
        shutil.copy(REPO / "tests" / "expected" / f"{sample(prefix).stem}.json", folder)
    return folder


def test_a_clean_load_scores_full_marks(tmp_path: Path) -> None:
    _, total = accuracy_report(_warehouse(tmp_path), _expected(tmp_path))
    assert (total.forms_found, total.forms_expected, total.forms_spurious) == (29, 29, 0)
    assert total.fields_right == total.fields_total > 0
    assert total.indicators_found == total.indicators_expected == 522
    assert total.indicators_right == 522


def test_wrong_figures_missing_rows_and_spurious_forms_are_counted(tmp_path: Path) -> None:
    db = _warehouse(tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute("update raw.projects set budget_current = 1 where project_name = '房屋物业管理监督管理'")
        con.execute("delete from raw.indicators where name = '居民满意度' and target = '满意'")
        con.execute("update raw.indicators set target = '=99%' where name = '开发系统'")
        con.execute(
            "insert into raw.projects (project_key, document_id, seq, form_type, is_complete, project_name) "
            "select document_id || ':99', document_id, 99, 'target', true, '幽灵项目' from raw.documents limit 1"
        )
    scores, total = accuracy_report(db, _expected(tmp_path))
    assert total.fields_right == total.fields_total - 1
    assert total.indicators_found == 521
    assert total.indicators_right == 520
    assert total.forms_spurious == 1
    assert any("budget_current" in p for s in scores for p in s.problems)
