"""HR ingest: CPR pseudonymised on read and in the kept copy, invalid CPR rejected by line,
no key = no load."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.defs.ingest.personale import ANSAETTELSER, FRAVAER
from dagster_project.lib import loader
from dagster_project.lib.calendar import calendar_table, public_holidays
from dagster_project.lib.pseudonym import MissingKey, pseudonymise_value
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, write_export

HEADER = (
    "ansaettelsesnr;cpr;omkostningssted;stillingskategori;loenform;elev;"
    "beskaeftigelsesgrad;startdato;slutdato;fratraedelsesaarsag"
)


def _employment(nr: int, cpr: str) -> str:
    return f"{nr:07d};{cpr};0111;Pædagog;MDR;N;0,8919;01-01-2020;;"


@pytest.fixture
def con(data_settings, monkeypatch):
    monkeypatch.setenv("MAALBAR_PSEUDONYM_KEY", "test-key")
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


def test_pseudonym_is_keyed_stable_and_form_independent():
    a = pseudonymise_value("010190-1234", b"k1")
    assert a == pseudonymise_value("0101901234", b"k1")
    assert a != pseudonymise_value("010190-1234", b"k2")
    assert len(a) == 64 and "0101901234" not in a
    assert pseudonymise_value("290200-1234", b"k").startswith("invalid: ") is False  # 2000
    assert pseudonymise_value("320190-1234", b"k").startswith("invalid: ")
    assert pseudonymise_value("0101901-234", b"k").startswith("invalid: ")
    assert pseudonymise_value("12345", b"k").startswith("invalid: ")


def test_cpr_never_reaches_the_warehouse(con, data_settings):
    rows = [_employment(i, f"{(i % 28) + 1:02d}0185-{i:04d}") for i in range(150)]
    rows.append(_employment(999, "310285-1234"))  # 31 February: not a date
    path = write_export(
        data_settings.landing_dir / "personale" / "ansaettelser_20250205.csv", HEADER, rows
    )
    [outcome] = loader.ingest(con, ANSAETTELSER, data_settings, "r", log=lambda m: None)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("loaded", 150, 1)
    assert con.execute(
        "SELECT line_number, column_name, value, reason FROM meta.rejected_rows"
    ).fetchall() == [(152, "cpr", None, "the first six digits of the CPR number are not a date")]
    assert (
        con.execute("SELECT count(DISTINCT person_id) FROM raw.ansaettelser").fetchone()[0] == 150
    )
    # Every text column of every table, not just the raw one (the bytes check below can miss
    # compressed strings).
    for schema, table, column in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE data_type = 'VARCHAR'"
    ).fetchall():
        hits = con.execute(
            f'SELECT count(*) FROM {schema}.{table} WHERE regexp_matches("{column}", '
            "'(0[1-9]|[12][0-9])0185-?[0-9]{4}|310285')"
        ).fetchone()[0]
        assert hits == 0, f"{schema}.{table}.{column}"
    con.execute("CHECKPOINT")
    warehouse_bytes = data_settings.warehouse_path.read_bytes()
    for cpr in ("0101850000", "010185-0000", "310285-1234", "3102851234"):
        assert cpr.encode() not in warehouse_bytes
    # The raw copy holds pseudonyms, its invalid value the reason it was rejected; the
    # landing folder, the source system's, keeps what was delivered.
    copy = next(data_settings.raw_copy_dir.rglob("*ansaettelser*")).read_bytes()
    for cpr in ("0101850000", "010185-0000", "310285-1234", "3102851234"):
        assert cpr.encode() not in copy
    assert pseudonymise_value("010185-0000", b"test-key").encode() in copy
    assert b";invalid: the first six digits of the CPR number are not a date;" in copy
    assert b"310285-1234" in path.read_bytes()


def test_hr_files_are_refused_without_the_key(con, data_settings, monkeypatch):
    monkeypatch.delenv("MAALBAR_PSEUDONYM_KEY")
    write_export(
        data_settings.landing_dir / "personale" / "ansaettelser_20250205.csv",
        HEADER,
        [_employment(1, "010185-0001")],
    )
    with pytest.raises(MissingKey, match="MAALBAR_PSEUDONYM_KEY is not set"):
        loader.ingest(con, ANSAETTELSER, data_settings, "r", log=lambda m: None)
    assert (
        con.execute(
            "SELECT count(*) FROM meta.file_ledger WHERE raw_table = 'ansaettelser'"
        ).fetchone()[0]
        == 0
    )


def test_absence_for_unknown_employment_or_wrong_year_is_rejected(con, data_settings):
    write_export(
        data_settings.landing_dir / "personale" / "ansaettelser_20250205.csv",
        HEADER,
        [_employment(1, "010185-0001")],
    )
    loader.ingest(con, ANSAETTELSER, data_settings, "r", log=lambda m: None)
    rows = ["0000001;SYG;06-01-2025;07-01-2025;"] * 98 + [
        "0000042;SYG;06-01-2025;;",
        "0000001;FERIE;30-12-2024;02-01-2025;",
    ]
    write_export(
        data_settings.landing_dir / "personale" / "fravaer_2025_20250205.csv",
        "ansaettelsesnr;aarsag;fra_dato;til_dato;timer_pr_dag",
        rows,
    )
    [outcome] = loader.ingest(con, FRAVAER, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert "line 100, column ansaettelsesnr ('0000042'): unknown employment" in outcome.reason
    assert (
        "line 101, column fra_dato ('30-12-2024'): the spell must start in 2025" in outcome.reason
    )


@pytest.mark.parametrize(
    ("year", "holidays_on_weekdays", "working_days"),
    # Hand count: weekdays in the year minus the public holidays on weekdays.
    [(2023, 8, 252), (2024, 8, 254), (2025, 8, 253)],
)
def test_working_days_per_year(year, holidays_on_weekdays, working_days):
    table = calendar_table(year, year).to_pylist()
    assert sum(d["er_arbejdsdag"] for d in table) == working_days
    weekday_holidays = [d for d in table if d["helligdag"] and d["dato"].weekday() < 5]
    assert len(weekday_holidays) == holidays_on_weekdays


def test_store_bededag_until_2023_only_and_optional_days_are_working_days():
    from datetime import date

    assert public_holidays(range(2023, 2024))[date(2023, 5, 5)] == "Store bededag"
    later = public_holidays(range(2024, 2027))
    assert "Store bededag" not in later.values()
    for day in (date(2025, 6, 5), date(2025, 12, 24), date(2025, 12, 31), date(2025, 5, 1)):
        assert day not in later  # grundlovsdag, juleaftensdag, nytårsaftensdag, 1. maj
