"""The Dagster instance `maalbar run` writes: its dagster.yaml and the pooled event-log storage."""

from __future__ import annotations

import sqlite3

import dagster as dg
from dagster._core.instance import DagsterInstance

from dagster_project import cli
from dagster_project.lib.history import PooledSqliteEventLogStorage


def test_yaml_is_written_updated_from_earlier_versions_and_an_operators_is_kept(tmp_path):
    ours = tmp_path / "ours"
    ours.mkdir()
    cli.write_dagster_yaml(ours)
    text = (ours / "dagster.yaml").read_text()
    assert text.startswith(cli.DAGSTER_YAML_MARKER)
    assert "PooledSqliteEventLogStorage" in text
    assert str(ours / "history") in text

    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "dagster.yaml").write_text(
        cli._EARLIER_DAGSTER_YAML.format(history=earlier / "history")
    )
    cli.write_dagster_yaml(earlier)
    assert "PooledSqliteEventLogStorage" in (earlier / "dagster.yaml").read_text()

    operator = tmp_path / "operator"
    operator.mkdir()
    own = "telemetry:\n  enabled: true\n"
    (operator / "dagster.yaml").write_text(own)
    cli.write_dagster_yaml(operator)
    assert (operator / "dagster.yaml").read_text() == own


def test_instance_stores_and_reads_events_through_one_pooled_engine(tmp_path):
    cli.write_dagster_yaml(tmp_path)
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        for value in range(5):
            instance.report_runless_asset_event(
                dg.AssetMaterialization(asset_key="x", metadata={"value": value})
            )
        latest = instance.get_latest_materialization_event(dg.AssetKey("x"))
        assert latest.asset_materialization.metadata["value"].value == 4
        engine = storage._pooled_engine()
        assert storage._pooled_engine() is engine  # one engine, not one per event
        with storage._connect() as conn:
            # 1 = NORMAL: synced at checkpoints of the write-ahead log, not at every commit
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        instance.dispose()
    # The events are in the one database Dagster's own storage class reads as well.
    with sqlite3.connect(tmp_path / "history" / "event_log.db") as con:
        stored = con.execute(
            "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
        ).fetchone()[0]
    assert stored == 5


def test_a_table_found_is_remembered_and_a_missing_one_asked_for_again(tmp_path, monkeypatch):
    cli.write_dagster_yaml(tmp_path)
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        storage = instance.event_log_storage
        assert storage.supports_asset_checks  # the asset check table exists
        assert not storage.has_table("not_a_table")
        with storage._connect() as conn:
            conn.exec_driver_sql("CREATE TABLE not_a_table (x INTEGER)")
        assert storage.has_table("not_a_table")  # a missing table was not remembered

        def no_engine():
            raise AssertionError("a table found once is not looked up again")

        monkeypatch.setattr(storage, "_pooled_engine", no_engine)
        assert storage.has_table("not_a_table")
        assert storage.supports_asset_checks
    finally:
        monkeypatch.undo()
        instance.dispose()
