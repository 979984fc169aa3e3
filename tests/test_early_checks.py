"""Checks begun while dbt builds (dagster_project/lib/early_checks.py)."""

import json
from contextlib import contextmanager

import duckdb
import pytest

from dagster_project.defs import quality
from dagster_project.lib import early_checks
from dagster_project.lib.dbt_manifest import MANIFEST
from expectations import marts


@contextmanager
def _connection():
    yield "connection"


def _check(name, model, reads, calls, fail=False):
    def begin(con):
        calls.append((name, con))
        if fail:
            raise RuntimeError("the rows could not be read")
        return [f"futures of {name}"]

    return early_checks.Early(name, model, frozenset(reads), begin)


def test_a_check_begins_once_every_model_it_reads_is_built():
    calls = []
    listener = early_checks.register(
        "run-1",
        rebuilt={"a", "b", "c"},
        checks=[
            _check("waits for a and b", "a", {"a", "b"}, calls),
            _check("reads an unrebuilt model", "c", {"c", "unchanged"}, calls),
            _check("model not rebuilt", "unchanged", {"unchanged"}, calls),
        ],
    )
    try:
        listener("a", _connection)
        assert calls == []
        listener("b", _connection)
        assert calls == [("waits for a and b", "connection")]
        listener("c", _connection)
        listener("unchanged", _connection)  # not in the run: its check never begins here
        assert [name for name, _ in calls] == ["waits for a and b", "reads an unrebuilt model"]
        assert early_checks.take("run-1", "waits for a and b") == ["futures of waits for a and b"]
        assert early_checks.take("run-1", "waits for a and b") is None  # taken once
        assert early_checks.take("run-1", "model not rebuilt") is None
        assert early_checks.take("run-2", "reads an unrebuilt model") is None  # another run
    finally:
        early_checks.discard("run-1")
    assert early_checks.take("run-1", "reads an unrebuilt model") is None


def test_a_check_whose_reading_fails_is_left_to_its_step():
    calls = []
    listener = early_checks.register(
        "run-3",
        {"a"},
        [_check("fails", "a", {"a"}, calls, fail=True), _check("ok", "a", {"a"}, calls)],
    )
    try:
        listener("a", _connection)
        assert [name for name, _ in calls] == ["fails", "ok"]
        assert early_checks.take("run-3", "fails") is None
        assert early_checks.take("run-3", "ok") == ["futures of ok"]
    finally:
        early_checks.discard("run-3")


def _tables(query: str) -> set[tuple[str, str]]:
    """(schema, table) of every table the query reads, by DuckDB's own parser."""
    con = duckdb.connect()
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchall()[0][0])
    finally:
        con.close()
    assert not tree.get("error"), tree
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                found.add((node.get("schema_name") or "", node["table_name"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


QUERIES = {
    **{f"suite of {mart}": suite.query for mart, suite in marts.MART_SUITES.items()},
    "kpi_values' suite": marts.kpi_frame_query(),
    "known KPIs": quality.KNOWN_KPIS_QUERY,
    "reconciliation": marts.RECONCILIATION_QUERY,
    "coverage": marts.COVERAGE_QUERY,
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_models_a_check_reads_are_found_in_its_query(name):
    """A check begins when the models its query names are built: every dbt model the query
    reads is named with its schema, so none is missed."""
    query = QUERIES[name]
    models = {
        node["name"]
        for node in json.loads(MANIFEST.read_text())["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }
    tables = _tables(query)
    read = {table for schema, table in tables if schema in ("staging", "intermediate", "marts")}
    assert early_checks.models_read(query) == read
    unqualified = {table for schema, table in tables if not schema}
    assert not unqualified & models, f"{name} reads a model without its schema"


def test_every_published_mart_and_kpi_values_check_can_begin_early():
    checks = {check.name: check for check in quality.early_validations()}
    for mart in quality.published_contracts():
        assert mart in checks[f"marts.{mart}"].reads
    assert checks[quality.KPI_VALUES_SUITE].reads == {"kpi_values", "dim_kpi"}
    assert {"kpi_values", "dim_organisation"} <= checks[quality.KPI_VALUES_RECONCILIATION].reads
