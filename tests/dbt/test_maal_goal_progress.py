"""`dbt build` of the goal models on the golden municipality with a small goal catalogue.

The catalogue is `raw_warehouse_maal.catalogue_rows()`; every figure below is worked out by hand
from it and from the golden KPI values of test_dbt_build.py (economy horizon 2024-02, HR
horizon 2024-02-29). The build selects what the goal marts and the reading levels need, so the
other domains' own tests are left to test_dbt_build.py and the run stays short.
"""

from __future__ import annotations

import duckdb
import pytest
from raw_warehouse import run_dbt
from raw_warehouse_maal import CATALOGUE_DATE, add_maal_rows, make_goal_warehouse

# Everything the goal marts and the reading levels are built from, and the goals' own tests
# and unit tests; the other domains' tests are test_dbt_build.py's.
GOAL_SELECTION = [
    "+path:models/marts/maal+",
    "+path:models/marts/levels",
    "path:models/staging/maal",
    "path:models/intermediate/maal",
    "path:models/marts/maal",
    "path:models/marts/levels",
    "path:tests/maal",
]

# (indikator_id, periode) -> (vaerdi, baseline_vaerdi, maal_vaerdi, fremdrift_pct,
# forventet_fremdrift_pct, status)
EXPECTED_GOAL_PROGRESS = {
    # forbrugsprocent_drift of 0110: 22.5 in 2024-01 is the baseline from the data; 27.5 in
    # 2024-02 is 5 of the 27.5 to the target 50, with 1 of 11 months gone. The economy
    # horizon 2024-02 ends the rows.
    ("I1", "2024-01"): (22.5, 22.5, 50, 0, 0, "paa_sporet"),
    ("I1", "2024-02"): (27.5, 22.5, 50, 100 * 5 / 27.5, 100 / 11, "paa_sporet"),
    # sygefravaer_pct of 0111 (ned, 20 -> 10 by 2024-06): February is suppressed (4 persons),
    # and January (5 persons) by secondary suppression, since 0110 minus 0111 would give the
    # hidden 0112 back (test_dbt_build.py): ingen_data in both months.
    ("I2", "2024-01"): (None, 20, 10, None, 0, "ingen_data"),
    ("I2", "2024-02"): (None, 20, 10, None, 20, "ingen_data"),
    # Delivered, quarterly, 80 -> 90 by 2024-Q4: SYS-A's newer 85 wins over SYS-B's 99 in
    # 2024-Q1; 82 in 2024-Q2 is 20 % against 50 % expected. The value delivered for 0120 in
    # 2024-Q3 is not I3's, but it is I3's latest delivered period, so the horizon.
    ("I3", "2023-Q4"): (80, 80, 90, 0, 0, "paa_sporet"),
    ("I3", "2024-Q1"): (85, 80, 90, 50, 25, "paa_sporet"),
    ("I3", "2024-Q2"): (82, 80, 90, 20, 50, "ikke_paa_sporet"),
    ("I3", "2024-Q3"): (None, 80, 90, None, 75, "ingen_data"),
    # Delivered, yearly, ned, 40 -> 25 by 2025: 34 is 6 of the 15, one of three years gone.
    ("I4", "2022"): (40, 40, 25, 0, 0, "paa_sporet"),
    ("I4", "2023"): (34, 40, 25, 40, 100 / 3, "paa_sporet"),
}


def _query(warehouse, sql):
    # dbt-duckdb keeps its DuckDB instance open in this process after the run; a connection
    # with the default configuration shares it, where a read-only one would be refused.
    with duckdb.connect(str(warehouse)) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def goal_build(tmp_path_factory: pytest.TempPathFactory):
    """The goal models built and tested once per module: (result, warehouse path)."""
    work_dir = tmp_path_factory.mktemp("dbt_goals")
    warehouse = make_goal_warehouse(work_dir / "warehouse.duckdb")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_dbt(
            ["build", "--select", *GOAL_SELECTION, "--indirect-selection", "empty"],
            warehouse,
            work_dir,
            monkeypatch,
        )
    return result, warehouse


