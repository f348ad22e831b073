"""An incremental `jixiao build` gives the warehouse a full build gives, whatever the ingest did.

Six models are incremental on DuckDB: stg_raw__projects (the forms with their names cleaned: a
build reads only the forms of documents ingested since the last one), int_indicators_classified
(the target parsing and the 一级/二级 mapping of every indicator row, likewise by document),
int_project_link_candidates (a build pairs again the unit-years whose inputs' fingerprint changed),
int_indicators_mapped (the winning forms' rows with their ids: a build maps again the forms whose
fingerprint changed), fct_indicators (a build rebuilds the project-years int_indicators_mapped
wrote since) and fct_target_drift (likewise by project, and the projects whose forms left).
After each kind of change an analyst's collection sees (files added, a file edited, a file
overwritten by a copy of another so its old document goes with nothing new, a document re-parsed
by a newer parser), the warehouse built incrementally is compared, table by table, with a copy of
it rebuilt with --full-refresh: every mart and the incremental model itself, row for row.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import MARTS, sample

REAL = Path(__file__).resolve().parent / "real"
CROSS_YEAR = Path(__file__).resolve().parent / "documents" / "cross_year"
# Models only: the data tests read what the models wrote and have their own test files.
MODELS_ONLY = ["--exclude", "resource_type:test resource_type:unit_test"]
# Every incremental model (fct_indicators is a mart) and the intermediate tables they read.
COMPARED = sorted(MARTS) + [
    "stg_raw__projects",
    "int_indicators_classified",
    "int_indicators_mapped",
    "int_project_link_candidates",
    "int_project_links",
    "int_projects_deduplicated",
    "int_projects_linked",
    "int_units_resolved",
    "int_forms_checked",
]
# When the build that wrote a row started: differs between the two builds by design.
NOT_COMPARED = {"built_at"}


def jixiao(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=600
    )
    # an ingest exits 1 on a partial form; a build of the models alone has no reason to
    allowed = (0,) if args[0] == "build" else (0, 1)
    assert result.returncode in allowed, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def schema_of(con: duckdb.DuckDBPyConnection, table: str) -> str:
    (schema,) = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [table]
    ).fetchone()
    return schema


def differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per table, the rows only the incremental build has and the rows only the full build has."""
    out = {}
    with duckdb.connect(str(incremental), read_only=True) as con:
        con.execute(f"attach '{full}' as full_build (read_only)")
        for table in COMPARED:
            relation = f'{schema_of(con, table)}."{table}"'
            columns = [
                f'"{name}"'
                for (name,) in con.execute(
                    "select column_name from information_schema.columns where table_name = ? "
                    "and table_catalog = current_database() order by ordinal_position",
                    [table],
                ).fetchall()
                if name not in NOT_COMPARED
            ]
            mine = f"select {', '.join(columns)} from {relation}"
            theirs = f"select {', '.join(columns)} from full_build.{relation}"
            extra = con.execute(f"select count(*) from ({mine} except all {theirs})").fetchone()[0]
            missing = con.execute(f"select count(*) from ({theirs} except all {mine})").fetchone()[0]
            if extra or missing:
                out[table] = (extra, missing)
    return out


def built_both_ways(db: Path, tmp_path: Path, step: str) -> dict[str, tuple[int, int]]:
    jixiao("build", "--db", str(db), *MODELS_ONLY)
    full = tmp_path / f"full-after-{step}.duckdb"
    shutil.copyfile(db, full)
    jixiao("build", "--db", str(full), "--full-refresh", *MODELS_ONLY)
    return differences(db, full)


def documents(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from raw.documents").fetchone()[0]


def classified_rows(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from intermediate.int_indicators_classified").fetchone()[0]


def test_incremental_and_full_builds_give_the_same_warehouse(tmp_path: Path) -> None:
    docs, db = tmp_path / "docs", tmp_path / "warehouse.duckdb"
    docs.mkdir()
    first = [sample("001"), *sorted((REAL / "shared").glob("*.txt"))[:4]]
    later = [sample("004"), *sorted((REAL / "shared").glob("*.txt"))[4:7]]
    for path in first:
        shutil.copy(path, docs)
    jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "first build") == {}
    rows_before = classified_rows(db)

    # files added and a file edited, in one ingest: the edited path moves to a new document and
    # its old one goes
    for path in later:
        shutil.copy(path, docs)
    edited = docs / first[1].name
    text = edited.read_text(encoding="utf-8")
    target = next(t for t in ("100%", "≥95%", "≥90%", "100") if t in text)
    edited.write_text(text.replace(target, "≥77%", 1), encoding="utf-8")
    jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "add and change") == {}
    assert classified_rows(db) > rows_before

    # two files overwritten by copies of others: their documents are deleted and nothing new is
    # parsed; one of them (sample 001) has indicators, so its project-years leave every model
    documents_before = documents(db)
    with duckdb.connect(str(db), read_only=True) as con:
        (indicators_before,) = con.execute("select count(*) from marts.fct_indicators").fetchone()
    shutil.copy(docs / later[1].name, docs / first[2].name)
    shutil.copy(docs / later[2].name, docs / first[0].name)
    assert "0 documents parsed" in jixiao("ingest", str(docs), "--db", str(db))
    assert documents(db) == documents_before - 2
    assert built_both_ways(db, tmp_path, "delete") == {}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_indicators").fetchone()[0] < indicators_before

    # a document read by an older parser version is parsed again: same document_id, new rows
    with duckdb.connect(str(db)) as con:
        (document_id,) = con.execute(
            "select document_id from raw.documents where n_indicators > 0 order by source_path limit 1"
        ).fetchone()
        con.execute("update raw.documents set parser_version = 'old' where document_id = ?", [document_id])
        con.execute(
            "update raw.indicators set target = 'as an old parser read it' where project_key like ? || ':%'",
            [document_id],
        )
    jixiao("build", "--db", str(db), *MODELS_ONLY)  # the old reading is classified first
    jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "re-parse") == {}
    with duckdb.connect(str(db), read_only=True) as con:
        stale = con.execute(
            "select count(*) from marts.fct_indicators where target = 'as an old parser read it'"
        ).fetchone()[0]
    assert stale == 0


