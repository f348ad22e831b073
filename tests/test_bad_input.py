"""Bad input through the real `jixiao ingest`: every file accounted for, nothing crashes.

One folder holds every kind of bad file an analyst's collection has; the CLI ingests it once and
each test checks one kind with SQL on the warehouse, plus the summary and the exit code.
The 200 MB file has a test of its own, which also measures the ingest's peak memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.decode import decode
from ingest.parse import parse_bytes
from ingest.pipeline import MAX_FILE_BYTES, ingest_paths
from tests.conftest import sample

ORIGINAL = sample("004").read_text(encoding="utf-8")  # one district form, 11 indicators, 5 budget lines
N_INDICATORS = 11


def jixiao(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def variant(tag: str) -> str:
    """The original form under another project name, so its content hash differs."""
    return ORIGINAL.replace("住宅小区建设", f"住宅小区建设{tag}")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def reconciliation(stdout: str) -> dict[str, int]:
    line = next(line for line in stdout.splitlines() if line.startswith("reconciliation:"))
    numbers = {name: int(n) for n, name in re.findall(r"(\d+) (\w+)", line)}
    return numbers


def damaged_line_bytes() -> tuple[bytes, int]:
    """The original with undecodable bytes at the end of line 70 (the 制度保障 sheet)."""
    lines = ORIGINAL.encode("utf-8").split(b"\n")
    lines[69] += b"\xff\xfe\x80"
    return b"\n".join(lines), 70


def make_bad_folder(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "plain": folder / "plain.txt",
        "empty": folder / "empty.txt",
        "image": folder / "scan.png",
        "blob": folder / "blob.bin",
        "gb18030": folder / "gb18030.txt",
        "utf16": folder / "utf16_bom.txt",
        "utf8_bom": folder / "utf8_bom.txt",
        "crlf": folder / "crlf.txt",
        "cr": folder / "cr.txt",
        "damaged": folder / "damaged.txt",
        "truncated": folder / "truncated.txt",
        "concatenated": folder / "two_forms.txt",
        "copy_a": folder / "copy_a.txt",
        "copy_b": folder / "sub" / "copy_b.txt",
    }
    files["plain"].write_text(ORIGINAL, encoding="utf-8")
    files["empty"].write_bytes(b"")
    # a PNG whose header claims 66,051 × 67,438,087 pixels; ZIP files and other formats: test_formats.py
    files["image"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    files["blob"].write_bytes(bytes(range(256)) * 8)  # no signature jixiao knows
    # The same text in every encoding and line end real collections use: each a distinct file
    # (different bytes), each must give the plain file's indicator rows.
    files["gb18030"].write_bytes(ORIGINAL.encode("gb18030"))
    files["utf16"].write_bytes(ORIGINAL.encode("utf-16"))
    files["utf8_bom"].write_bytes(ORIGINAL.encode("utf-8-sig"))
    files["crlf"].write_bytes(ORIGINAL.replace("\n", "\r\n").encode("utf-8"))
    files["cr"].write_bytes(ORIGINAL.replace("\n", "\r").encode("utf-8"))
    files["damaged"].write_bytes(damaged_line_bytes()[0])
    data = variant("截断").encode("utf-8")
    files["truncated"].write_bytes(data[: int(len(data) * 0.6)])  # cut inside the indicator table
    files["concatenated"].write_text(variant("甲") + "\n" + variant("乙"), encoding="utf-8")
    files["copy_b"].parent.mkdir()
    for name in ("copy_a", "copy_b"):
        files[name].write_text(variant("副本"), encoding="utf-8")
    # Things that are not documents: each must be listed as skipped, none may hang the run.
    (folder / "self_loop.txt").symlink_to(folder / "self_loop.txt")
    (folder / "sub" / "back_up").symlink_to(folder)  # a folder loop
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / ".notes.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "x.txt").write_text(ORIGINAL, encoding="utf-8")
    return files


SKIPPED = {
    "self_loop.txt": "cannot resolve",
    "sub/back_up": "symlink loop",
    "dangling.txt": "cannot resolve",
    "pipe.txt": "not a regular file",
    ".notes.txt": "hidden file",
    ".cache": "hidden folder",
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("bad")
    files = make_bad_folder(tmp / "collection")
    db = tmp / "w.duckdb"
    missing = tmp / "no_such_folder"
    result = jixiao("ingest", str(tmp / "collection"), str(missing), "--db", str(db), timeout=120)
    return result, db, files, tmp


def document(db: Path, path: Path) -> dict:
    rows = query(
        db,
        "select d.* from raw.documents d join raw.document_paths p using (document_id) where p.source_path = ?",
        [str(path)],
    )
    assert len(rows) == 1, f"{path} has {len(rows)} documents"
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [c[0] for c in con.execute("select * from raw.documents limit 0").description]
    return dict(zip(columns, rows[0], strict=True))


def issues(db: Path, document_id: str) -> list[tuple[str, str, int | None]]:
    return query(
        db,
        "select severity, code, line_no from raw.parse_issues where document_id = ? order by seq",
        [document_id],
    )


def indicator_rows(db: Path, document_id: str) -> list[tuple]:
    return query(
        db,
        "select i.seq, i.level1, i.level2, i.name, i.target, i.line_no from raw.indicators i "
        "join raw.projects p using (project_key) where p.document_id = ? order by p.seq, i.seq",
        [document_id],
    )


# --- every input accounted for -----------------------------------------------------------------


def test_the_run_finishes_with_exit_code_1_and_no_traceback(bad_run) -> None:
    result, *_ = bad_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_reconciliation_adds_up_and_counts_every_entry(bad_run) -> None:
    result, db, files, tmp = bad_run
    r = reconciliation(result.stdout)
    assert (
        r["seen"]
        == r["parsed"] + r["partial"] + r["failed"] + r["unchanged"] + r["duplicates"] + r["skipped"]
    )
    # 14 documents' files, the six entries of SKIPPED and the path that does not exist.
    assert r["seen"] == len(files) + len(SKIPPED) + 1
    assert r["duplicates"] == 1 and r["unchanged"] == 0
    assert r["skipped"] == len(SKIPPED) + 1


def test_every_regular_file_is_a_document_path_and_everything_else_is_skipped(bad_run) -> None:
    result, db, files, tmp = bad_run
    recorded = {Path(p) for (p,) in query(db, "select source_path from raw.document_paths")}
    assert recorded == set(files.values())
    skipped = dict(re.findall(r"^skipped (.+?): (.+)$", result.stdout, re.MULTILINE))
    folder = tmp / "collection"
    for name, reason in SKIPPED.items():
        assert reason in skipped.pop(str(folder / name)), name
    assert skipped.pop(str(tmp / "no_such_folder")) == "does not exist"
    assert skipped == {}


def test_every_document_without_a_form_has_an_error_saying_why(bad_run) -> None:
    _, db, *_ = bad_run
    unexplained = query(
        db,
        "select source_path from raw.documents d where n_projects = 0 and not exists "
        "(select 1 from raw.parse_issues i where i.document_id = d.document_id and i.severity = 'error')",
    )
    assert unexplained == []
    counted = query(
        db,
        "select count(*) from raw.documents d where n_projects != "
        "(select count(*) from raw.projects p where p.document_id = d.document_id)",
    )
    assert counted == [(0,)]


# --- each kind of bad file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"), [("empty", "empty_file"), ("image", "image_too_large"), ("blob", "binary_file")]
)
def test_files_without_text_are_failed_documents_with_one_clear_line(bad_run, name: str, code: str) -> None:
    result, db, files, _ = bad_run
    doc = document(db, files[name])
    assert (doc["status"], doc["encoding"], doc["n_projects"]) == ("failed", None, 0)
    assert doc["byte_size"] == files[name].stat().st_size
    assert issues(db, doc["document_id"]) == [("error", code, None)]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(f"failed {files[name]}:")]
    assert code in line


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("gb18030", "gb18030"),
        ("utf16", "utf-16"),
        ("utf8_bom", "utf-8-sig"),
        ("crlf", "utf-8"),
        ("cr", "utf-8"),
    ],
)
def test_every_encoding_and_line_end_gives_the_same_rows(bad_run, name: str, encoding: str) -> None:
    _, db, files, _ = bad_run
    plain, doc = document(db, files["plain"]), document(db, files[name])
    assert doc["encoding"] == encoding
    assert doc["status"] == plain["status"] == "parsed"
    assert len(indicator_rows(db, plain["document_id"])) == N_INDICATORS
    assert indicator_rows(db, doc["document_id"]) == indicator_rows(db, plain["document_id"])
    budget = "select budget_total, budget_current, amount_unit from raw.projects where document_id = ?"
    assert query(db, budget, [doc["document_id"]]) == query(db, budget, [plain["document_id"]])


def test_undecodable_bytes_are_replaced_and_located_and_the_rest_is_read(bad_run) -> None:
    result, db, files, _ = bad_run
    doc = document(db, files["damaged"])
    _, line_no = damaged_line_bytes()
    assert doc["encoding"] == "utf-8 (damaged)"
    assert ("warning", "undecodable_bytes", line_no) in issues(db, doc["document_id"])
    message = query(
        db,
        "select message from raw.parse_issues where document_id = ? and code = 'undecodable_bytes'",
        [doc["document_id"]],
    )[0][0]
    assert f"line {line_no}" in message
    plain = document(db, files["plain"])
    assert indicator_rows(db, doc["document_id"]) == indicator_rows(db, plain["document_id"])
    assert f"{files['damaged']}: undecodable_bytes (line {line_no})" in result.stdout


def test_a_truncated_form_is_kept_incomplete_with_a_warning(bad_run) -> None:
    result, db, files, _ = bad_run
    doc = document(db, files["truncated"])
    assert (doc["status"], doc["n_projects"]) == ("partial", 1)
    (is_complete, n) = query(
        db,
        "select p.is_complete, count(i.seq) from raw.projects p left join raw.indicators i using (project_key) "
        "where p.document_id = ? group by all",
        [doc["document_id"]],
    )[0]
    assert not is_complete and 0 < n < N_INDICATORS
    assert "form_truncated_end" in {code for _, code, _ in issues(db, doc["document_id"])}
    assert f"partial {files['truncated']}: " in result.stdout


def test_two_documents_in_one_file_are_both_read(bad_run) -> None:
    _, db, files, _ = bad_run
    doc = document(db, files["concatenated"])
    assert doc["n_projects"] == 2
    rows = query(
        db,
        "select p.seq, p.project_name, count(*) from raw.projects p join raw.indicators i using (project_key) "
        "where p.document_id = ? group by all order by p.seq",
        [doc["document_id"]],
    )
    assert [(seq, n) for seq, _, n in rows] == [(1, N_INDICATORS), (2, N_INDICATORS)]
    assert "甲" in rows[0][1] and "乙" in rows[1][1]


def test_the_same_content_under_two_names_is_one_document_with_both_paths(bad_run) -> None:
    result, db, files, _ = bad_run
    a, b = document(db, files["copy_a"]), document(db, files["copy_b"])
    assert a["document_id"] == b["document_id"]
    assert query(db, "select count(*) from raw.documents where document_id = ?", [a["document_id"]]) == [(1,)]
    paths = query(
        db, "select source_path from raw.document_paths where document_id = ? order by 1", [a["document_id"]]
    )
    assert paths == [(str(files["copy_a"]),), (str(files["copy_b"]),)]
    assert "1 duplicate content" in result.stdout


# --- sizes, permissions, races -----------------------------------------------------------------


# Forks the CLI from a fresh, small interpreter: a child forked straight from pytest would count
# pytest's own resident pages (large once dbt is imported by another test) in its ru_maxrss.
_MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen([sys.executable, "-m", "ingest.cli", *sys.argv[1:]], stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
"""