def test_goal_models_build_and_every_test_passes(goal_build):
    result, _ = goal_build
    assert result.success, [
        (r.node.name, r.status, r.message)
        for r in result.result or []
        if r.status not in ("pass", "success")
    ] or result.exception
    unit_tests = [r for r in result.result if r.node.resource_type == "unit_test"]
    assert len(unit_tests) >= 12
    assert all(r.status == "pass" for r in unit_tests)
    names = {r.node.name for r in result.result}
    assert "assert_indicator_targets_lie_in_their_retning" in names


def test_goal_progress_matches_hand_computed_rows(goal_build):
    _, warehouse = goal_build
    rows = _query(
        warehouse,
        "select indikator_id, periode, maal_id, fagudvalg, omkostningssted, vaerdi,"
        " baseline_vaerdi, maal_vaerdi, fremdrift_pct, forventet_fremdrift_pct, status"
        " from marts.goal_progress",
    )
    actual = {(r[0], r[1]): r[2:] for r in rows}
    # I0 has no values and no horizon, so no rows; no period after a horizon.
    assert set(actual) == set(EXPECTED_GOAL_PROGRESS)
    owners = {"I1": ("G1", "BU", "0110"), "I2": ("G1", "BU", "0111"), "I3": ("G2", "SU", "0121")}
    owners["I4"] = ("G3", "SU", "0120")
    for key, expected in EXPECTED_GOAL_PROGRESS.items():
        maal_id, fagudvalg, node, *figures = actual[key]
        assert (maal_id, fagudvalg, node) == owners[key[0]], key
        for got, value in zip(figures[:5], expected[:5], strict=True):
            assert got == (None if value is None else pytest.approx(value)), key
        assert figures[5] == expected[5], key


