"""The dbt project's structure, checked the way dbt-project-evaluator would (it cannot be installed here).

Runs `dbt parse` in-process and inspects the manifest: layering, naming, documentation, grain
tests and mart contracts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import MARTS, REPO

PREFIX_BY_FOLDER = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("fct_", "dim_", "agg_")}
MAX_PARENTS = 6


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory):
    from dbt.cli.main import dbtRunner

    tmp = tmp_path_factory.mktemp("dbt_parse")
    previous = os.environ.get("JIXIAO_DB")
    os.environ["JIXIAO_DB"] = str(tmp / "parse.duckdb")
    try:
        result = dbtRunner().invoke(
            [
                "parse",
                "--project-dir",
                str(REPO),
                "--profiles-dir",
                str(REPO),
                "--target-path",
                str(tmp / "target"),
            ]
        )
    finally:
        if previous is None:
            os.environ.pop("JIXIAO_DB")
        else:
            os.environ["JIXIAO_DB"] = previous
    assert result.success, result.exception
    return result.result


def models(manifest) -> list:
    return [node for node in manifest.nodes.values() if node.resource_type == "model"]


def folder(node) -> str:
    return Path(node.original_file_path).parts[1]


def test_every_contract_mart_exists(manifest) -> None:
    assert {node.name for node in models(manifest) if folder(node) == "marts"} >= MARTS


def test_model_names_match_their_folder(manifest) -> None:
    wrong = [n.name for n in models(manifest) if not n.name.startswith(PREFIX_BY_FOLDER[folder(n)])]
    assert wrong == []


def test_only_staging_reads_sources_and_staging_never_reads_staging(manifest) -> None:
    problems = []
    for node in models(manifest):
        parents = node.depends_on.nodes
        reads_source = any(p.startswith("source.") for p in parents)
        if reads_source and folder(node) != "staging":
            problems.append(f"{node.name} reads a source")
        if folder(node) == "staging":
            staged = [p for p in parents if p.startswith("model.") and ".stg_" in p]
            if staged:
                problems.append(f"{node.name} reads staging {staged}")
    assert problems == []


def test_no_hard_coded_schema_names(manifest) -> None:
    pattern = re.compile(r"\b(?:raw|staging|intermediate|marts)\.[a-z_]+", re.IGNORECASE)
    offenders = [n.name for n in models(manifest) if pattern.search(re.sub(r"--.*", "", n.raw_code))]
    assert offenders == []


def test_no_model_has_too_many_parents(manifest) -> None:
    assert [n.name for n in models(manifest) if len(set(n.depends_on.nodes)) > MAX_PARENTS] == []


def test_every_model_and_column_is_documented(manifest) -> None:
    undocumented = []
    for node in models(manifest):
        if not node.description.strip():
            undocumented.append(node.name)
        undocumented += [f"{node.name}.{c}" for c, col in node.columns.items() if not col.description.strip()]
    assert undocumented == []


def test_every_model_description_states_its_grain(manifest) -> None:
    assert [n.name for n in models(manifest) if "one row per" not in n.description.lower()] == []


def test_every_model_is_tested_on_its_grain(manifest) -> None:
    unique_tested = set()
    for node in manifest.nodes.values():
        if (
            node.resource_type == "test"
            and getattr(node, "test_metadata", None)
            and node.test_metadata.name
            in {
                "unique",
                "unique_combination",
            }
        ):
            unique_tested.update(node.depends_on.nodes)
    assert [n.name for n in models(manifest) if n.unique_id not in unique_tested] == []


def test_marts_have_enforced_contracts_typed_columns_and_chinese_labels(manifest) -> None:
    problems = []
    for node in models(manifest):
        if folder(node) != "marts":
            continue
        if not node.contract.enforced:
            problems.append(f"{node.name}: contract not enforced")
        for name, column in node.columns.items():
            if not column.data_type:
                problems.append(f"{node.name}.{name}: no data_type")
            if not (column.meta or {}).get("label_zh") and not (column.config.meta or {}).get("label_zh"):
                problems.append(f"{node.name}.{name}: no label_zh")
    assert problems == []


def test_money_columns_are_decimal_and_rates_are_named_rate(manifest) -> None:
    problems = []
    for node in models(manifest):
        if folder(node) != "marts":
            continue
        for name, column in node.columns.items():
            if name.endswith("_yuan") and not column.data_type.lower().startswith("decimal"):
                problems.append(f"{node.name}.{name} is {column.data_type}")
            if ("pct" in name or "percent" in name) and not name.endswith("_rate"):
                problems.append(f"{node.name}.{name}: rates are fractions named *_rate")
    assert problems == []


def test_exposures_show_what_feeds_the_export_and_the_report(manifest) -> None:
    exposures = {node.name: node for node in manifest.exposures.values()}
    assert set(exposures) == {"export", "report"}
    marts = {node.unique_id for node in models(manifest) if folder(node) == "marts"}
    # the export writes every mart: a new mart must be listed there too
    assert set(exposures["export"].depends_on.nodes) == marts
    report = {node.split(".")[-1] for node in exposures["report"].depends_on.nodes}
    assert {"agg_unit_rollup", "fct_execution", "agg_indicator_coverage", "fct_self_eval_scores"} <= report
    # every mart the report's SQL reads is listed in its exposure
    sources = "".join(
        (REPO / "ingest" / name).read_text(encoding="utf-8") for name in ("report.py", "report_checks.py")
    )
    read = {name for name in re.findall(r"marts\.([a-z_]+)", sources)}
    assert read <= report


def test_clean_label_folds_the_same_traditional_characters_as_the_reader() -> None:
    """clean_label (macros/traditional_chars.sql) and the reader's label keys (ingest/traditional.py)
    simplify the same characters: a traditional form's labels match in both or in neither."""
    from ingest.traditional import _SIMPLIFIED, _TRADITIONAL

    macro = (Path(__file__).resolve().parent.parent / "macros" / "traditional_chars.sql").read_text(
        encoding="utf-8"
    )
    traditional, simplified = (
        "".join(re.findall(r'"([^"]*)"', body)) for body in macro.split("{% macro")[1:]
    )
    assert (traditional, simplified) == (_TRADITIONAL, _SIMPLIFIED)


def test_a_data_test_that_reads_a_seed_reads_only_seeds(manifest) -> None:
    """An incremental `jixiao build` excludes the seeds, and with them (dbt's eager indirect
    selection) every test that reads one (ingest/build.py KNOWN_RESULTS_EXCLUDE): that is honest
    only while such a test reads nothing that depends on the documents."""
    mixed = [
        node.name
        for node in manifest.nodes.values()
        if node.resource_type == "test"
        and any(parent.startswith("seed.") for parent in node.depends_on.nodes)
        and not all(parent.startswith("seed.") for parent in node.depends_on.nodes)
    ]
    assert mixed == []
