"""The GX suites run for real on frames read from DuckDB: they pass on good data and fail
on data that breaks them."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pytest

from dagster_project.lib import raw_validation
from expectations import marts, raw_sources
from expectations.runner import run_suite, validate


def _frame(sql: str) -> pd.DataFrame:
    return duckdb.sql(sql).df()


LINEAGE = "'f.csv' AS _file_name, 'abc' AS _file_sha256, 2 AS _line_number"


def test_posteringer_suite_passes_and_catches_a_posting_outside_its_month():
    good = _frame(
        "SELECT '2025-01' AS regnskabsmaaned, 'B1' AS bilagsnr, DATE '2025-01-06' AS "
        "posteringsdato, '0111' AS omkostningssted, '5.25.11' AS funktion, '1' AS dranst, "
        f"100.5::DECIMAL(18,2) AS beloeb, '2025-01' AS posteringsmaaned, {LINEAGE}"
    )
    assert all(o.passed for o in validate(good, "posteringer", raw_sources.posteringer))
    bad = good.assign(posteringsmaaned="2025-02", funktion="52511")
    failed = {
        o.expectation for o in validate(bad, "posteringer", raw_sources.posteringer) if not o.passed
    }
    assert failed == {
        "expect_column_pair_values_to_be_equal",
        "expect_column_values_to_match_regex",
    }


# Survey answers as the warehouse's frames give them, from `(runde, besvarelse_id,
# omkostningssted, spoergsmaal_id, score, file, sha, line)` rows.
ANSWERS = (
    "SELECT * FROM (VALUES {}) v(runde, besvarelse_id, omkostningssted, spoergsmaal_id, "
    "score, _file_name, _file_sha256, _line_number)"
)
WHERE = ("_file_name", "_line_number")


def test_besvarelser_suite_takes_scores_1_to_5_and_unanswered_and_names_the_line_of_others():
    rows = ", ".join(
        f"('2025-03', 'R{i}', '0111', 'Q1', {score}, 'f.csv', 'abc', {i + 2})"
        for i, score in enumerate([1, 2, 3, 4, 5, "NULL"])
    )
    good = _frame(ANSWERS.format(rows))
    # A nullable integer column, as the warehouse's frames give it.
    assert str(good["score"].dtype) == "Int32"
    assert run_suite(good, "raw.besvarelser", raw_sources.besvarelser).passed
    bad = _frame(ANSWERS.format(rows + ", ('2025-03', 'R9', '0111', 'Q1', 6, 'f.csv', 'abc', 11)"))
    result = run_suite(bad, "raw.besvarelser", raw_sources.besvarelser, "f.csv", WHERE)
    [failed] = [o for o in result.outcomes if not o.passed]
    assert (failed.column, failed.expectation) == ("score", "expect_column_values_to_be_in_set")
    assert json.loads(failed.observed)["partial_unexpected_list"] == [
        {"score": "6", "_file_name": "f.csv", "_line_number": "11"}
    ]


def test_a_failing_batch_places_each_unexpected_value_by_file_and_line():
    """A batch is validated first without places (BASIC); one that fails is validated again
    with them, so its outcome and its Data Docs name the file and line of each value."""
    rows = "('2025-03', 'R1', '0111', 'Q1', 4, 'f.csv', 'abc', 2)"
    good = run_suite(
        _frame(ANSWERS.format(rows)), "raw.besvarelser", raw_sources.besvarelser, "f.csv", WHERE
    )
    assert good.passed
    bad_rows = rows + ", ('2025-03', 'R2', '0111', 'Q1', 0, 'f.csv', 'abc', 3)"
    bad = run_suite(
        _frame(ANSWERS.format(bad_rows)), "raw.besvarelser", raw_sources.besvarelser, "f.csv", WHERE
    )
    [failed] = [o for o in bad.outcomes if not o.passed]
    assert json.loads(failed.observed)["partial_unexpected_list"] == [
        {"score": "0", "_file_name": "f.csv", "_line_number": "3"}
    ]
    # The result document GX renders into Data Docs places it too.
    [document] = [r for r in bad.result_document["results"] if not r["success"]]
    assert document["result"]["partial_unexpected_index_list"] == [
        {"score": 0, "_file_name": "f.csv", "_line_number": 3}
    ]


def test_ansaettelser_suite_checks_pseudonyms_and_dates():
    good = _frame(
        "SELECT '0000001' AS ansaettelsesnr, repeat('a', 64) AS person_id, 'MDR' AS loenform, "
        "'N' AS elev, 0.8919 AS beskaeftigelsesgrad, DATE '2020-01-01' AS startdato, "
        f"NULL::DATE AS slutdato, {LINEAGE}"
    )
    assert all(o.passed for o in validate(good, "ansaettelser", raw_sources.ansaettelser))
    bad = good.assign(person_id="010185-1234", slutdato=pd.Timestamp("2019-01-01"))
    outcomes = validate(bad, "ansaettelser", raw_sources.ansaettelser)
    assert sorted(o.column for o in outcomes if not o.passed) == ["person_id", "slutdato,startdato"]


@pytest.mark.parametrize(
    ("vaerdi", "taeller", "undertrykt", "passes"),
    [
        (5.0, 5.0, False, True),
        (None, None, True, True),
        (5.0, 5.0, True, False),
        (None, None, False, False),
        (101.0, 101.0, False, False),
    ],
)
def test_kpi_values_suite_on_suppression_and_bounds(vaerdi, taeller, undertrykt, passes):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.kpi_values AS SELECT 'sygefravaer_pct' AS kpi_id, '0100' AS "
        "omkostningssted, '2025-01' AS periode, 'maaned' AS periodetype, ?::DOUBLE AS vaerdi, "
        "?::DOUBLE AS taeller, NULL::DOUBLE AS naevner, ? AS undertrykt",
        [vaerdi, taeller, undertrykt],
    )
    frame = con.execute(marts.kpi_frame_query()).df()
    outcomes = validate(
        frame, "kpi_values", lambda f: marts.kpi_values(f, ["sygefravaer_pct"], ["0100"])
    )
    assert all(o.passed for o in outcomes) is passes


@pytest.mark.parametrize("suite", raw_validation.SUITE_TABLES)
def test_every_raw_suite_builds_on_an_empty_frame_of_its_columns(suite):
    # Column names as the raw tables have them; a suite naming a missing column fails here.
    from dagster_project.defs.ingest.assets import ALL_SPECS

    specs = {t.table: t for spec in ALL_SPECS for t in (spec.sheets or (spec,))}
    columns = [name for name, _ in specs[suite].raw_columns()]
    # And the columns the check adds to its query (a posting's month).
    columns += re.findall(r"AS (\w+)", raw_validation.EXTRA_COLUMNS.get(suite, ""))
    frame = pd.DataFrame({name: pd.Series([], dtype="object") for name in columns})
    outcomes = validate(frame, suite, getattr(raw_sources, suite))
    assert outcomes and not [o for o in outcomes if "exception" in o.observed]


def test_data_docs_site_shows_each_validation_and_its_suite(tmp_path):
    from datetime import datetime

    from expectations.runner import StoredValidation, build_data_docs, run_suite

    bad = _frame(
        "SELECT '2025-01' AS regnskabsmaaned, 'B1' AS bilagsnr, DATE '2025-02-03' AS "
        "posteringsdato, '0111' AS omkostningssted, '5.25.11' AS funktion, '1' AS dranst, "
        f"100.5::DECIMAL(18,2) AS beloeb, '2025-02' AS posteringsmaaned, {LINEAGE}"
    )
    result = run_suite(
        bad, "raw.posteringer", raw_sources.posteringer, batch="posteringer_202501.csv"
    )
    assert result.rows == 1
    assert [o.expectation for o in result.outcomes if not o.passed] == [
        "expect_column_pair_values_to_be_equal"
    ]
    stored = StoredValidation(
        "run-1",
        datetime(2025, 2, 5, 6, 0),
        result.suite,
        result.batch,
        result.result_document,
        result.suite_document,
    )
    site = tmp_path / "gx"
    (site / "stale.html").parent.mkdir()
    (site / "stale.html").write_text("from an earlier run")
    index = build_data_docs([stored], site)
    assert index == site / "index.html"
    assert "raw.posteringer" in index.read_text(encoding="utf-8")
    [page] = (site / "validations" / "raw" / "posteringer" / "run-1").rglob("*.html")
    assert page.name == "posteringer_202501.csv.html"
    assert "Failed" in page.read_text(encoding="utf-8")
    assert (site / "expectations" / "raw" / "posteringer.html").exists()
    assert not (site / "stale.html").exists()  # the site is replaced whole


def test_kpi_values_coverage_wants_a_row_for_every_node_above_a_posting():
    from expectations.runner import run_suite

    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA raw")
    con.execute(
        "CREATE TABLE marts.dim_organisation AS SELECT * FROM (VALUES "
        "('0100', NULL), ('0110', '0100'), ('0111', '0110'), ('0120', '0100')) "
        "t(omkostningssted, overordnet)"
    )
    con.execute(
        "CREATE TABLE raw.posteringer AS SELECT * FROM (VALUES "
        "('0111', '1', '2025-01'), ('0120', '3', '2025-01')) t(omkostningssted, dranst, "
        "regnskabsmaaned)"
    )
    con.execute(
        "CREATE TABLE marts.kpi_values AS SELECT 'forbrug_drift' AS kpi_id, node AS "
        "omkostningssted, '2025-01' AS periode, 'maaned' AS periodetype "
        "FROM (VALUES ('0100'), ('0110'), ('0111')) t(node)"
    )

    def failed():
        frame = con.execute(marts.COVERAGE_QUERY).df()
        result = run_suite(frame, "coverage", marts.coverage, index_columns=("omkostningssted",))
        return [o.observed for o in result.outcomes if not o.passed]

    # 0120 booked only anlæg (dranst 3): no drift row is wanted there.
    assert failed() == []
    con.execute("DELETE FROM marts.kpi_values WHERE omkostningssted = '0110'")
    [observed] = failed()
    assert '"omkostningssted": "0110"' in observed


def test_dim_organisation_levels_above_follow_the_tree():
    """A node's kommune, area and centre are its own or its parent's; one that skips its
    parent's area (or loses it) breaks the tree and blocks."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.dim_organisation AS SELECT omkostningssted, overordnet, niveau, "
        "dybde, er_rod, er_blad, kommune_omkostningssted, omraade_omkostningssted, "
        "center_omkostningssted FROM (VALUES "
        "('R', NULL, 'kommune', 0, true, false, 'R', NULL, NULL), "
        "('A', 'R', 'omraade', 1, false, false, 'R', 'A', NULL), "
        "('AC', 'A', 'center', 2, false, false, 'R', 'A', 'AC'), "
        "('AC1', 'AC', 'enhed', 3, false, true, 'R', 'A', 'AC'), "
        "('U', 'R', 'enhed', 1, false, true, 'R', NULL, NULL)) "
        "t(omkostningssted, overordnet, niveau, dybde, er_rod, er_blad, "
        "kommune_omkostningssted, omraade_omkostningssted, center_omkostningssted)"
    )

    def failed():
        frame = con.execute(marts.DIM_ORGANISATION_QUERY).df()
        result = run_suite(
            frame,
            "dim_organisation",
            lambda f: marts.mart_suite(f, "dim_organisation", ("omkostningssted",)),
            index_columns=("omkostningssted",),
        )
        return [o.observed for o in result.outcomes if not o.passed]

    assert failed() == []
    con.execute(
        "UPDATE marts.dim_organisation SET omraade_omkostningssted = NULL "
        "WHERE omkostningssted = 'AC1'"
    )
    [observed] = failed()
    assert '"omkostningssted": "AC1"' in observed


