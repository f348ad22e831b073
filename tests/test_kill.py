"""Interrupted and repeated loads: whole documents only, and nothing changes on a re-run.

A real `jixiao ingest` of a few hundred generated documents is SIGKILLed (with its worker
processes) at several moments — as soon as the warehouse's write-ahead log appears, after it has
grown, and late in the run. After each kill the warehouse must hold whole documents only: every
row of every document it holds equals a fresh parse of that document's file, in every raw table.
A re-run after the kills completes the load; one more run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from ingest.parse import parse_bytes, parse_path
from ingest.raw_tables import RAW_SCHEMAS, to_tables
from tests.conftest import RAW_TABLES, SAMPLES, sample

N_COPIES = 40  # of each of the five samples: 200 documents, 2,600 forms
BATCH = 10  # documents per transaction, so a run commits many times


def make_collection(folder: Path) -> list[Path]:
    """Copies of every sample, each with a project renamed and so a different hash."""
    folder.mkdir()
    files = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        forms = parse_bytes(path.read_bytes(), str(path)).forms
        name = next(f.project_name for f in forms if f.project_name and f.project_name in text)
        for i in range(N_COPIES):
            copy = folder / f"{path.stem}_{i:03}.txt"
            copy.write_text(text.replace(name, f"{name}{i:03}号", 1), encoding="utf-8")
            files.append(copy)
    return files


def expected_rows(files: list[Path]) -> dict[str, dict[str, set[tuple]]]:
    """document_id → raw table → rows, from a fresh in-process parse of each file."""
    documents = [parse_path(path) for path in files]
    tables = to_tables(documents, dt.datetime(2000, 1, 1))
    out: dict[str, dict[str, set[tuple]]] = defaultdict(lambda: defaultdict(set))
    for name in RAW_TABLES:
        for row in tables[name].to_pylist():
            out[owner(row)][name].add(key(name, row))
    return out


def owner(row: dict) -> str:
    return row.get("document_id") or row["project_key"].split(":")[0]


def key(table: str, row: dict) -> tuple:
    skip = {"ingested_at"}
    return tuple(row[c] for c in RAW_SCHEMAS[table].names if c not in skip)


def warehouse_rows(db: Path) -> dict[str, dict[str, set[tuple]]]:
    out: dict[str, dict[str, set[tuple]]] = defaultdict(lambda: defaultdict(set))
    with duckdb.connect(str(db), read_only=True) as con:
        for name in RAW_TABLES:
            rel = con.execute(f"select * from raw.{name}")
            columns = [c[0] for c in rel.description]
            for values in rel.fetchall():
                row = dict(zip(columns, values, strict=True))
                out[owner(row)][name].add(key(name, row))
    return out


def check_whole_documents(db: Path, expected: dict) -> int:
    """Every document in the warehouse is complete and exactly as parsed; returns how many there are."""
    found = warehouse_rows(db)
    for document_id, tables in found.items():
        assert document_id in expected, f"rows of an unknown document {document_id}"
        assert tables["documents"], f"rows of document {document_id} without its raw.documents row"
        for name in RAW_TABLES:
            assert tables[name] == expected[document_id][name], (
                f"{name} of {document_id} differ from a fresh parse"
            )
    with duckdb.connect(str(db), read_only=True) as con:
        mismatched = con.execute(
            "select count(*) from raw.documents d where n_projects != "
            "(select count(*) from raw.projects p where p.document_id = d.document_id)"
        ).fetchone()[0]
        (paths_without_document,) = con.execute(
            "select count(*) from raw.document_paths where document_id not in (select document_id from raw.documents)"
        ).fetchone()
    assert mismatched == 0
    assert paths_without_document == 0
    return len(found)


def start_ingest(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ingest.cli",
            "ingest",
            str(folder),
            "--db",
            str(db),
            "--batch-size",
            str(BATCH),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the pool workers too
    )


def kill(proc: subprocess.Popen) -> bool:
    """SIGKILL the ingest and its workers; True if it was still running."""
    running = proc.poll() is None
    if running:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return running


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the ingest did not get that far"
        time.sleep(0.005)


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def grown(wal: Path, by: int):
    """A moment: the write-ahead log has grown by ``by`` bytes since the moment was armed."""
    start: list[int] = []

    def moment() -> bool:
        if not start:
            start.append(size(wal))
        return size(wal) - start[0] > by

    return moment


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], dict]:
    folder = tmp_path_factory.mktemp("kill") / "collection"
    files = make_collection(folder)
    return folder, files, expected_rows(files)


def test_generated_documents_are_distinct(collection) -> None:
    _, files, expected = collection
    assert len(expected) == len(files) == 5 * N_COPIES


def test_sigkill_at_any_moment_leaves_whole_documents_and_a_rerun_completes(
    collection, tmp_path: Path
) -> None:
    folder, files, expected = collection
    db = tmp_path / "w.duckdb"
    wal = Path(f"{db}.wal")
    loaded: list[int] = []
    moments = [
        lambda: wal.exists(),  # the first write: the raw schema being created
        grown(wal, 1 * 2**20),  # a few batches committed, one probably being written
        grown(wal, 3 * 2**20),
        lambda: (time.sleep(2.0), True)[1],  # whatever the run is doing two seconds in
    ]
    killed_running = 0
    for moment in moments:
        proc = start_ingest(folder, db)
        wait_for(lambda proc=proc, moment=moment: moment() or proc.poll() is not None)
        killed_running += kill(proc)
        if db.exists():
            loaded.append(check_whole_documents(db, expected))
    print(f"documents in the warehouse after each kill: {loaded}")
    assert killed_running >= 2, "the ingest finished before it could be killed: make the collection bigger"
    print(f"documents in the warehouse after each kill: {loaded}")
    assert any(0 < n < len(files) for n in loaded), f"no kill landed mid-load: {loaded}"

    # A run after the kills completes the load, and is the same as if nothing had happened.
    finished = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr  # copies of 000 are partial: warnings, exit code 0
    assert check_whole_documents(db, expected) == len(files)
    seen, parsed = summary_counts(finished.stdout)
    assert seen == len(files) and parsed == len(files) - loaded[-1]


def summary_counts(stdout: str) -> tuple[int, int]:
    first = stdout.splitlines()[0]  # "files: 200 seen, 57 documents parsed (…)"
    seen, parsed = (int(part.split()[0]) for part in first.removeprefix("files: ").split(", ")[:2])
    return seen, parsed


def dump(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            name: con.execute(f"select * from raw.{name} order by all").fetchall()
            for name in (*RAW_TABLES, "document_paths")
        }


def test_the_same_ingest_twice_changes_nothing(collection, tmp_path: Path) -> None:
    folder, files, expected = collection
    db = tmp_path / "w.duckdb"
    args = [sys.executable, "-m", "ingest.cli", "ingest", str(folder), "--db", str(db)]
    subprocess.run(args, capture_output=True, timeout=300, check=False)
    before = dump(db)
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert dump(db) == before  # not even ingested_at or seen_at moved
    assert f"{len(files)} unchanged" in again.stdout and "0 documents parsed" in again.stdout
    assert check_whole_documents(db, expected) == len(files)


def test_changing_one_of_two_copies_keeps_the_other_and_moves_only_that_path(tmp_path: Path) -> None:
    """The same content under two names is one document; changing one file replaces only its rows."""
    a, b, other = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "other.txt"
    text = sample("004").read_text(encoding="utf-8")
    a.write_text(text, encoding="utf-8")
    b.write_text(text, encoding="utf-8")
    other.write_text(sample("001").read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "w.duckdb"

    def ingest(*paths: Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "ingest.cli", "ingest", *map(str, paths), "--db", str(db)],
            capture_output=True,
            timeout=120,
            check=False,
        )

    def state() -> tuple[list, list, list]:
        with duckdb.connect(str(db), read_only=True) as con:
            return (
                con.execute("select document_id, source_path from raw.document_paths order by 2").fetchall(),
                con.execute("select document_id, source_path from raw.documents order by 2").fetchall(),
                con.execute(
                    "select d.source_path, count(*) from raw.projects p join raw.documents d using (document_id) "
                    "group by all order by 1"
                ).fetchall(),
            )

    ingest(a, b, other)
    paths, documents, _ = state()
    old_id = paths[0][0]
    assert paths == [(old_id, str(a)), (old_id, str(b)), (paths[2][0], str(other))]
    other_rows = dump(db)["projects"]

    # a changes: a moves to a new document; the old one stays, held by b, under b's name.
    a.write_text(text.replace("296.00", "297.00"), encoding="utf-8")
    ingest(a)
    paths, documents, projects = state()
    new_id = next(d for d, p in paths if p == str(a))
    assert new_id != old_id
    assert (old_id, str(b)) in paths and (old_id, str(a)) not in paths
    assert (old_id, str(b)) in documents and (new_id, str(a)) in documents
    assert projects == [(str(a), 1), (str(b), 1), (str(other), 4)]
    assert [r for r in dump(db)["projects"] if r[1] == paths[2][0]] == [
        r for r in other_rows if r[1] == paths[2][0]
    ]

    # b changes too: now no file holds the old content, so its document and every row of it go.
    b.write_text(text.replace("296.00", "298.00"), encoding="utf-8")
    ingest(b)
    paths, documents, projects = state()
    assert old_id not in {d for d, _ in paths} | {d for d, _ in documents}
    assert projects == [(str(a), 1), (str(b), 1), (str(other), 4)]
    with duckdb.connect(str(db), read_only=True) as con:
        leftovers = con.execute(
            "select count(*) from raw.indicators where starts_with(project_key, ?)", [old_id]
        ).fetchone()[0]
    assert leftovers == 0


def test_a_renamed_file_keeps_its_document_when_a_new_file_takes_its_old_name(tmp_path: Path) -> None:
    """a.txt renamed to z.txt and a new a.txt written: the old content is still held (by z.txt),
    even when the new a.txt is loaded in a transaction before z.txt is looked at (one document a
    transaction, a.txt first in the run's order)."""
    docs, db = tmp_path / "docs", tmp_path / "w.duckdb"
    docs.mkdir()
    (docs / "a.txt").write_bytes(sample("001").read_bytes())

    def ingest() -> str:
        args = ["ingest", str(docs), "--db", str(db), "--batch-size", "1", "--jobs", "1"]
        result = subprocess.run(
            [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def documents() -> dict[str, list[str]]:
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(
                "select d.source_path, list(p.source_path order by p.source_path) from raw.documents d "
                "join raw.document_paths p using (document_id) group by all order by 1"
            ).fetchall()
        return dict(rows)

    ingest()
    (docs / "a.txt").rename(docs / "z.txt")
    (docs / "a.txt").write_bytes(sample("004").read_bytes())
    second = ingest()
    assert "1 documents parsed" in second and "1 unchanged" in second
    a, z = str(docs / "a.txt"), str(docs / "z.txt")
    assert documents() == {a: [a], z: [z]}
    assert "2 unchanged" in ingest()


def test_a_first_ingest_killed_while_creating_the_warehouse_leaves_none_or_a_whole_one(
    tmp_path: Path,
) -> None:
    """DuckDB writes a new file in steps: killed in between, a bare file would block every later run."""
    outcomes = []
    for i in range(6):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        db = folder / "w.duckdb"
        proc = start_ingest(sample("004"), db)
        wait_for(lambda folder=folder, proc=proc: any(folder.iterdir()) or proc.poll() is not None)
        time.sleep(0.003 * i)  # the first file appears; kill at a few moments while it is written
        kill(proc)
        if db.exists():
            with duckdb.connect(str(db), read_only=True) as con:
                tables = con.execute(
                    "select count(*) from information_schema.tables where table_schema = 'raw'"
                )
                assert tables.fetchone()[0] == len(RAW_TABLES) + 1
        outcomes.append(db.exists())
        rerun = subprocess.run(
            [sys.executable, "-m", "ingest.cli", "ingest", str(sample("004")), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert sorted(p.name for p in folder.iterdir() if p.name != "w.duckdb.wal") == ["w.duckdb"]
    print(f"warehouse existed after each kill: {outcomes}")


def test_a_warehouse_from_before_document_paths_gets_each_documents_path(tmp_path: Path) -> None:
    from importlib import resources

    schema = resources.files("ingest").joinpath("raw_schema.sql").read_text(encoding="utf-8")
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(schema[: schema.index("create table if not exists raw.document_paths")])
        con.execute(
            "insert into raw.documents (document_id, source_path, byte_size, encoding, layout, status, "
            "n_projects, n_indicators, n_issues, parser_version, ingested_at) values "
            "('old', 'old/path.txt', 1, 'utf-8', 'unknown', 'failed', 0, 0, 0, '0', timestamp '2020-01-01')"
        )
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest", str(sample("004")), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        paths = con.execute("select document_id, source_path from raw.document_paths order by 2").fetchall()
    assert ("old", "old/path.txt") in paths and {p for _, p in paths} == {"old/path.txt", str(sample("004"))}
