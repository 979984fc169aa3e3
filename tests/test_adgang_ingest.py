"""The leaders' access file adgang/ledere_YYYYMMDD.csv: read, validated and ledgered like every
landing file; an unknown node is a rejected row, and the newest extraction wins."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.ingest.adgang import LEDERE
from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.lib import loader
from dagster_project.lib.landing import unknown_files
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, write_export

HEADER = "login;omkostningssted"


@pytest.fixture
def con(data_settings):
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    connection = duckdb.connect(str(data_settings.warehouse_path))
    loader.ensure_tables(connection, ALL_SPECS)
    loader.ingest(connection, ORGANISATION, data_settings, "r", log=lambda m: None)
    yield connection
    connection.close()


def _ingest(con, settings):
    return loader.ingest(con, LEDERE, settings, "r", log=lambda m: None)


def test_leaders_file_loads_with_codes_as_text_and_its_ledger_row(con, data_settings):
    write_export(
        data_settings.landing_dir / "adgang" / "ledere_20250301.csv",
        "Omkostningssted;LOGIN",  # any column order, any case (sources.md)
        ["0110;leder_boern", "0111;leder_dagpleje", "0120;leder_boern"],
    )
    assert unknown_files(data_settings) == []
    [outcome] = _ingest(con, data_settings)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("loaded", 3, 0)
    assert con.execute(
        "SELECT login, omkostningssted, extraction_date::VARCHAR FROM raw.ledere ORDER BY 1, 2"
    ).fetchall() == [
        ("leder_boern", "0110", "2025-03-01"),
        ("leder_boern", "0120", "2025-03-01"),
        ("leder_dagpleje", "0111", "2025-03-01"),
    ]
    assert con.execute(
        "SELECT source, raw_table, slot, status FROM meta.file_ledger "
        "WHERE file_name = 'ledere_20250301.csv'"
    ).fetchall() == [("adgang", "ledere", "ledere", "loaded")]


def test_an_unknown_node_is_a_rejected_row_and_a_mostly_bad_file_is_quarantined(con, data_settings):
    rows = [f"leder_{i};0111" for i in range(150)] + ["leder_x;9999"]
    write_export(data_settings.landing_dir / "adgang" / "ledere_20250301.csv", HEADER, rows)
    [outcome] = _ingest(con, data_settings)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("loaded", 150, 1)
    assert con.execute(
        "SELECT line_number, column_name, value, reason FROM meta.rejected_rows"
    ).fetchall() == [
        (152, "omkostningssted", "9999", "unknown cost centre (not in the organisation snapshot)")
    ]
    write_export(
        data_settings.landing_dir / "adgang" / "ledere_20250401.csv",
        HEADER,
        ["leder_a;0111", "leder b;0112", "leder_c;0999"],
    )
    outcomes = _ingest(con, data_settings)
    newer = next(o for o in outcomes if o.file_name == "ledere_20250401.csv")
    assert newer.status == "quarantined"
    assert "line 3, column login ('leder b'): not a PostgreSQL login" in newer.reason
    assert "line 4, column omkostningssted ('0999'): unknown cost centre" in newer.reason
    # The quarantined file replaced nothing.
    assert con.execute("SELECT count(*) FROM raw.ledere").fetchone()[0] == 150


def test_the_newest_extraction_replaces_the_whole_list(con, data_settings):
    folder = data_settings.landing_dir / "adgang"
    write_export(folder / "ledere_20250301.csv", HEADER, ["leder_a;0111", "leder_b;0112"])
    _ingest(con, data_settings)
    write_export(folder / "ledere_20250401.csv", HEADER, ["leder_a;0120"])
    _ingest(con, data_settings)
    assert con.execute("SELECT login, omkostningssted FROM raw.ledere").fetchall() == [
        ("leder_a", "0120")
    ]
    assert con.execute(
        "SELECT file_name, status FROM meta.file_ledger WHERE source = 'adgang' ORDER BY 1"
    ).fetchall() == [("ledere_20250301.csv", "superseded"), ("ledere_20250401.csv", "loaded")]


def test_a_login_longer_than_postgresql_allows_is_rejected(con, data_settings):
    # 32 letters æ are 32 characters but 64 bytes.
    rows = [f"leder_{i};0111" for i in range(150)] + ["æ" * 32 + ";0111"]
    write_export(data_settings.landing_dir / "adgang" / "ledere_20250301.csv", HEADER, rows)
    [outcome] = _ingest(con, data_settings)
    assert outcome.rows_rejected == 1
    assert con.execute("SELECT column_name, reason FROM meta.rejected_rows").fetchall() == [
        ("login", "longer than 63 bytes, the most a PostgreSQL login has")
    ]