def test_goal_progress_has_the_published_columns_then_periode_start(goal_build):
    _, warehouse = goal_build
    columns = _query(
        warehouse,
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' and table_name = 'goal_progress'"
        " order by ordinal_position",
    )
    assert columns == [
        ("indikator_id", "VARCHAR"),
        ("maal_id", "VARCHAR"),
        ("fagudvalg", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("periode", "VARCHAR"),
        ("vaerdi", "DOUBLE"),
        ("baseline_vaerdi", "DOUBLE"),
        ("maal_vaerdi", "DOUBLE"),
        ("fremdrift_pct", "DOUBLE"),
        ("forventet_fremdrift_pct", "DOUBLE"),
        ("status", "VARCHAR"),
        # Beyond published.md's columns ("at least"), after them: the period's first day.
        ("periode_start", "DATE"),
    ]


def test_forecast_statuses_and_portfolio(goal_build):
    _, warehouse = goal_build
    # I4: 40 and 34 give a slope of -6 a year; 2025 lies two years after 2023, so
    # 37 - 6 * (2 + 0.5) = 22, below the target 25 (ned): reached at this pace.
    forecast = _query(
        warehouse,
        "select haeldning_pr_periode, forventet_vaerdi_ved_maal, forventes_naaet, tendens"
        " from marts.goal_forecast where indikator_id = 'I4'",
    )
    assert forecast == [(pytest.approx(-6), pytest.approx(22), True, "bedring")]
    # SU's only active goal G2 has I3, whose latest quarter has no value; G3 is abandoned.
    statuses = dict(_query(warehouse, "select fagudvalg, status from marts.committee_status"))
    assert statuses == {"BU": "paa_sporet", "SU": "ingen_data"}
    portfolio = {
        row[0]: row[1:]
        for row in _query(
            warehouse,
            "select indikator_id, er_aktiv, kaede, uden_aktivt_maal from marts.indicator_portfolio",
        )
    }
    assert portfolio["I4"] == (True, "I0 > I4", True)
    assert portfolio["I0"] == (False, "I0", False)
    # BU's two indicators both arrive in 2024 without replacing anything.
    flags = _query(
        warehouse,
        "select fagudvalg, periode from marts.indicator_portfolio_by_committee"
        " where periodetype = 'aar' and vaekst_uden_erstatning order by 1, 2",
    )
    assert flags == [("BU", "2024")]


def test_reading_levels_are_tables_with_rows(goal_build):
    _, warehouse = goal_build
    tables = {
        name
        for (name,) in _query(
            warehouse, "select table_name from duckdb_tables() where schema_name = 'marts'"
        )
    }
    levels = {
        "polis_udvalg",
        "polis_maal",
        "polis_indikatorer",
        "polis_indikatorforloeb",
        "stralis_noegletal",
        "stralis_omraader",
        "virklis_noegletal",
        "virklis_maal",
    }
    assert levels <= tables
    for table in sorted(levels):
        assert _query(warehouse, f"select count(*) from marts.{table}")[0][0] > 0, table
    # Dagpleje Syd sees Område A's indicator as its parent's.
    assert _query(
        warehouse,
        "select relation, afstand from marts.virklis_maal"
        " where omkostningssted = '0112' and indikator_id = 'I1'",
    ) == [("overordnet", 1)]
    # VIRKLIS compares Dagpleje Nord's January figures with Område A and the municipality: its
    # årsværk, and its sick leave, hidden by secondary suppression (test_dbt_build.py) beside
    # the parent's and the municipality's, which are shown.
    assert _query(
        warehouse,
        "select kpi_id, vaerdi, undertrykt, overordnet_vaerdi, kommune_vaerdi"
        " from marts.virklis_noegletal where omkostningssted = '0111' and periode = '2024-01'"
        " and kpi_id in ('aarsvaerk', 'sygefravaer_pct') order by kpi_id",
    ) == [
        ("aarsvaerk", pytest.approx(86 / 22), False, pytest.approx(5.25), pytest.approx(5.25)),
        ("sygefravaer_pct", None, True, pytest.approx(1600 / 115.5), pytest.approx(1600 / 115.5)),
    ]


LEVEL_HAS_STATUS = {
    "polis_udvalg": True,
    "polis_maal": True,
    "polis_indikatorer": True,
    "polis_indikatorforloeb": True,
    "stralis_noegletal": False,
    "stralis_omraader": False,
    "virklis_noegletal": False,
    "virklis_maal": True,
}


@pytest.mark.parametrize("level", sorted(LEVEL_HAS_STATUS))
def test_a_reading_level_refuses_a_duplicate_key_and_an_unknown_status(goal_build, level):
    """A level's key and (where it has one) its status are constraints of its enforced
    contract, checked by DuckDB as the table is written. The rows written here are rolled
    back."""
    _, warehouse = goal_build
    with duckdb.connect(str(warehouse)) as con:
        con.begin()
        with pytest.raises(duckdb.ConstraintException):
            con.execute(f"INSERT INTO marts.{level} SELECT * FROM marts.{level} LIMIT 1")
        con.rollback()
        if LEVEL_HAS_STATUS[level]:  # the level has a status column
            con.begin()
            with pytest.raises(duckdb.ConstraintException, match="CHECK"):
                con.execute(f"UPDATE marts.{level} SET status = 'ukendt'")
            con.rollback()


def test_a_target_against_retning_from_a_data_baseline_stops_the_build(
    goal_build, tmp_path, monkeypatch
):
    """The ingest cannot check a baseline taken from the data; the build names the indicator.

    I9 measures forbrugsprocent_drift of 0110 upwards from its value in 2024-01 (22.5) to 20.
    A copy of the built warehouse gets I9, and the goal models are rebuilt on top of its KPIs.
    """
    _, built_warehouse = goal_build
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(built_warehouse)) as con:
        (database,) = con.execute("select current_database()").fetchone()
        con.execute(f"attach '{warehouse}' as faulty")
        con.execute(f"copy from database {database} to faulty")
        con.execute("detach faulty")
    add_maal_rows(
        warehouse,
        {
            "indikatorer": [
                {
                    "extraction_date": CATALOGUE_DATE,
                    "indikator_id": "I9",
                    "maal_id": "G1",
                    "navn": "Forbrugsprocent, forkert retning",
                    "kpi": "forbrugsprocent_drift",
                    "omkostningssted": "0110",
                    "retning": "op",
                    "frekvens": "maaned",
                    "baseline_periode": "2024-01",
                    "maal_periode": "2024-12",
                    "maal_vaerdi": 20.0,
                    "indfoert": CATALOGUE_DATE,
                }
            ]
        },
    )
    result = run_dbt(
        [
            "build",
            "--select",
            "path:models/intermediate/maal+,+indicator_baselines",
            "assert_indicator_targets_lie_in_their_retning",
            "--indirect-selection",
            "empty",
        ],
        warehouse,
        tmp_path,
        monkeypatch,
    )
    assert not result.success
    failed = [r for r in result.result if r.status in ("error", "fail")]
    assert [r.node.name for r in failed] == ["assert_indicator_targets_lie_in_their_retning"]
    assert "indikator I9" in failed[0].message
    assert "indikator I1" not in failed[0].message


