"""Frames for the GX suites: read through Arrow, equal to what DuckDB's `.df()` gives."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dagster_project.lib import warehouse

ROWS = """
CREATE TABLE t AS SELECT * FROM (VALUES
    ('a', 1.25::DECIMAL(18, 2), DATE '2025-01-31', 1, TRUE, NULL::VARCHAR, 10::HUGEINT),
    ('b', NULL, NULL, NULL, NULL, NULL, NULL),
    (NULL, -3.10::DECIMAL(18, 2), DATE '2024-12-01', 3, FALSE, NULL, 2::HUGEINT)
) v(text, amount, day, count_with_null, flag_with_null, never_set, big)
"""


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute(ROWS)
    con.execute("CREATE TABLE full_ints AS SELECT range::INTEGER AS n FROM range(5)")
    yield con
    con.close()


@pytest.mark.parametrize(
    "query, params",
    [
        ("SELECT * FROM t", None),
        ("SELECT * FROM t WHERE text = ?", ["a"]),
        ("SELECT * FROM t WHERE false", None),
        ("SELECT n, n * 2 AS doubled FROM full_ints", None),
        ('SELECT text AS "odd ""name""" FROM t', None),
    ],
)
def test_frame_equals_duckdb_df_with_its_dtypes(con, query, params):
    expected = con.execute(query, params or []).df()
    got = warehouse.frame(con, query, params)
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.dtypes) == list(expected.dtypes)


def test_frame_keeps_text_in_arrow_buffers(con):
    got = warehouse.frame(con, "SELECT * FROM t")
    assert got["text"].dtype == pd.StringDtype("pyarrow", na_value=float("nan"))
    assert got["amount"].dtype == "float64"
    assert str(got["count_with_null"].dtype) == "Int32"
    assert str(got["flag_with_null"].dtype) == "boolean"
    assert got["never_set"].dtype == object and got["never_set"].isna().all()
