"""The goal catalogue (Excel) and delivered indicator values."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from openpyxl import Workbook

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.maal import INDIKATORVAERDIER, MAALKATALOG
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.lib import loader
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, write_export

INDICATOR_HEADER = [
    "indikator_id", "maal_id", "navn", "kpi", "omkostningssted", "enhed", "retning",
    "frekvens", "baseline_periode", "baseline_vaerdi", "maal_periode", "maal_vaerdi",
    "indfoert", "udfaset", "erstatter",
]  # fmt: skip
GOOD_INDICATORS = [
    # Numbers, dates and Danish-decimal text cells, as people type them in Excel.
    ["I1", "M1", "Sygefravær", "sygefravaer_pct", "0110", "%", "ned", "maaned", "2025-01",
     "6,5", "2026-12", 5.0, datetime(2025, 1, 1), None, None],
    ["I2", "M1", "Ventetid", None, None, "dage", "ned", "kvartal", "2025-Q1", None, "2026-Q4",
     "30", "01-01-2025", None, None],
    ["I3", "M1", "Ventetid, ny", None, None, "dage", "ned", "aar", "2025", 40, "2027", 20,
     datetime(2025, 6, 1), None, "I2"],
]  # fmt: skip


def _workbook(path, indicators, goals=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "udvalg"
    sheet.append(["fagudvalg", "navn"])
    sheet.append(["BUU", "Børne- og Ungeudvalget"])
    sheet = book.create_sheet("maal")
    sheet.append(
        [
            "maal_id",
            "fagudvalg",
            "titel",
            "beskrivelse",
            "maalgruppe",
            "ansvarlig",
            "startdato",
            "slutdato",
            "status",
        ]
    )
    for goal in goals or [
        [
            "M1",
            "BUU",
            "Færre sygedage",
            None,
            "organisation",
            "0110",
            datetime(2025, 1, 1),
            None,
            "aktiv",
        ]
    ]:
        sheet.append(goal)
    sheet = book.create_sheet("indikatorer")
    sheet.append(INDICATOR_HEADER)
    sheet.append([])  # a blank row between blocks
    for row in indicators:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


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


def _catalogue(settings, indicators, goals=None, name="maalkatalog_20250201.xlsx"):
    return _workbook(settings.landing_dir / "maal" / name, indicators, goals)


def test_catalogue_cells_of_every_kind_load(con, data_settings):
    _catalogue(data_settings, GOOD_INDICATORS)
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "loaded", outcome.reason
    rows = con.execute(
        "SELECT indikator_id, baseline_vaerdi, maal_vaerdi, indfoert, erstatter, _line_number "
        "FROM raw.indikatorer ORDER BY 1"
    ).fetchall()
    assert [row[:5] for row in rows] == [
        ("I1", 6.5, 5.0, datetime(2025, 1, 1).date(), None),
        ("I2", None, 30.0, datetime(2025, 1, 1).date(), None),
        ("I3", 40.0, 20.0, datetime(2025, 6, 1).date(), "I2"),
    ]
    assert [row[5] for row in rows] == [3, 4, 5]  # the sheet's row numbers
    assert con.execute("SELECT count(*) FROM raw.maal").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({9: 4.0}, "indikator I1: target 5 is not below the baseline 4 (retning ned)"),
        ({3: "ukendt_kpi"}, "indikator I1: unknown KPI ukendt_kpi"),
        ({1: "M9"}, "indikator I1: unknown goal M9"),
        ({8: "2027-01"}, "indikator I1: baseline_periode 2027-01 lies after maal_periode 2026-12"),
        ({7: "kvartal", 8: "2025-Q1", 10: "2026-Q4"}, "frekvens kvartal is only for delivered"),
        ({8: "2025"}, "baseline_periode '2025' is not a month (YYYY-MM)"),
        ({0: "I2"}, "indikator_id I2 appears on lines 3, 4"),
        ({14: "I7"}, "erstatter names unknown indicator I7"),
    ],
)
def test_catalogue_errors_quarantine_by_indicator(con, data_settings, change, message):
    first = list(GOOD_INDICATORS[0])
    for index, value in change.items():
        first[index] = value
    _catalogue(data_settings, [first, *GOOD_INDICATORS[1:]])
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert message in outcome.reason
    assert con.execute("SELECT count(*) FROM raw.indikatorer").fetchone()[0] == 0


def test_a_bad_cell_quarantines_the_catalogue_naming_sheet_and_row(con, data_settings):
    first = list(GOOD_INDICATORS[0])
    first[11] = "fem"
    _catalogue(data_settings, [first, *GOOD_INDICATORS[1:]])
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert "line 3, column indikatorer.maal_vaerdi ('fem'): not a Danish decimal" in outcome.reason


def test_missing_sheet_is_named(con, data_settings):
    book = Workbook()
    book.active.title = "udvalg"
    path = data_settings.landing_dir / "maal" / "maalkatalog_20250201.xlsx"
    path.parent.mkdir(parents=True)
    book.save(path)
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert "missing sheet(s) maal, indikatorer" in outcome.reason


def test_newer_indicator_values_replace_only_same_keys(con, data_settings):
    header = "indikator_id;omkostningssted;periode;vaerdi;taeller;naevner"
    folder = data_settings.landing_dir / "indikatorer"
    write_export(
        folder / "indikatorvaerdier_SKOLE-IT_20250301.csv",
        header,
        ["I2;0110;2025-Q1;31,5;;", "I2;0110;2025-Q2;29;;"],
    )
    write_export(folder / "indikatorvaerdier_CURA_20250301.csv", header, ["I2;0110;2025-Q1;99;;"])
    loader.ingest(con, INDIKATORVAERDIER, data_settings, "r", log=lambda m: None)
    write_export(
        folder / "indikatorvaerdier_SKOLE-IT_20250601.csv",
        header,
        ["I2;0110;2025-Q2;28;;", "I2;0110;2025-Q3;27;;"],
    )
    loader.ingest(con, INDIKATORVAERDIER, data_settings, "r", log=lambda m: None)
    assert con.execute(
        "SELECT kilde, periode, vaerdi FROM raw.indikatorvaerdier ORDER BY 1, 2"
    ).fetchall() == [
        ("CURA", "2025-Q1", 99.0),
        ("SKOLE-IT", "2025-Q1", 31.5),
        ("SKOLE-IT", "2025-Q2", 28.0),
        ("SKOLE-IT", "2025-Q3", 27.0),
    ]
