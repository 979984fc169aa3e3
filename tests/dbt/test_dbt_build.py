"""`dbt build` on small raw warehouses, checked against hand-computed KPI values.

The golden municipality is `raw_warehouse.golden_rows()`; every expected figure below is worked
out by hand from those rows (economy horizon 2024-02, HR horizon 2024-02-29).
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from raw_warehouse import make_raw_warehouse, run_dbt, undescribed_mart_columns

ROOT, AREA_A, NORD, SYD, AREA_B, HOME_CARE = "0100", "0110", "0111", "0112", "0120", "0121"

# (kpi_id, omkostningssted, periode) -> (vaerdi, taeller, naevner)
EXPECTED_KPI_VALUES = {
    # Drift postings: 0111 1000 (Dec), 200.50 - 50.50 (Jan); 0112 300 (Jan), 100 (Feb);
    # 0121 400 (Jan, hovedkonto 7), 250 (Feb). 0121's anlæg and dranst 4 are not drift.
    ("forbrug_drift", NORD, "2023-12"): (1000, 1000, None),
    ("forbrug_drift", AREA_A, "2023-12"): (1000, 1000, None),
    ("forbrug_drift", ROOT, "2023-12"): (1000, 1000, None),
    ("forbrug_drift", NORD, "2024-01"): (150, 150, None),
    ("forbrug_drift", SYD, "2024-01"): (300, 300, None),
    ("forbrug_drift", AREA_A, "2024-01"): (450, 450, None),
    ("forbrug_drift", HOME_CARE, "2024-01"): (400, 400, None),
    ("forbrug_drift", AREA_B, "2024-01"): (400, 400, None),
    ("forbrug_drift", ROOT, "2024-01"): (850, 850, None),
    ("forbrug_drift", SYD, "2024-02"): (100, 100, None),
    ("forbrug_drift", AREA_A, "2024-02"): (100, 100, None),
    ("forbrug_drift", HOME_CARE, "2024-02"): (250, 250, None),
    ("forbrug_drift", AREA_B, "2024-02"): (250, 250, None),
    ("forbrug_drift", ROOT, "2024-02"): (350, 350, None),
    ("forbrug_drift", NORD, "2023"): (1000, 1000, None),
    ("forbrug_drift", AREA_A, "2023"): (1000, 1000, None),
    ("forbrug_drift", ROOT, "2023"): (1000, 1000, None),
    ("forbrug_drift", NORD, "2024"): (150, 150, None),
    ("forbrug_drift", SYD, "2024"): (400, 400, None),
    ("forbrug_drift", AREA_A, "2024"): (550, 550, None),
    ("forbrug_drift", HOME_CARE, "2024"): (650, 650, None),
    ("forbrug_drift", AREA_B, "2024"): (650, 650, None),
    ("forbrug_drift", ROOT, "2024"): (1200, 1200, None),
    # Budget 2024: 0111 OPR 1000 + TB 200 + OVF -100; 0112 900; 0121 2000 drift, 4000 anlæg.
    # The 2025 budget lies after the horizon's year.
    ("korrigeret_budget_drift", NORD, "2024"): (1100, 1100, None),
    ("korrigeret_budget_drift", SYD, "2024"): (900, 900, None),
    ("korrigeret_budget_drift", AREA_A, "2024"): (2000, 2000, None),
    ("korrigeret_budget_drift", HOME_CARE, "2024"): (2000, 2000, None),
    ("korrigeret_budget_drift", AREA_B, "2024"): (2000, 2000, None),
    ("korrigeret_budget_drift", ROOT, "2024"): (4000, 4000, None),
    # Year to date; no 2023 budget, so no 2023 rows.
    ("forbrugsprocent_drift", NORD, "2024-01"): (100 * 150 / 1100, 150, 1100),
    ("forbrugsprocent_drift", SYD, "2024-01"): (100 * 300 / 900, 300, 900),
    ("forbrugsprocent_drift", AREA_A, "2024-01"): (22.5, 450, 2000),
    ("forbrugsprocent_drift", HOME_CARE, "2024-01"): (20, 400, 2000),
    ("forbrugsprocent_drift", AREA_B, "2024-01"): (20, 400, 2000),
    ("forbrugsprocent_drift", ROOT, "2024-01"): (21.25, 850, 4000),
    ("forbrugsprocent_drift", NORD, "2024-02"): (100 * 150 / 1100, 150, 1100),
    ("forbrugsprocent_drift", SYD, "2024-02"): (100 * 400 / 900, 400, 900),
    ("forbrugsprocent_drift", AREA_A, "2024-02"): (27.5, 550, 2000),
    ("forbrugsprocent_drift", HOME_CARE, "2024-02"): (32.5, 650, 2000),
    ("forbrugsprocent_drift", AREA_B, "2024-02"): (32.5, 650, 2000),
    ("forbrugsprocent_drift", ROOT, "2024-02"): (30, 1200, 4000),
    ("forbrugsprocent_drift", NORD, "2024"): (100 * 150 / 1100, 150, 1100),
    ("forbrugsprocent_drift", SYD, "2024"): (100 * 400 / 900, 400, 900),
    ("forbrugsprocent_drift", AREA_A, "2024"): (27.5, 550, 2000),
    ("forbrugsprocent_drift", HOME_CARE, "2024"): (32.5, 650, 2000),
    ("forbrugsprocent_drift", AREA_B, "2024"): (32.5, 650, 2000),
    ("forbrugsprocent_drift", ROOT, "2024"): (30, 1200, 4000),
    # Anlæg: 1000 in January 2024 against 4000; December 2023's 500 belongs to 2023.
    ("forbrugsprocent_anlaeg", HOME_CARE, "2024-01"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", AREA_B, "2024-01"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", ROOT, "2024-01"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", HOME_CARE, "2024-02"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", AREA_B, "2024-02"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", ROOT, "2024-02"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", HOME_CARE, "2024"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", AREA_B, "2024"): (25, 1000, 4000),
    ("forbrugsprocent_anlaeg", ROOT, "2024"): (25, 1000, 4000),
    # Hovedkonto 0-6 only: 2024 leaves out 0121's 400 on hovedkonto 7.
    ("driftsudgift_pr_indbygger", ROOT, "2023"): (1000 / 240, 1000, 240),
    ("driftsudgift_pr_indbygger", ROOT, "2024"): (800 / 250, 800, 250),
    # Costs only in months with activity: 0112's January 300 is left out; 0111 has
    # activity but no postings in February (0 kr.). The root mixes two ydelser in January
    # and in 2024, so no row then; the March activity lies after the horizon.
    ("enhedsomkostning", NORD, "2024-01"): (15, 150, 10),
    ("enhedsomkostning", AREA_A, "2024-01"): (15, 150, 10),
    ("enhedsomkostning", HOME_CARE, "2024-01"): (4, 400, 100),
    ("enhedsomkostning", AREA_B, "2024-01"): (4, 400, 100),
    ("enhedsomkostning", NORD, "2024-02"): (0, 0, 12),
    ("enhedsomkostning", SYD, "2024-02"): (20, 100, 5),
    ("enhedsomkostning", AREA_A, "2024-02"): (100 / 17, 100, 17),
    ("enhedsomkostning", ROOT, "2024-02"): (100 / 17, 100, 17),
    ("enhedsomkostning", NORD, "2024"): (150 / 22, 150, 22),
    ("enhedsomkostning", SYD, "2024"): (20, 100, 5),
    ("enhedsomkostning", AREA_A, "2024"): (250 / 27, 250, 27),
    ("enhedsomkostning", HOME_CARE, "2024"): (4, 400, 100),
    ("enhedsomkostning", AREA_B, "2024"): (4, 400, 100),
}


# HR, from raw_warehouse.golden_hr_rows(). Working days: January 2024 has 22 (1 January is a
# holiday), February 21, 2024 to the horizon 43. Per node and period, worked out by hand:
# (working days, possible dagsværk, sickness dagsværk, short, long, persons active on a working
# day, |S|, |E|, |S ∩ E|).
#
# Possible dagsværk, January: E1 22, E2 0.5 · 22 = 11, E3 22, E4 22, E6a 9 (2-12 Jan) in 0111;
# E6b 13 (15-31 Jan), E7 0.75 · 22 = 16.5 in 0112. February: E1 21, E2 10.5, E4 21, E5 21 in
# 0111; E6b 21, E7 15.75 in 0112. E10, E11 ended in 2023; E8 (hourly) and E9 (trainee) in 0121
# are outside the population, so 0120 and 0121 have no HR rows at all.
# Sickness, January: E1 3 (the ASK hours on 9 Jan are capped), E3 5 (25-31 Jan, its
# employment ends inside the spell), E4 8 long (22-31 Jan of the open spell, 39 days to the
# horizon). February: E2 5 · 1.85 / 7.4 = 1.25; E4 21 with 1 Feb asked twice (long + a short
# one-day spell) and capped at 1, shared 0.5 / 0.5, so long 20.5 and short 0.5; E6b 2 (S56).
# The FERIE and BSYG spells are not sickness; E1's spell from 4 March lies after the horizon.
# Persons: 0111 January P1, P2, P3, P4, P6 = 5 (enough, but see the secondary suppression
# below); February P1, P2, P4, P5 = 4 (suppressed). Turnover windows: 2024-01 from
# 2023-02-01, 2024-02 from 2023-03-01, 2024 from 2024-01-01, each to the period's last day.
# P6's move from 0111 to 0112 on 15 January is a leaver in 0111 and a joiner in 0112, but
# nothing in 0110 or 0100.
HR_NODE_PERIODS = {
    # 0111: S(2023-02-01) = P1 P2 P4 P6 P11, E(2024-01-31) = P1 P2 P3 P4.
    (NORD, "2024-01"): (22, 86, 16, 8, 8, 5, 5, 4, 3),
    # S(2023-03-01) adds P3 (started that day), E(2024-02-29) = P1 P2 P4 P5.
    (NORD, "2024-02"): (21, 73.5, 22.25, 1.75, 20.5, 4, 6, 4, 3),
    # S(2024-01-01) = P1 P2 P3 P4 P6 (P11 left on 31 December).
    (NORD, "2024"): (43, 159.5, 38.25, 9.75, 28.5, 6, 5, 4, 3),
    # 0112: S = P7 P10 (P10 left 2023-06-30), E = P6 P7.
    (SYD, "2024-01"): (22, 29.5, 0, 0, 0, 2, 2, 2, 1),
    (SYD, "2024-02"): (21, 36.75, 2, 2, 0, 2, 2, 2, 1),
    (SYD, "2024"): (43, 66.25, 2, 2, 0, 2, 1, 2, 1),
}
for _node in (AREA_A, ROOT):
    HR_NODE_PERIODS |= {
        (_node, "2024-01"): (22, 115.5, 16, 8, 8, 6, 7, 6, 5),
        (_node, "2024-02"): (21, 110.25, 24.25, 3.75, 20.5, 6, 8, 6, 5),
        (_node, "2024"): (43, 225.75, 40.25, 11.75, 28.5, 7, 6, 6, 5),
    }


# Secondary suppression (kpis.md): 0112 is hidden in every period (2 persons; |S| 2, 2, 1).
# 0110 = 0111 + 0112, with nobody on 0110 itself, and 0110 is shown, so 0110 minus 0111
# would give 0112 back: 0111, 0110's only other part, is hidden too wherever it is shown by
# its own count, sickness in 2024-01 (5 persons) and 2024 (6), turnover in every period
# (|S| 5, 6, 5). February's sickness already hides both units (4 and 2 persons), which leaves
# 0110 nothing to give away. 0100's only part is 0110 (0120 has no HR rows), still shown.
SICKNESS_SECONDARY = {(NORD, "2024-01"), (NORD, "2024")}
TURNOVER_SECONDARY = {(NORD, "2024-01"), (NORD, "2024-02"), (NORD, "2024")}


def _hr_expected() -> dict[tuple, tuple]:
    """The contract's formulas applied to HR_NODE_PERIODS: key -> (vaerdi, taeller, naevner,
    undertrykt)."""
    expected = {}
    for (node, period), figures in HR_NODE_PERIODS.items():
        workdays, possible, sick, short, long, persons, start, end, both = figures
        hidden = persons < 5 or (node, period) in SICKNESS_SECONDARY
        aarsvaerk = possible / workdays
        for kpi_id, numerator, denominator, factor in (
            ("sygefravaer_pct", sick, possible, 100),
            ("korttidssygefravaer_pct", short, possible, 100),
            ("langtidssygefravaer_pct", long, possible, 100),
            ("sygefravaer_dage_pr_aarsvaerk", sick, aarsvaerk, 1),
        ):
            shown = (factor * numerator / denominator, numerator, denominator, False)
            expected[(kpi_id, node, period)] = (None, None, None, True) if hidden else shown
        expected[("aarsvaerk", node, period)] = (aarsvaerk, possible, workdays, False)
        expected[("medarbejdere", node, period)] = (end, end, None, False)
        for kpi_id, numerator in (
            ("personaleomsaetning_afgang_pct", start - both),
            ("personaleomsaetning_tilgang_pct", end - both),
        ):
            shown = (100 * numerator / start, numerator, start, False)
            hidden = start < 5 or (node, period) in TURNOVER_SECONDARY
            expected[(kpi_id, node, period)] = (None, None, None, True) if hidden else shown
    return expected


EXPECTED_ALL_KPI_VALUES = {
    **{key: (*values, False) for key, values in EXPECTED_KPI_VALUES.items()},
    **_hr_expected(),
}


def _query(warehouse, sql):
    # dbt-duckdb keeps its DuckDB instance open in this process after the run; a connection
    # with the default configuration shares it, where a read-only one would be refused.
    with duckdb.connect(str(warehouse)) as con:
        return con.execute(sql).fetchall()


def test_build_succeeds_with_all_unit_tests(golden_build):
    result, _ = golden_build
    assert result.success, result.exception
    unit_tests = [r for r in result.result if r.node.resource_type == "unit_test"]
    assert len(unit_tests) >= 25
    assert all(r.status == "pass" for r in unit_tests)


def test_kpi_values_match_hand_computed_figures(golden_build):
    result, warehouse = golden_build
    assert result.success
    rows = _query(
        warehouse,
        "select kpi_id, omkostningssted, periode, periodetype, vaerdi, taeller, naevner,"
        " undertrykt from marts.kpi_values",
    )
    actual = {(r[0], r[1], r[2]): r[3:] for r in rows}
    assert set(actual) == set(EXPECTED_ALL_KPI_VALUES)
    for key, expected in EXPECTED_ALL_KPI_VALUES.items():
        periodetype, *got = actual[key]
        assert periodetype == ("maaned" if "-" in key[2] else "aar"), key
        for got_value, value in zip(got[:3], expected[:3], strict=True):
            assert got_value == (None if value is None else pytest.approx(value)), key
        assert got[3] is expected[3], key


def test_kpi_values_has_the_published_columns(golden_build):
    _, warehouse = golden_build
    columns = _query(
        warehouse,
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' and table_name = 'kpi_values' order by ordinal_position",
    )
    assert columns == [
        ("kpi_id", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("periode", "VARCHAR"),
        ("periodetype", "VARCHAR"),
        ("vaerdi", "DOUBLE"),
        ("taeller", "DOUBLE"),
        ("naevner", "DOUBLE"),
        ("undertrykt", "BOOLEAN"),
        # Beyond published.md's columns ("at least"), after them: the period's first day.
        ("periode_start", "DATE"),
    ]


def test_dim_organisation(golden_build):
    _, warehouse = golden_build
    rows = _query(
        warehouse,
        "select omkostningssted, dybde, fagudvalg, sti, er_rod, er_blad"
        " from marts.dim_organisation order by omkostningssted",
    )
    assert rows == [
        (ROOT, 0, None, "Kommune", True, False),
        (AREA_A, 1, "BU", "Kommune > Område A", False, False),
        (NORD, 2, "BU", "Kommune > Område A > Dagpleje Nord", False, True),
        (SYD, 2, "BU", "Kommune > Område A > Dagpleje Syd", False, True),
        (AREA_B, 1, "SU", "Kommune > Område B", False, False),
        (HOME_CARE, 2, "SU", "Kommune > Område B > Hjemmepleje", False, True),
    ]
    # The node of each level above; the golden tree has no centres.
    levels = _query(
        warehouse,
        "select omkostningssted, kommune_omkostningssted, kommune_navn, omraade_omkostningssted,"
        " omraade_navn, center_omkostningssted, center_navn"
        " from marts.dim_organisation order by omkostningssted",
    )
    assert levels == [
        (ROOT, ROOT, "Kommune", None, None, None, None),
        (AREA_A, ROOT, "Kommune", AREA_A, "Område A", None, None),
        (NORD, ROOT, "Kommune", AREA_A, "Område A", None, None),
        (SYD, ROOT, "Kommune", AREA_A, "Område A", None, None),
        (AREA_B, ROOT, "Kommune", AREA_B, "Område B", None, None),
        (HOME_CARE, ROOT, "Kommune", AREA_B, "Område B", None, None),
    ]


def test_dim_kpi_lists_every_contract_kpi(golden_build):
    _, warehouse = golden_build
    ids = {r[0] for r in _query(warehouse, "select kpi_id from marts.dim_kpi")}
    assert {
        "forbrug_drift",
        "korrigeret_budget_drift",
        "forbrugsprocent_drift",
        "forbrugsprocent_anlaeg",
        "driftsudgift_pr_indbygger",
        "enhedsomkostning",
        "sygefravaer_pct",
        "korttidssygefravaer_pct",
        "langtidssygefravaer_pct",
        "sygefravaer_dage_pr_aarsvaerk",
        "aarsvaerk",
        "medarbejdere",
        "personaleomsaetning_afgang_pct",
        "personaleomsaetning_tilgang_pct",
        "trivsel_motivation",
        "trivsel_engagement",
        "trivsel_arbejdsglaede",
        "trivsel_ledelse",
        "trivsel_samarbejde",
        "svarprocent",
        "forslag_indsendt",
        "forslag_gennemfoert_pct",
    } == ids


def test_empty_raw_builds_and_unit_tests_run_separately(tmp_path, monkeypatch):
    """The documented two-step invocation of the unit tests, on a warehouse with empty raw."""
    warehouse = make_raw_warehouse(tmp_path / "warehouse.duckdb")
    built = run_dbt(["build", "--exclude", "test_type:unit"], warehouse, tmp_path, monkeypatch)
    assert built.success, built.exception
    assert _query(warehouse, "select count(*) from marts.kpi_values") == [(0,)]
    unit = run_dbt(["test", "--select", "test_type:unit"], warehouse, tmp_path, monkeypatch)
    assert unit.success, unit.exception
    assert len(unit.result) >= 25


def test_every_mart_table_and_column_has_a_description(golden_build):
    """Every mart and every column it has is described in the dbt project."""
    _, warehouse = golden_build
    assert (
        _query(warehouse, "select count(*) from duckdb_columns() where schema_name = 'marts'")[0][0]
        > 100
    )
    assert undescribed_mart_columns(warehouse) == []


def test_no_personal_data_in_marts(golden_build):
    """The CPR pseudonym and the internal person number stay below the marts."""
    _, warehouse = golden_build
    personal = _query(
        warehouse,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts'"
        " and column_name in ('cpr', 'person_id', 'person_nr')",
    )
    assert personal == []


# Economy KPIs are never suppressed (undertrykt is a CHECK: false); the HR and feedback
# KPIs may be, and their undertrykt is a NOT NULL constraint.
ECONOMY_KPI_MODELS = [
    "kpi_forbrug_drift",
    "kpi_korrigeret_budget_drift",
    "kpi_forbrugsprocent",
    "kpi_driftsudgift_pr_indbygger",
    "kpi_enhedsomkostning",
    "kpi_values_oekonomi",
]
SUPPRESSIBLE_KPI_MODELS = [
    "kpi_sygefravaer",
    "kpi_aarsvaerk",
    "kpi_medarbejdere",
    "kpi_personaleomsaetning",
    "kpi_values_personale",
    "kpi_trivsel",
    "kpi_svarprocent",
    "kpi_forslag",
    "kpi_values_feedback",
]
KPI_MODELS = ECONOMY_KPI_MODELS + SUPPRESSIBLE_KPI_MODELS


def test_kpi_model_lists_name_every_kpi_model(golden_build):
    """A new KPI model must join the lists, so its constraints are tried below."""
    _, warehouse = golden_build
    tables = _query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'marts'"
        " and table_name like 'kpi\\_%' escape '\\' and table_name <> 'kpi_values'",
    )
    assert sorted(name for (name,) in tables) == sorted(KPI_MODELS)


@pytest.mark.parametrize("model", KPI_MODELS)
def test_kpi_model_refuses_a_duplicate_key_an_empty_key_column_and_values_outside_its_checks(
    golden_build, model
):
    """The key (kpi_id, omkostningssted, periode), its NOT NULLs and the CHECKs on periodetype
    and (economy) undertrykt are constraints of the enforced contract, checked by DuckDB as
    the table is written instead of by data tests.
    Every KPI model has the shape of marts.kpi_values; the rows written here are rolled back."""
    result, warehouse = golden_build
    assert result.success
    row = ["test_kpi", "0100", "2025-01", "maaned", 1.0, 1.0, None, False]
    insert = f"INSERT INTO marts.{model} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    with duckdb.connect(str(warehouse)) as con:
        con.begin()
        con.execute(insert, row)
        with pytest.raises(duckdb.ConstraintException):
            con.execute(insert, row)
        con.rollback()
        positions = [0, 1, 2, 7] if model in SUPPRESSIBLE_KPI_MODELS else [0, 1, 2]
        for position in positions:
            empty = [None if i == position else value for i, value in enumerate(row)]
            con.begin()
            with pytest.raises(duckdb.ConstraintException):
                con.execute(insert, empty)
            con.rollback()
        # periodetype is maaned or aar, and an economy KPI is never suppressed: CHECK
        # constraints of the same contract.
        refused = [(3, "uge")] + ([(7, True)] if model in ECONOMY_KPI_MODELS else [])
        for position, value in refused:
            outside = [value if i == position else cell for i, cell in enumerate(row)]
            con.begin()
            with pytest.raises(duckdb.ConstraintException, match="CHECK"):
                con.execute(insert, outside)
            con.rollback()
        assert con.execute(
            f"SELECT count(*) FROM marts.{model} WHERE kpi_id = 'test_kpi'"
        ).fetchall() == [(0,)]


def test_not_null_columns_names_each_empty_column_with_its_rows(golden_build, tmp_path):
    """The model-level NOT NULL test (dbt/macros/tests/not_null_columns.sql) fails for a
    staged row with two empty columns and names both (the golden build, where it passes, is
    test_build_succeeds_with_all_unit_tests)."""
    result, warehouse = golden_build
    assert result.success
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():  # what dbt wrote since its last checkpoint
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "INSERT INTO raw.posteringer SELECT * REPLACE (NULL AS omkostningssted, "
            "NULL AS beloeb) FROM raw.posteringer LIMIT 3"
        )
    with pytest.MonkeyPatch.context() as monkeypatch:
        tested = run_dbt(
            ["test", "--select", "stg_oekonomi__posteringer,test_name:not_null_columns"],
            copy,
            tmp_path,
            monkeypatch,
        )
    [outcome] = tested.result.results
    assert str(outcome.status) == "fail" and outcome.failures == 2
    with duckdb.connect(str(copy)) as con:  # as dbt-duckdb, which may still hold it
        failed = con.execute(f"SELECT * FROM ({outcome.node.compiled_code}) ORDER BY 1").fetchall()
    assert failed == [("beloeb", 3), ("omkostningssted", 3)]


def test_every_declared_check_is_a_constraint_of_the_built_table(golden_build):
    """Each CHECK a contract declares (periodetype, economy undertrykt, the goal statuses,
    dim_kpi's domaene and retning) is in the table DuckDB built, so a value outside it is
    refused while the table is written; the KPI test above tries two of them with rows."""
    _, warehouse = golden_build
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    declared = {
        (node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column in node["columns"].values()
        for constraint in column.get("constraints") or []
        if constraint["type"] == "check"
    }
    assert {("goal_status", "status"), ("dim_kpi", "retning")} <= declared
    built = {
        (table, column)
        for table, columns in _query(
            warehouse,
            "select table_name, constraint_column_names from duckdb_constraints()"
            " where constraint_type = 'CHECK'",
        )
        for column in columns
    }
    assert declared <= built
