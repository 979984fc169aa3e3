"""The Dagster definitions: they load, lineage is unbroken, and no asset is renamed by accident.

After an intended change of asset or check names, refresh the snapshot with
`MAALBAR_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_definitions.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from dagster_project.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_keys.txt"


def _keys() -> list[str]:
    graph = defs.resolve_asset_graph()
    assets = [f"asset {key.to_user_string()}" for key in graph.get_all_asset_keys()]
    checks = [
        f"check {key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys
    ]
    return sorted(assets) + sorted(checks)


def test_asset_and_check_keys_match_snapshot():
    keys = _keys()
    if os.environ.get("MAALBAR_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(keys) + "\n")
    assert keys == SNAPSHOT.read_text().splitlines()


def test_lineage_runs_from_landing_files_to_the_publication():
    graph = defs.resolve_asset_graph()
    # Every dbt source is an ingest asset of ours, not an unmaterialisable external asset.
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.is_materializable, f"{key.to_user_string()} has no asset that builds it"
    published = dg.AssetKey(["published", "maalbar"])
    upstream = graph.upstream_key_iterator(published)
    ancestors = set()
    frontier = list(upstream)
    while frontier:
        key = frontier.pop()
        if key not in ancestors:
            ancestors.add(key)
            frontier.extend(graph.get(key).parent_keys)
    assert dg.AssetKey(["raw", "posteringer"]) in ancestors
    assert dg.AssetKey(["marts", "kpi_values"]) in ancestors


def test_the_job_runs_steps_in_one_process():
    job = defs.resolve_job_def("maalbar")
    assert job.executor_def.name == "in_process"


def test_an_incremental_run_ingests_only_the_sources_with_something_to_load():
    from dagster_project.defs.transform import incremental_selection

    job = defs.resolve_job_def("maalbar")
    # A new postings month, and a budget file still quarantined in the landing folder.
    assets, checks = incremental_selection(job, {"posteringer"}, {"budget"})
    raw = {key.path[-1] for key in assets if key.path[0] == "raw"}
    assert raw == {"posteringer", "budget"}  # the calendar is part of the build state
    budget, absence = dg.AssetKey(["raw", "budget"]), dg.AssetKey(["raw", "fravaer"])
    assert dg.AssetCheckKey(budget, "no_quarantined_files") in checks  # must stop the run
    assert dg.AssetCheckKey(dg.AssetKey(["raw", "posteringer"]), "gx_suite") in checks
    assert not any(check.asset_key == absence for check in checks)
    assert dg.AssetKey(["published", "maalbar"]) in assets
    # One sheet of the goal catalogue brings the workbook's whole ingest step.
    assets, _ = incremental_selection(job, {"udvalg"})
    raw = {key.path[-1] for key in assets if key.path[0] == "raw"}
    assert raw == {"udvalg", "maal", "indikatorer", "indsatser"}


def test_the_build_state_follows_the_calendar(tmp_path, monkeypatch):
    """An incremental run leaves raw.kalender as built, so a calendar from another holidays
    release or other calendar code must make the next run build everything, and a run with
    nothing new in the landing folder must not stop as current."""
    import importlib.util

    import duckdb

    from dagster_project.defs import transform
    from dagster_project.lib import fingerprint, ledger

    con = duckdb.connect()
    ledger.ensure(con)
    before = transform.state_key()
    published = fingerprint.input_fingerprint(con)
    real_version = fingerprint.version
    monkeypatch.setattr(
        fingerprint,
        "version",
        lambda name: "0.0" if name == "holidays" else real_version(name),
    )
    assert transform.state_key() != before
    assert fingerprint.input_fingerprint(con) != published
    monkeypatch.setattr(fingerprint, "version", real_version)
    assert transform.state_key() == before
    assert fingerprint.input_fingerprint(con) == published
    changed = tmp_path / "calendar.py"
    spec = importlib.util.find_spec("dagster_project.lib.calendar")
    changed.write_bytes(Path(spec.origin).read_bytes() + b"\n# another rule\n")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: (
            importlib.util.spec_from_file_location(name, changed)
            if name == "dagster_project.lib.calendar"
            else real_find_spec(name, *args)
        ),
    )
    assert transform.state_key() != before
    assert fingerprint.input_fingerprint(con) != published


def test_every_asset_check_has_a_description():
    """The Dagster UI shows what each check checks: the GX suites their own text, each dbt
    test its description or one made from its arguments or its SQL's opening comment."""
    graph = defs.resolve_asset_graph()
    specs = {spec.key: spec for node in graph.assets_defs for spec in node.check_specs}
    assert set(specs) == set(graph.asset_check_keys)
    undescribed = [key.to_user_string() for key, spec in specs.items() if not spec.description]
    assert undescribed == []
    # A generic dbt test, described from its arguments; a singular one, from its comment.
    model = dg.AssetKey(["intermediate", "int_indikatorer_joined_to_maal"])
    unique = specs[dg.AssetCheckKey(model, "unique_int_indikatorer_joined_to_maal_indikator_id")]
    assert unique.description == (
        "unique on int_indikatorer_joined_to_maal: no two rows share a value of column indikator_id"
    )
    kpi_values = dg.AssetKey(["marts", "kpi_values"])
    primary_key = specs[dg.AssetCheckKey(kpi_values, "assert_kpi_values_pk_unique")]
    # A singular test is described by the comment its SQL opens with.
    assert primary_key.description.startswith(
        "docs/published.md: (kpi_id, omkostningssted, periode)"
    )
