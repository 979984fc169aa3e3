"""The dbt manifest kept in step with the dbt sources, and dbt's own manifest object kept
with it for the dbt commands run in the pipeline's process (dagster_project/lib/dbt_manifest.py)."""

import json

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
