"""The failure catalogue of docs/reliability.md, case by case, at the loader.

Each case names its documented outcome and the words a person needs to fix the export.
Cases covered elsewhere: missing column, bad number, unknown cost centre, organisation cycle
and second root, budget year, posting outside its month, same file twice, re-delivered month
(test_loader.py); invalid CPR by date, HR files without the key (test_personale_ingest.py);
catalogue target in the wrong direction (test_maal_ingest.py).
"""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.oekonomi import POSTERINGER
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.defs.ingest.personale import ANSAETTELSER
from dagster_project.lib import loader
from dagster_project.lib.landing import unknown_files
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, POSTINGS_HEADER, write_export

GOOD = [f"{i};05-01-2025;0111;5.25.11;1;1.1;1.000,50;Løn" for i in range(199)]


@pytest.fixture
def con(data_settings, monkeypatch):
    monkeypatch.setenv("MAALBAR_PSEUDONYM_KEY", "k")
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
        "cp1252",
    )
    connection = duckdb.connect(str(data_settings.warehouse_path))
    loader.ensure_tables(connection, ALL_SPECS)
    loader.ingest(connection, ORGANISATION, data_settings, "r", log=lambda m: None)
    yield connection
    connection.close()


def _postings(con, settings, data: bytes):
    path = settings.landing_dir / "oekonomi" / "posteringer_202501.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    [outcome] = loader.ingest(con, POSTERINGER, settings, "r", log=lambda m: None)
    return outcome


def _csv(header: str, rows: list[str], encoding="utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def test_extra_column_is_ignored_with_a_warning(con, data_settings):
    rows = [row + ";x" for row in GOOD]
    outcome = _postings(con, data_settings, _csv(POSTINGS_HEADER + ";Ekstra", rows))
    assert outcome.status == "loaded" and outcome.rows_accepted == 199
    assert outcome.warnings == ["extra column 'ekstra' ignored"]


def test_wrong_delimiter_quarantines_and_says_so(con, data_settings):
    outcome = _postings(
        con,
        data_settings,
        _csv(POSTINGS_HEADER.replace(";", ","), [r.replace(";", ",") for r in GOOD]),
    )
    assert outcome.status == "quarantined"
    assert "the delimiter must be ';', and this file uses ','" in outcome.reason
    # One reason, not also "missing" columns that are there, only split by commas.
    assert "missing" not in outcome.reason


def test_windows_1252_text_survives(con, data_settings):
    outcome = _postings(con, data_settings, _csv(POSTINGS_HEADER, GOOD, "cp1252"))
    assert outcome.status == "loaded"
    assert con.execute("SELECT DISTINCT tekst FROM raw.posteringer").fetchall() == [("Løn",)]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31-02-2025", "no such calendar date"),
        ("5/1/2025", "not a date (DD-MM-YYYY or YYYY-MM-DD)"),
    ],
)
def test_bad_date_is_rejected_by_line_and_column(con, data_settings, value, reason):
    rows = [*GOOD[:10], f"X;{value};0111;5.25.11;1;1.1;10;x", *GOOD[10:]]
    outcome = _postings(con, data_settings, _csv(POSTINGS_HEADER, rows))
    assert (outcome.status, outcome.rows_rejected) == ("loaded", 1)
    assert con.execute(
        "SELECT line_number, column_name, value, reason FROM meta.rejected_rows"
    ).fetchall() == [(12, "posteringsdato", value, reason)]


def test_empty_file_is_quarantined(con, data_settings):
    outcome = _postings(con, data_settings, b"")
    assert (outcome.status, outcome.reason) == ("quarantined", "the file is empty")


def test_header_only_file_is_an_empty_delivery(con, data_settings):
    outcome = _postings(con, data_settings, _csv(POSTINGS_HEADER, []))
    assert (outcome.status, outcome.rows_read) == ("loaded", 0)


def test_garbage_bytes_are_quarantined(con, data_settings):
    outcome = _postings(con, data_settings, bytes(range(256)) * 4)
    assert outcome.status == "quarantined"
    assert "NUL bytes" in outcome.reason


def test_invalid_cpr_format_is_rejected_without_echoing_it(con, data_settings):
    header = (
        "ansaettelsesnr;cpr;omkostningssted;stillingskategori;loenform;elev;"
        "beskaeftigelsesgrad;startdato;slutdato;fratraedelsesaarsag"
    )
    rows = [
        f"{i:07d};0101{i % 90 + 10:02d}-{i:04d};0111;Pædagog;MDR;N;1;01-01-2020;;"
        for i in range(150)
    ]
    rows.append("0009999;01019-12345;0111;Pædagog;MDR;N;1;01-01-2020;;")
    path = write_export(
        data_settings.landing_dir / "personale" / "ansaettelser_20250201.csv", header, rows
    )
    assert path.exists()
    [outcome] = loader.ingest(con, ANSAETTELSER, data_settings, "r", log=lambda m: None)
    assert outcome.status == "loaded"
    assert con.execute(
        "SELECT line_number, column_name, value, reason FROM meta.rejected_rows"
    ).fetchall() == [(152, "cpr", None, "not a CPR number (DDMMYY-SSSS or DDMMYYSSSS)")]
    assert "01019-12345" not in (outcome.reason or "")


def test_unknown_file_names_are_reported_and_ignored(con, data_settings):
    land = data_settings.landing_dir
    write_export(land / "oekonomi" / "posteringer_2025-01.csv", POSTINGS_HEADER, GOOD)
    write_export(land / "ukendt" / "noget.csv", "a", ["1"])
    write_export(land / "README.txt", "hej", [])
    assert [str(p) for p in unknown_files(data_settings)] == [
        "README.txt",
        "oekonomi/posteringer_2025-01.csv",
        "ukendt/noget.csv",
    ]
    assert loader.ingest(con, POSTERINGER, data_settings, "r", log=lambda m: None) == []
