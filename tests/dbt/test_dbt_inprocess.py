"""dbt run in the Dagster process speaks to dagster-dbt as a dbt process would."""

from __future__ import annotations

import json
import os

import duckdb
from raw_warehouse import golden_rows, make_raw_warehouse

from dagster_project.lib.config import DBT_PROJECT_DIR
from dagster_project.lib.dbt_inprocess import InProcessDbt


def _env(tmp_path) -> dict[str, str]:
    return {
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "target"),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": "not passed on",
    }


def test_a_build_prints_dbt_s_structured_lines_and_releases_the_warehouse(tmp_path, monkeypatch):
    warehouse = make_raw_warehouse(tmp_path / "warehouse.duckdb", golden_rows())
    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    process = InProcessDbt(
        ["dbt", "build", "--select", "stg_organisation__cost_centres"], _env(tmp_path)
    )
    lines = [json.loads(line) for line in process.stdout]
    assert process.wait() == 0 and process.poll() == 0
    results = [line for line in lines if line["info"]["name"] == "LogModelResult"]
    assert [r["data"]["node_info"]["unique_id"] for r in results] == [
        "model.maalbar.stg_organisation__cost_centres"
    ]
    assert {line["info"]["level"] for line in lines} <= {"info", "warn", "error"}
    # dbt's settings were the command's only: the environment is as it was.
    assert "DBT_TARGET_PATH" not in os.environ and os.environ["PATH"] != "not passed on"
    assert (tmp_path / "target" / "run_results.json").exists()
    # The run log has dbt's printed events (through dagster-dbt); dbt keeps no log of its own.
    assert not (tmp_path / "target" / "dbt.log").exists()
    # dbt-duckdb's instance is closed: the warehouse opens read-only, as after a dbt process.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM staging.stg_organisation__cost_centres").fetchone()[0]
            > 0
        )


def test_a_failing_command_ends_with_dbt_s_exit_code_and_says_why(tmp_path, monkeypatch):
    warehouse = make_raw_warehouse(tmp_path / "warehouse.duckdb", golden_rows())
    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(warehouse))
    # A model that cannot build: its raw table is gone.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DROP TABLE raw.organisation")
    process = InProcessDbt(
        ["dbt", "build", "--select", "stg_organisation__cost_centres"], _env(tmp_path)
    )
    lines = [json.loads(line) for line in process.stdout]
    assert process.wait() == 1
    errors = [line["info"]["msg"] for line in lines if line["info"]["level"] == "error"]
    assert any("organisation" in message for message in errors)

    usage = InProcessDbt(["dbt", "build", "--no-such-option"], _env(tmp_path))
    text = usage.stdout.read().decode()
    assert usage.wait() == 2
    assert "no-such-option" in text


def test_a_warehouse_dbt_could_not_let_go_of_fails_the_command(tmp_path, monkeypatch):
    """Steps after dbt open the warehouse themselves: if dbt-duckdb's instance could not be
    closed, the command fails, whatever dbt itself said."""
    from dagster_project.lib import dbt_inprocess

    def still_open():
        raise RuntimeError("instance still open")

    monkeypatch.setattr(dbt_inprocess, "_release_warehouse", still_open)
    process = InProcessDbt(["dbt", "--help"], _env(tmp_path))
    # The exit code is set, and the output ends, even when the release fails.
    assert process.wait(timeout=120) == 2
    assert "instance still open" in process.stdout.read().decode()


def test_the_parse_keeps_no_log_file_either(tmp_path, monkeypatch):
    """`maalbar run` parses when the project or the warehouse path changed; that parse, too,
    leaves dbt's events to the run (a failure raises with dbt's reason)."""
    from dagster_project.lib import dbt_manifest

    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    assert dbt_manifest.ensure_manifest()  # a new warehouse path: dbt parses
    assert dbt_manifest.MANIFEST.exists()
    assert not (tmp_path / "logs" / "dbt.log").exists()