@pytest.mark.parametrize(
    ("kpi_id", "severity"),
    [("svarprocent", "WARN"), ("sygefravaer_pct", "ERROR")],
)
def test_a_plausibility_rule_warns_where_a_contract_invariant_blocks(kpi_id, severity):
    """More respondents than invited (svarprocent above 100) is an invitation file out of
    step: a warning. Sick leave above 100 % breaks the definition: it blocks. The check's
    Dagster severity follows, so only the second stops the publication."""
    import dagster as dg

    from dagster_project.defs.quality import _result
    from expectations.runner import BLOCKING, WARNING

    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.kpi_values AS SELECT ? AS kpi_id, '0100' AS omkostningssted, "
        "'2025-03' AS periode, 'maaned' AS periodetype, 120.0::DOUBLE AS vaerdi, "
        "120.0::DOUBLE AS taeller, 100.0::DOUBLE AS naevner, false AS undertrykt",
        [kpi_id],
    )
    frame = con.execute(marts.kpi_frame_query()).df()
    result = run_suite(
        frame,
        "kpi_values",
        lambda f: marts.kpi_values(f, [kpi_id], ["0100"]),
        index_columns=("kpi_id", "omkostningssted", "periode"),
    )
    [failed] = [o for o in result.outcomes if not o.passed]
    assert failed.severity == (WARNING if severity == "WARN" else BLOCKING)
    # The failing value is named with its KPI, node and period.
    assert json.loads(failed.observed)["partial_unexpected_list"][0]["periode"] == "2025-03"
    check = _result([result], asset_key=dg.AssetKey(["marts", "kpi_values"]))
    assert not check.passed
    assert check.severity == getattr(dg.AssetCheckSeverity, severity)