def _mart_suites(con, marts):
    """{(mart, check): failed expectations} of the GX suites on the published marts given."""
    from dagster_project.defs.publish import primary_keys
    from dagster_project.defs.quality import published_mart_results
    from dagster_project.lib.dbt_manifest import published_contracts
    from expectations.pool import ValidationPool

    contracts = published_contracts()
    with ValidationPool() as pool:
        return {
            (mart, check): [
                (o.expectation, o.column)
                for result in results
                for o in result.outcomes
                if not o.passed
            ]
            for mart in marts
            for check, results in published_mart_results(
                con, pool, mart, contracts[mart], primary_keys()[mart]
            ).items()
        }


# A change to the marts and the expectation of the published-mart suites it must break.
MART_DEFECTS = [
    (
        "second root",
        "UPDATE marts.dim_organisation SET overordnet = NULL, er_rod = true "
        "WHERE omkostningssted = '0111'",
        ("dim_organisation", "gx_suite", "expect_column_values_to_be_between", "roots"),
    ),
    (
        "goal counts that do not add up",
        "UPDATE marts.goal_status SET antal_naaet = antal_naaet + 1",
        ("goal_status", "gx_suite", "expect_column_values_to_be_in_set", "counts_add_up_ok"),
    ),
    (
        "a level figure that is not kpi_values'",
        "CREATE OR REPLACE TABLE v AS SELECT * REPLACE (vaerdi + 1 AS vaerdi) "
        "FROM marts.virklis_noegletal; DROP TABLE marts.virklis_noegletal; "
        "CREATE TABLE marts.virklis_noegletal AS SELECT * FROM v",
        (
            "virklis_noegletal",
            "gx_suite",
            "expect_column_values_to_be_in_set",
            "same_as_kpi_values_ok",
        ),
    ),
    (
        "a column outside the contract",
        "ALTER TABLE marts.dim_kpi ADD COLUMN ekstra INTEGER",
        ("dim_kpi", "gx_schema", "expect_column_values_to_not_be_null", "contract_column"),
    ),
    (
        "a type other than the contract's",
        "ALTER TABLE marts.committee_status ALTER antal_maal TYPE BIGINT",
        (
            "committee_status",
            "gx_schema",
            "expect_column_pair_values_to_be_equal",
            "data_type,contract_type",
        ),
    ),
    (
        "a duplicated key",
        "CREATE OR REPLACE TABLE v AS SELECT * FROM marts.polis_indikatorer "
        "UNION ALL (SELECT * FROM marts.polis_indikatorer LIMIT 1); "
        "DROP TABLE marts.polis_indikatorer; "
        "CREATE TABLE marts.polis_indikatorer AS SELECT * FROM v",
        ("polis_indikatorer", "gx_suite", "expect_column_values_to_be_unique", "indikator_id"),
    ),
]


def test_published_mart_suites_pass_on_the_build_and_catch_each_defect(goal_build, tmp_path):
    import shutil

    _, warehouse = goal_build
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CHECKPOINT")  # the copy below must hold everything dbt wrote
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
            ).fetchall()
        }
    from dagster_project.lib.dbt_manifest import published_contracts

    marts = sorted(present & set(published_contracts()))
    assert {"goal_status", "polis_maal", "virklis_noegletal", "dim_organisation"} <= set(marts)
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        failures = _mart_suites(con, marts)
        assert not any(failures.values()), failures
        for why, sql, (mart, check, expectation, column) in MART_DEFECTS:
            con.execute("BEGIN")
            con.execute(sql)
            failed = _mart_suites(con, [mart])[(mart, check)]
            con.execute("ROLLBACK")
            assert (expectation, column) in failed, (why, failed)