def link_candidates(db: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select project_name, linked_project_name from intermediate.int_project_link_candidates order by all"
        ).fetchall()


def test_link_candidates_follow_a_renamed_project_and_a_year_that_goes(tmp_path: Path) -> None:
    """int_project_link_candidates pairs again only the unit-years whose inputs changed: a project
    renamed in one year changes that unit-year's candidates, and a year whose document goes leaves
    the next year with nothing to pair (only the post-hook drops its old candidates)."""
    docs, db = tmp_path / "docs", tmp_path / "warehouse.duckdb"
    docs.mkdir()
    for path in [*CROSS_YEAR.glob("*.txt"), sample("001"), *sorted((REAL / "shared").glob("*.txt"))[:2]]:
        shutil.copy(path, docs)
    jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "first build") == {}
    renamed = ("住房公积金管理信息系统运维", "住房公积金管理信息系统(运维)")
    assert renamed in link_candidates(db)
    others = [pair for pair in link_candidates(db) if pair != renamed]

    # the 2023 form names the project once more differently: that unit-year is paired again
    later = docs / "2023_targets.txt"
    later.write_text(
        later.read_text(encoding="utf-8").replace("住房公积金管理信息系统运维", "住房公积金信息系统运维服务"),
        encoding="utf-8",
    )
    jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "rename") == {}
    candidates = link_candidates(db)
    assert ("住房公积金信息系统运维服务", "住房公积金管理信息系统(运维)") in candidates
    assert renamed not in candidates

    # the 2022 file is overwritten by a copy of another, so its document goes: 2023 has no project
    # that ended the year before, and its candidates go with nothing new to replace them
    shutil.copy(docs / sample("001").name, docs / "2022_targets.txt")
    assert "0 documents parsed" in jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "year gone") == {}
    assert link_candidates(db) == [pair for pair in others if "档案" not in pair[0]]

    # the self-evaluation goes too: its project-year keeps only its target form, so fct_target_drift
    # (incremental by project) must lose the rows it had, with nothing new to replace them
    assert drift_rows(db) > 0
    shutil.copy(docs / sample("001").name, docs / "2023_self_eval.txt")
    assert "0 documents parsed" in jixiao("ingest", str(docs), "--db", str(db))
    assert built_both_ways(db, tmp_path, "self-evaluation gone") == {}
    assert drift_rows(db) == 0


def drift_rows(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_target_drift").fetchone()[0]


def test_a_build_of_an_unchanged_project_leaves_out_the_seeds_and_unit_tests(tmp_path: Path) -> None:
    """Their results depend on the project's files only: run once per project, not per build. A
    whole build also drops the test_failures tables of tests the project no longer has."""
    db = tmp_path / "warehouse.duckdb"
    jixiao("ingest", str(sample("001")), "--db", str(db))
    first = jixiao("build", "--db", str(db))
    assert "6 seeds" in first and "10 unit tests" in first and "not run" not in first
    assert "dropped" not in first
    # a renamed test's table, left with the rows it found: the next whole build drops it
    with duckdb.connect(str(db)) as con:
        owned = failure_tables(con)
        con.execute("create table test_failures.not_null_a_renamed_model as select 1 as n")
    second = jixiao("build", "--db", str(db))
    assert "seeds" not in second.split(";")[0] and "unit test" not in second.split(";")[0]
    assert "seeds, their tests and unit tests not run: the project is unchanged" in second
    assert "dropped 1 test_failures table of data tests the project no longer has" in second
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_indicators").fetchone()[0] > 0
        assert failure_tables(con) == owned and len(owned) > 100


def failure_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    query = "select table_name from information_schema.tables where table_schema = 'test_failures'"
    return {name for (name,) in con.execute(query).fetchall()}


def test_the_project_fingerprint_follows_every_project_file(tmp_path: Path, monkeypatch) -> None:
    from ingest import build

    for name in build.PROJECT_INPUTS:
        source = build.PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp_path / name)
    monkeypatch.setattr(build, "PROJECT_DIR", tmp_path)
    before = build.project_fingerprint()
    assert build.project_fingerprint() == before
    seed = tmp_path / "seeds" / "unit_aliases.csv"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_seed = build.project_fingerprint()
    assert after_seed != before
    (tmp_path / "macros" / "new_macro.sql").write_text("{% macro x() %}1{% endmacro %}", encoding="utf-8")
    assert build.project_fingerprint() != after_seed
