"""The Dagster instance `maalbar run` writes: its dagster.yaml and the pooled event-log storage."""

from __future__ import annotations

import sqlite3

import dagster as dg
import pytest
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


def test_instance_stores_and_reads_events_in_one_database(tmp_path):
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
        assert storage.supports_asset_checks  # Dagster finds its tables through the pool
    finally:
        instance.dispose()
    # The events are in the one database Dagster's own storage class reads as well.
    with sqlite3.connect(tmp_path / "history" / "event_log.db") as con:
        stored = con.execute(
            "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
        ).fetchone()[0]
    assert stored == 5


def test_the_stock_event_log_is_one_setting_away_and_reads_the_same_database(tmp_path, monkeypatch):
    """MAALBAR_EVENT_LOG=stock: Dagster's own consolidated storage, on the same database the
    pooled storage wrote, so the run history stays whole when switching."""
    from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage

    cli.write_dagster_yaml(tmp_path)
    pooled = DagsterInstance.from_config(str(tmp_path))
    try:
        pooled.report_runless_asset_event(dg.AssetMaterialization(asset_key="x"))
    finally:
        pooled.dispose()
    monkeypatch.setenv(cli.EVENT_LOG_VARIABLE, "stock")
    cli.write_dagster_yaml(tmp_path)
    stock = DagsterInstance.from_config(str(tmp_path))
    try:
        storage = stock.event_log_storage
        assert type(storage) is ConsolidatedSqliteEventLogStorage
        stock.report_runless_asset_event(dg.AssetMaterialization(asset_key="x"))
        records = stock.fetch_materializations(dg.AssetKey("x"), limit=10).records
        assert len(records) == 2
    finally:
        stock.dispose()
    monkeypatch.setenv(cli.EVENT_LOG_VARIABLE, "fast")
    with pytest.raises(SystemExit, match="MAALBAR_EVENT_LOG must be one of pooled, stock"):
        cli.write_dagster_yaml(tmp_path)
