"""docs/bi.md's queries, run as written against the publication of a demo run (scale S), and
the columns that make them short: periode_start and the levels above a node."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

BI_DOC = Path(__file__).parents[1] / "docs" / "bi.md"

# The columns each query of docs/bi.md returns, in the order of the document.
EXPECTED_COLUMNS = [
    [
        "omraade",
        "maaned",
        "sygefravaer_pct",
        "undertrykt",
        "indikator_id",
        "maal_vaerdi",
        "maal_periode",
    ],
    [
        "fagudvalg",
        "udvalg_navn",
        "aar",
        "forbrug_drift",
        "korrigeret_budget_drift",
        "forbrugsprocent_drift",
    ],
    [
        "ydelse",
        "omraade",
        "center",
        "omkostningssted",
        "enhed",
        "enhedsomkostning_kr",
        "bedste_kvartil_enhedsomkostning_kr",
        "merudgift_ift_bedste_kvartil_kr",
        "trivsel_samlet",
        "svarprocent",
    ],
    [
        "fagudvalg",
        "udvalg_navn",
        "udvalg_status",
        "maal_id",
        "titel",
        "ansvarlig_navn",
        "status",
        "antal_indikatorer",
        "antal_naaet",
        "antal_paa_sporet",
        "antal_i_risiko",
        "antal_ikke_paa_sporet",
        "antal_ingen_data",
    ],
    [
        "fagudvalg",
        "indikator_id",
        "navn",
        "maal_id",
        "maal_titel",
        "maal_status",
        "vaerditype",
        "omkostningssted_navn",
        "seneste_periode_med_vaerdi",
    ],
]


def _queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", BI_DOC.read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture(scope="module")
def published(reference_run):
    con = duckdb.connect(str(reference_run / "published" / "maalbar.duckdb"), read_only=True)
    yield con
    con.close()


def _run(con, sql: str) -> tuple[list[str], list[dict]]:
    cursor = con.execute(sql)
    columns = [column[0] for column in cursor.description]
    return columns, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_the_doc_has_the_five_queries():
    assert len(_queries()) == len(EXPECTED_COLUMNS)


@pytest.mark.parametrize("number", range(len(EXPECTED_COLUMNS)))
def test_each_query_returns_rows_with_its_columns(published, number):
    columns, rows = _run(published, _queries()[number])
    assert columns == EXPECTED_COLUMNS[number]
    assert rows


def _kpi_values(con, kpi_id: str, periodetype: str) -> dict[tuple[str, str], tuple]:
    return {
        (node, periode): (vaerdi, periode_start)
        for node, periode, vaerdi, periode_start in con.execute(
            "SELECT omkostningssted, periode, vaerdi, periode_start FROM marts.kpi_values "
            "WHERE kpi_id = ? AND periodetype = ?",
            [kpi_id, periodetype],
        ).fetchall()
    }


def test_sick_leave_per_area_is_each_areas_last_twelve_months(published):
    _, rows = _run(published, _queries()[0])
    areas = dict(
        published.execute(
            "SELECT omraade_navn, omkostningssted FROM marts.dim_organisation "
            "WHERE niveau = 'omraade'"
        ).fetchall()
    )
    figures = _kpi_values(published, "sygefravaer_pct", "maaned")
    newest = max(start for _, start in figures.values())
    months = {row["maaned"] for row in rows}
    assert len(months) == 12 and max(months) == newest
    assert {row["omraade"] for row in rows} == set(areas)
    assert len(rows) == 12 * len(areas)
    for row in rows:
        periode = row["maaned"].strftime("%Y-%m")
        assert row["sygefravaer_pct"] == figures[areas[row["omraade"]], periode][0]
    # An area with an active sick-leave indicator has its target beside every month.
    targets = published.execute(
        "SELECT omkostningssted, maal_vaerdi FROM marts.indicator_portfolio "
        "WHERE kpi = 'sygefravaer_pct' AND er_aktiv"
    ).fetchall()
    with_target = {
        areas_node: target for areas_node, target in targets if areas_node in areas.values()
    }
    assert with_target
    for row in rows:
        assert row["maal_vaerdi"] == with_target.get(areas[row["omraade"]])


def test_spending_share_per_committee_is_its_areas_figure(published):
    """In the demo every committee has exactly one area, so its share of the query is the
    area's forbrugsprocent_drift in kpi_values for the newest year."""
    _, rows = _run(published, _queries()[1])
    tops = published.execute(
        "SELECT o.fagudvalg, o.omkostningssted FROM marts.dim_organisation o "
        "LEFT JOIN marts.dim_organisation p ON p.omkostningssted = o.overordnet "
        "WHERE o.fagudvalg IS DISTINCT FROM p.fagudvalg AND o.fagudvalg IS NOT NULL"
    ).fetchall()
    top_of = dict(tops)
    assert len(top_of) == len(tops)  # one top node per committee
    figures = _kpi_values(published, "forbrugsprocent_drift", "aar")
    newest = max(periode for _, periode in figures)
    assert {row["fagudvalg"] for row in rows} == set(top_of)
    for row in rows:
        assert str(row["aar"]) == newest
        assert row["forbrugsprocent_drift"] == pytest.approx(
            figures[top_of[row["fagudvalg"]], newest][0], rel=1e-12
        )


def test_periode_start_is_the_first_day_of_the_period_in_every_published_mart(published):
    with_periode = {
        table
        for (table,) in published.execute(
            "SELECT table_name FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND column_name = 'periode'"
        ).fetchall()
    }
    with_start = dict(
        published.execute(
            "SELECT table_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND column_name = 'periode_start'"
        ).fetchall()
    )
    assert len(with_periode) == 8  # indsats_forloeb among them
    assert with_start == {table: "DATE" for table in with_periode}
    kinds = set()
    for table in sorted(with_periode):
        for periode, start in published.execute(
            f"SELECT DISTINCT periode, periode_start FROM marts.{table}"
        ).fetchall():
            year = int(periode[:4])
            if len(periode) == 4:
                kinds.add("year")
                expected = date(year, 1, 1)
            elif periode[5] == "Q":
                kinds.add("quarter")
                expected = date(year, 3 * int(periode[6]) - 2, 1)
            else:
                kinds.add("month")
                expected = date(year, int(periode[5:7]), 1)
            assert start == expected, (table, periode, start)
    assert kinds == {"year", "quarter", "month"}


def test_the_levels_above_a_node_follow_its_path(published):
    """The demo's levels follow the depth, so the names of the levels above a node are the
    second and third names of its path."""
    rows = published.execute(
        "SELECT sti, dybde, kommune_navn, omraade_navn, center_navn FROM marts.dim_organisation"
    ).fetchall()
    assert len(rows) > 100
    for sti, dybde, kommune, omraade, center in rows:
        names = sti.split(" > ")
        assert kommune == names[0]
        assert omraade == (names[1] if dybde >= 1 else None), sti
        assert center == (names[2] if dybde >= 2 else None), sti
