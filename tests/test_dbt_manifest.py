"""The dbt manifest kept in step with the dbt sources, and dbt's own manifest object kept
with it for the dbt commands run in the pipeline's process (dagster_project/lib/dbt_manifest.py)."""

import json

import pytest

from dagster_project.lib import dbt_manifest


def test_the_parsed_manifest_is_the_projects_and_only_while_its_sources_are_unchanged(
    monkeypatch, tmp_path
):
    dbt_manifest.ensure_manifest()
    parsed = dbt_manifest.parsed_manifest()
    assert parsed is not None
    on_disk = json.loads(dbt_manifest.MANIFEST.read_text())
    assert set(parsed.nodes) == set(on_disk["nodes"])
    assert set(parsed.macros) == set(on_disk["macros"])
    assert dbt_manifest.parsed_manifest() is not parsed  # dbt changes it: a new one each time

    # A changed model, or another warehouse (dbt's connection settings), needs a new parse.
    monkeypatch.setattr(dbt_manifest, "sources_hash", lambda: "a changed model")
    assert dbt_manifest.parsed_manifest() is None
    monkeypatch.undo()
    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(tmp_path / "other.duckdb"))
    assert dbt_manifest.parsed_manifest() is None
    monkeypatch.undo()

    # A damaged or missing file: dbt parses for itself.
    broken = tmp_path / "manifest.pickle"
    broken.write_bytes(b"not a pickle")
    monkeypatch.setattr(dbt_manifest, "PARSED", broken)
    assert dbt_manifest.parsed_manifest() is None
    monkeypatch.setattr(dbt_manifest, "PARSED", tmp_path / "missing.pickle")
    assert dbt_manifest.parsed_manifest() is None


def test_a_manifest_kept_by_another_dbt_version_is_never_unpickled(monkeypatch):
    """The stamp says what the pickle was parsed from: after an upgrade of dbt the pickle,
    whose classes may no longer exist or match, is not loaded at all."""
    import pickle

    dbt_manifest.ensure_manifest()
    real = dbt_manifest._parsed_from()
    monkeypatch.setattr(
        dbt_manifest, "_parsed_from", lambda: real.replace("dbt-core", "dbt-core 0")
    )
    loaded = []
    monkeypatch.setattr(pickle, "loads", lambda data: loaded.append(data))
    assert dbt_manifest.parsed_manifest() is None
    assert loaded == []


def _resolves_refs_and_sources(manifest, models, sources) -> bool:
    try:
        return all(
            manifest.ref_lookup.find(model.name, None, None, manifest).unique_id == model.unique_id
            for model in models
        ) and all(
            manifest.source_lookup.find(source.search_name, None, manifest).unique_id
            == source.unique_id
            for source in sources
        )
    except (AttributeError, TypeError):
        return False


def test_the_kept_manifest_resolves_refs_and_sources_when_kept_with_its_lookups_built():
    """dbt's own pickling of a manifest whose lookups were built shifts them into the wrong
    fields (a build then fails with 'RefableLookup.find() missing ... manifest')."""
    import io
    import pickle

    dbt_manifest.ensure_manifest()
    parsed = dbt_manifest.parsed_manifest()
    models = [node for node in parsed.nodes.values() if node.resource_type == "model"]
    sources = list(parsed.sources.values())
    assert models and sources
    assert _resolves_refs_and_sources(parsed, models, sources)  # the lookups are built now
    assert not _resolves_refs_and_sources(pickle.loads(pickle.dumps(parsed)), models, sources)

    kept = io.BytesIO()
    dbt_manifest._dump_parsed(kept, "from", parsed)
    parsed_from, again = pickle.loads(kept.getvalue())
    assert parsed_from == "from"
    assert _resolves_refs_and_sources(again, models, sources)
    assert again.fixtures == parsed.fixtures
    assert set(again.unit_tests) == set(parsed.unit_tests)


def test_no_view_declares_a_constraint():
    """dbt applies a contract's constraints to tables only: a CHECK or NOT NULL declared on a
    view would check nothing, so a view's rules stay data tests."""
    dbt_manifest.ensure_manifest()
    manifest = json.loads(dbt_manifest.MANIFEST.read_text())
    declared = [
        (node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
        for column in node["columns"].values()
        if column.get("constraints")
    ] + [
        (node["name"], None)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"]["materialized"] == "view"
        and node.get("constraints")
    ]
    assert declared == []


def test_no_model_asks_for_what_the_materializations_do_not_handle():
    """The project's table and view materializations (dbt/macros/materializations/) replace a
    relation by drop and create in one transaction and handle no foreign keys, indexes,
    grants, persisted comments or other materializations: a model asking for one of them
    would have it ignored, or a foreign key would stop the drop."""
    dbt_manifest.ensure_manifest()
    manifest = json.loads(dbt_manifest.MANIFEST.read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert {model["config"]["materialized"] for model in models} <= {"table", "view"}
    asked = []
    for model in models:
        config = model["config"]
        if config.get("indexes") or config.get("grants"):
            asked.append((model["name"], "indexes or grants"))
        if any(config.get("persist_docs", {}).values()):
            asked.append((model["name"], "persist_docs"))
        constraints = list(model.get("constraints") or []) + [
            constraint
            for column in model["columns"].values()
            for constraint in column.get("constraints") or []
        ]
        if any(constraint["type"] == "foreign_key" for constraint in constraints):
            asked.append((model["name"], "foreign key"))
    assert asked == []


def test_every_published_mart_declares_one_primary_key_of_its_own_columns():
    """The publication's keys are the contracts' primary_key constraints (published_keys):
    one for every published mart, each of columns of that mart's contract."""
    dbt_manifest.ensure_manifest()
    keys = dbt_manifest.published_keys()
    contracts = dbt_manifest.published_contracts()
    assert set(keys) == set(contracts)
    for mart, key in keys.items():
        assert key and set(key) <= {column for column, _ in contracts[mart]}, mart


def test_a_published_mart_without_one_declared_key_is_refused(monkeypatch):
    """No key, or two (on the model and on a column), is an error of the dbt project: the
    publication would otherwise carry a table without its key, or guess which one."""
    dbt_manifest.ensure_manifest()

    def node(name, constraints=(), column_constraints=()):
        return {
            "name": name,
            "constraints": list(constraints),
            "columns": {"a": {"constraints": list(column_constraints)}, "b": {}},
        }

    model_key = {"type": "primary_key", "columns": ["a", "b"]}
    column_key = {"type": "primary_key"}
    nodes = (
        node("keyed", [model_key]),
        node("column_keyed", column_constraints=[column_key, {"type": "not_null"}]),
    )
    monkeypatch.setattr(dbt_manifest, "_published_nodes", lambda _version: nodes)
    assert dbt_manifest.published_keys() == {"keyed": ("a", "b"), "column_keyed": ("a",)}

    nodes += (node("unkeyed", [{"type": "check"}]), node("twice", [model_key], [column_key]))
    with pytest.raises(dbt_manifest.KeyNotDeclared, match="unkeyed declares 0; twice declares 2"):
        dbt_manifest.published_keys()
