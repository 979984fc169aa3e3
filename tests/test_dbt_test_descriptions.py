"""The descriptions of dbt tests as Dagster asset checks (lib/dbt_test_descriptions.py)."""

from __future__ import annotations

from dagster_project.lib.dbt_test_descriptions import describe_test

MANIFEST = {
    "nodes": {"model.maalbar.stg_x": {"name": "stg_x"}},
    "sources": {"source.maalbar.raw.organisation": {"name": "organisation"}},
}


def _generic(name: str, description: str = "", config: dict | None = None, **kwargs) -> dict:
    return {
        "description": description,
        "attached_node": "model.maalbar.stg_x",
        "config": config or {"severity": "ERROR"},
        "test_metadata": {
            "name": name,
            "kwargs": {"model": "{{ get_where_subquery(ref('stg_x')) }}", **kwargs},
        },
    }


def test_the_tests_own_description_wins():
    test = _generic("not_null", description="  Every row has its key.  ", column_name="a")
    assert describe_test(test, MANIFEST) == "Every row has its key."
    test = _generic("not_null", config={"meta": {"description": "From meta."}}, column_name="a")
    assert describe_test(test, MANIFEST) == "From meta."


def test_generic_tests_are_described_from_their_arguments():
    assert (
        describe_test(_generic("not_null_columns", columns=["a", "b"]), MANIFEST)
        == "not_null_columns on stg_x: columns a, b must have a value"
    )
    assert (
        describe_test(_generic("accepted_values", column_name="c", values=["x", 1]), MANIFEST)
        == "accepted_values on stg_x: column c in {x, 1}"
    )
    assert (
        describe_test(
            _generic("unique_combination_of_columns", combination_of_columns=["a", "b"]), MANIFEST
        )
        == "unique_combination_of_columns on stg_x: no two rows share (a, b)"
    )
    assert (
        describe_test(
            _generic("relationships", column_name="kpi_id", to="ref('dim_kpi')", field="id"),
            MANIFEST,
        )
        == "relationships on stg_x: every kpi_id is found in dim_kpi.id"
    )
    # A test the module has no sentence for still names its arguments.
    assert (
        describe_test(_generic("expect_between", column_name="v", min_value=0), MANIFEST)
        == "expect_between on stg_x: column_name v, min_value 0"
    )


def test_a_source_test_names_the_source_table():
    test = _generic("unique", column_name="omkostningssted")
    test["attached_node"] = "source.maalbar.raw.organisation"
    assert describe_test(test, MANIFEST) == (
        "unique on organisation: no two rows share a value of column omkostningssted"
    )
    # Without an attached node, the relation in the test's arguments.
    test["attached_node"] = None
    assert describe_test(test, MANIFEST).startswith("unique on stg_x:")


def test_where_and_warning_severity_are_said():
    test = _generic(
        "not_null", config={"severity": "warn", "where": "aar >= 2024"}, column_name="a"
    )
    assert describe_test(test, MANIFEST) == (
        "not_null on stg_x: column a must have a value (rows where aar >= 2024)."
        " Warns only: the run still publishes."
    )


def test_a_singular_test_is_described_by_its_opening_comment():
    sql = (
        "{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'x'}}}) }}\n\n"
        "-- A cost centre cannot have more respondents\n"
        "-- than it invited.\n"
        "select 1\n"
        "-- a later comment is not part of it\n"
    )
    test = {"description": "", "config": {"severity": "warn"}, "raw_code": sql}
    assert describe_test(test, MANIFEST) == (
        "A cost centre cannot have more respondents than it invited."
        " Warns only: the run still publishes."
    )
    # No comment and no description: nothing to show, and the definitions test says so.
    assert describe_test({"description": "", "config": {}, "raw_code": "select 1"}, {}) is None