def test_a_dbt_warning_keeps_the_rows_it_found():
    """A dbt test of severity warn that finds rows is stored as a failed warning with its
    first rows, read again from its compiled SQL; a passing test keeps only its status."""
    from dagster_project.defs.transform import _observed

    con = duckdb.connect()
    found = _observed(
        con,
        {
            "status": "warn",
            "failures": 1,
            "compiled_code": "select '0111' as omkostningssted, '2025-03' as runde, 7 as n",
        },
    )
    assert found.startswith("warn; failing rows: 1; ")
    assert json.loads(found.split("; ", 2)[2]) == [
        {"omkostningssted": "0111", "runde": "2025-03", "n": 7}
    ]
    assert _observed(con, {"status": "pass", "failures": 0, "compiled_code": "x"}) == (
        "pass; failing rows: 0"
    )


def test_gx_fingerprints_a_frame_only_when_asked(monkeypatch):
    """The one reach into GX (expectations/runner.py, _skip_frame_fingerprint): by default
    a batch is validated without GX hashing every cell; MAALBAR_GX_FINGERPRINT=1 keeps GX's
    stock fingerprint. The outcomes are the same either way."""
    from great_expectations.execution_engine import pandas_execution_engine

    monkeypatch.setattr(pandas_execution_engine, "HASH_THRESHOLD", 1e9)  # GX's own value
    frame = pd.DataFrame({"x": [1, 2, None]})

    def validated():
        result = run_suite(frame, "fingerprint", _not_null_x, "b")
        markers = result.result_document["meta"]["batch_markers"]
        return "pandas_data_fingerprint" in markers, [o.passed for o in result.outcomes]

    monkeypatch.setenv("MAALBAR_GX_FINGERPRINT", "1")
    stock = validated()
    monkeypatch.delenv("MAALBAR_GX_FINGERPRINT")
    skipped = validated()
    assert stock == (True, [False])
    assert skipped == (False, [False])


def _not_null_x(frame):
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column="x")]
