"""Feedback and benchmark exports: domains and references."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.feedback import BESVARELSER, FORSLAG, SPOERGSMAAL
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.defs.ingest.reference import BENCHMARK
from dagster_project.lib import loader
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, write_export


@pytest.fixture
def con(data_settings):
    land = data_settings.landing_dir
    write_export(
        land / "organisation" / "organisation_20250105.csv", ORGANISATION_HEADER, ORGANISATION_ROWS
    )
    write_export(
        land / "feedback" / "spoergsmaal_20250101.csv",
        "spoergsmaal_id;tema;tekst",
        ["Q1;MOTIVATION;Jeg er motiveret", "Q2;LEDELSE;Min leder lytter"],
    )
    connection = duckdb.connect(str(data_settings.warehouse_path))
    loader.ensure_tables(connection, ALL_SPECS)
    for spec in (ORGANISATION, SPOERGSMAAL):
        loader.ingest(connection, spec, data_settings, "r", log=lambda m: None)
    yield connection
    connection.close()


def test_round_with_unanswered_and_bad_scores(con, data_settings):
    rows = [f"R{i};0111;Q{1 + i % 2};{1 + i % 5}" for i in range(200)]
    rows[10] = "R10;0111;Q1;"  # not answered: kept, score NULL
    rows[20] = "R20;0111;Q1;6"  # out of 1-5: rejected
    write_export(
        data_settings.landing_dir / "feedback" / "besvarelser_202503.csv",
        "besvarelse_id;omkostningssted;spoergsmaal_id;score",
        rows,
    )
    [outcome] = loader.ingest(con, BESVARELSER, data_settings, "r", log=lambda m: None)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("loaded", 199, 1)
    assert con.execute(
        "SELECT line_number, column_name, reason FROM meta.rejected_rows"
    ).fetchall() == [(22, "score", "must be at most 5")]
    assert con.execute(
        "SELECT runde, count(*), count(score) FROM raw.besvarelser GROUP BY 1"
    ).fetchall() == [("2025-03", 199, 198)]


def test_unknown_question_is_rejected(con, data_settings):
    write_export(
        data_settings.landing_dir / "feedback" / "besvarelser_202503.csv",
        "besvarelse_id;omkostningssted;spoergsmaal_id;score",
        ["R1;0111;Q9;3"],
    )
    [outcome] = loader.ingest(con, BESVARELSER, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert "unknown question" in outcome.reason


def test_suggestion_decided_before_submitted_is_rejected(con, data_settings):
    header = "forslag_id;omkostningssted;indsendt;kategori;status;afgjort;estimeret_gevinst_kr"
    write_export(
        data_settings.landing_dir / "feedback" / "forslag_20250401.csv",
        header,
        [
            "F1;0111;01-03-2025;Drift;gennemfoert;15-03-2025;12.500,00",
            "F2;0111;01-03-2025;Drift;afvist;15-02-2025;",
        ],
    )
    [outcome] = loader.ingest(con, FORSLAG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert "line 3, column afgjort ('15-02-2025'): afgjort before indsendt" in outcome.reason


def test_benchmark_codes_keep_leading_zeros_and_decimals(con, data_settings):
    write_export(
        data_settings.landing_dir / "reference" / "benchmark_20250501.csv",
        "kommunekode;kommune;kpi;aar;vaerdi",
        ["101;København;sygefravaer_pct;2024;5,1", "061;Fejl;x;2024;1"],
    )
    [outcome] = loader.ingest(con, BENCHMARK, data_settings, "r", log=lambda m: None)
    # 061 is three digits, so it passes the form; the code list is for the marts to use.
    assert outcome.status == "loaded"
    assert con.execute("SELECT kommunekode, vaerdi FROM raw.benchmark ORDER BY 1").fetchall() == [
        ("061", 1.0),
        ("101", 5.1),
    ]