def run_measured(args: list[str]) -> tuple[int, str, int]:
    """Run the CLI; return its exit code, stdout and peak resident memory in bytes (with children)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, timeout=600
    )
    out, _, last = result.stdout.rstrip("\n").rpartition("\n")
    code, peak = (int(x) for x in last.split())
    return code, out, peak


def test_a_200_mb_file_is_recorded_not_read_and_memory_stays_bounded(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:  # sparse: written in no time, read back as 200 MB
        f.write(ORIGINAL.encode("utf-8"))
        f.truncate(200 * 2**20)
    small = tmp_path / "small.txt"
    small.write_text(ORIGINAL, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    code, out, peak = run_measured(["ingest", str(big), str(small), "--db", str(db)])
    assert code == 1, out
    assert peak < 400 * 2**20, f"peak RSS {peak / 2**20:.0f} MiB"
    assert peak < MAX_FILE_BYTES + 300 * 2**20
    digest = hashlib.sha256()
    with big.open("rb") as f:
        while chunk := f.read(2**20):
            digest.update(chunk)
    doc = document(db, big)
    assert (doc["document_id"], doc["byte_size"], doc["status"]) == (
        digest.hexdigest(),
        200 * 2**20,
        "failed",
    )
    assert [code for _, code, _ in issues(db, doc["document_id"])] == ["file_too_large"]
    assert f"failed {big}: file_too_large" in out
    assert document(db, small)["status"] == "parsed"  # the rest of the run goes on


def test_max_file_mb_sets_the_limit(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(sample("000")), str(sample("004")), "--db", str(db), "--max-file-mb", "0.1")
    assert result.returncode == 1
    big, small = document(db, sample("000")), document(db, sample("004"))
    assert big["status"] == "failed" and big["byte_size"] == sample("000").stat().st_size
    assert issues(db, big["document_id"])[0][1] == "file_too_large"
    assert small["status"] == "parsed"
    assert jixiao("ingest", str(sample("004")), "--db", str(db), "--max-file-mb", "0").returncode == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file, so permission denied cannot happen")
def test_an_unreadable_file_is_skipped_with_the_reason(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(ORIGINAL, encoding="utf-8")
    locked.chmod(0)
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(locked), str(sample("004")), "--db", str(db))
    assert result.returncode == 1
    assert f"skipped {locked}: permission denied" in result.stdout
    assert query(db, "select count(*) from raw.documents") == [(1,)]


def test_a_file_that_vanishes_after_discovery_is_skipped_not_recorded_as_empty(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    first, second = folder / "a.txt", folder / "b.txt"
    first.write_text(ORIGINAL, encoding="utf-8")
    second.write_text(variant("乙"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    # progress is called after each file is read and parsed: remove the next one then.
    summary = ingest_paths([str(folder)], db, jobs=1, progress=lambda _: second.unlink(missing_ok=True))
    assert summary.skipped == [(str(second), "unreadable: No such file or directory")]
    assert summary.files_seen == 2 and summary.documents == 1
    assert query(db, "select source_path from raw.documents") == [(str(first),)]


# --- usage and environment errors ----------------------------------------------------------------


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = jixiao("ingest", "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2 and "usage:" in result.stderr
    assert jixiao("ingest", str(sample("004")), "--batch-size", "0").returncode == 2


def test_a_warehouse_that_cannot_be_written_exits_3_with_one_line(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.duckdb"
    not_a_db.write_text("this is not a warehouse\n" * 100, encoding="utf-8")
    for db in (not_a_db, tmp_path / "no" / "such" / "folder" / "w.duckdb"):
        result = jixiao("ingest", str(sample("004")), "--db", str(db))
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith(f"jixiao: cannot write the warehouse {db}")
        assert "Traceback" not in result.stderr


# --- decoding and fitting, closer up -----------------------------------------------------------


def test_a_binary_signature_wins_even_when_the_bytes_are_valid_utf8() -> None:
    data = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" * 20  # an ASCII-only (broken) PDF
    data.decode("utf-8")  # no error: only the signature tells
    document = parse_bytes(data, "a.txt")
    assert document.file_format == "pdf" and document.encoding is None
    assert [i.severity.value for i in document.issues] == ["error"] and not document.forms


def test_a_stray_nul_does_not_make_text_binary() -> None:
    data = ORIGINAL.encode("utf-8").replace(
        "项目名称".encode(), b"\x00\xe9\xa1\xb9\xe7\x9b\xae\xe5\x90\x8d\xe7\xa7\xb0", 1
    )
    document = parse_bytes(data, "nul.txt")
    assert document.encoding == "utf-8" and len(document.forms) == 1


def test_utf16_without_bom_is_detected_even_when_its_bytes_are_valid_utf8() -> None:
    text = "plain\tascii\ttext\n" * 10  # in UTF-16-LE these bytes are valid UTF-8 (ASCII and NULs)
    assert decode(text.encode("utf-16-le")).encoding == "utf-16-le"


def test_damaged_gb18030_is_read_as_gb18030_not_as_mojibake() -> None:
    lines = ORIGINAL.encode("gb18030").split(b"\n")
    lines[20] += b"\xff"
    decoded = decode(b"\n".join(lines))
    assert decoded.encoding == "gb18030 (damaged)"
    assert "住宅小区建设“美丽家园”三年行动计划" in decoded.text
    (issue,) = decoded.issues
    assert issue.code == "undecodable_bytes" and issue.line_no == 21 and "line 21" in issue.message


def test_damage_in_a_cr_only_file_is_located_on_the_right_line() -> None:
    data = ORIGINAL.replace("\n", "\r").encode("utf-8").replace(b"\r", b"\r\xff", 1)
    (issue,) = decode(data).issues
    assert issue.line_no == 2


def test_figures_that_do_not_fit_their_raw_column_are_rounded_or_dropped_with_an_issue(
    tmp_path: Path,
) -> None:
    text = ORIGINAL.replace("一、项目总预算：296.00", "一、项目总预算：296.0000004").replace(
        "二、当年预算：296.00", "二、当年预算：1234567890123456789012"
    )
    path = tmp_path / "odd_figures.txt"
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = jixiao("ingest", str(path), "--db", str(db))
    assert result.returncode == 0, result.stderr  # a load never fails on a figure
    assert query(db, "select budget_total, budget_current from raw.projects") == [(Decimal("296.00"), None)]
    codes = {code: severity for severity, code, _ in issues(db, document(db, path)["document_id"])}
    assert codes["number_rounded"] == "info" and codes["number_out_of_range"] == "warning"


def test_amounts_in_wan_to_four_decimals_are_kept_exact_in_yuan(tmp_path: Path) -> None:
    """153.5184 万元 is 1,535,184 元 exactly: the form is stored in 元 rather than rounded."""
    path = tmp_path / "four_decimals.txt"
    path.write_text(ORIGINAL.replace("一、项目总预算：296.00", "一、项目总预算：296.0004"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    jixiao("ingest", str(path), "--db", str(db))
    assert query(db, "select amount_unit, budget_total, budget_current from raw.projects") == [
        ("元", Decimal("2960004.00"), Decimal("2960000.00"))
    ]
    codes = {code for _, code, _ in issues(db, document(db, path)["document_id"])}
    assert "amounts_stored_in_yuan" in codes and "number_rounded" not in codes


def test_a_worker_hashes_a_file_once_and_its_document_keeps_that_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker hashes each file to know an unchanged one; the parser takes that id, not hashing
    the bytes a second time (1.5 % of a document's parse instructions)."""
    import ingest.parse
    from ingest import pipeline

    class NoHashing:
        @staticmethod
        def sha256(data: bytes):
            raise AssertionError("the parser hashed the bytes again")

    monkeypatch.setattr(ingest.parse, "hashlib", NoHashing)
    path = sample("004")
    (document,) = pipeline.read_and_parse(path)
    assert document.document_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.forms
