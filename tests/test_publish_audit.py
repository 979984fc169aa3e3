"""The publication's refusal of text that looks like CPR numbers (defs/publish.py)."""

import duckdb
import pytest

from dagster_project.defs import publish


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta")
    con.execute(
        "CREATE TABLE marts.notes AS SELECT * FROM (VALUES "
        "('case 010190-1234 closed', 'a', 'x'), "  # a CPR number with its hyphen
        "('0101901234', NULL, 'x'), "  # and without
        "('ref 320190-1234', 'b', 'x'), "  # day 32: not a date
        "('id A010190-1234', 'c', 'x')"  # part of a longer token
        ") v(text, other, third)"
    )
    con.execute("CREATE TABLE meta.log AS SELECT 'run 1 of 2' AS message, 42 AS n")
    con.execute("CREATE TABLE marts.people AS SELECT '150575-4321 and 150575-4322' AS who")
    return con


def test_each_text_column_holding_cpr_shaped_dates_is_named_with_its_count(con):
    assert publish._cpr_findings(con) == [
        "marts.notes.text holds 2 value(s) that look like CPR",
        "marts.people.who holds 2 value(s) that look like CPR",
    ]


def test_no_finding_without_a_cpr_shaped_value(con):
    con.execute("DROP TABLE marts.people")
    con.execute("UPDATE marts.notes SET text = 'nothing here'")
    assert publish._cpr_findings(con) == []


def _contracted_candidate() -> duckdb.DuckDBPyConnection:
    """An empty candidate with every published mart as its dbt contract declares it."""
    from dagster_project.lib.dbt_manifest import ensure_manifest, published_contracts

    ensure_manifest()
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta")
    for mart, contract in published_contracts().items():
        columns = ", ".join(f"{column} {data_type}" for column, data_type in contract)
        con.execute(f"CREATE TABLE marts.{mart} ({columns})")
    return con


def test_the_audit_holds_every_published_mart_to_its_contract():
    """The columns and types the audit asks for are the dbt contracts' (published_contracts),
    for every published mart: a changed type or a missing column refuses the candidate."""
    con = _contracted_candidate()
    publish.audit(con)
    con.execute("ALTER TABLE marts.stralis_omraader ALTER antal_aktive_maal TYPE BIGINT")
    con.execute("ALTER TABLE marts.dim_kpi DROP COLUMN retning")
    with pytest.raises(publish.PublicationRefused) as refused:
        publish.audit(con)
    assert str(refused.value) == (
        "marts.dim_kpi.retning must be VARCHAR, is None; "
        "marts.stralis_omraader.antal_aktive_maal must be INTEGER, is BIGINT"
    )
