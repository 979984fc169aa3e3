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


def test_a_held_warehouse_is_one_database_until_it_is_released(tmp_path):
    from dagster_project.lib.config import Settings

    settings = Settings(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing")
    path = str(settings.warehouse_path)
    with warehouse.held_open(settings):
        with warehouse.connect(settings) as con:
            con.execute("CREATE TABLE kept AS SELECT 1 AS n")
        with warehouse.connect(settings, read_only=True) as con:
            assert con.execute("SELECT n FROM kept").fetchall() == [(1,)]
        # dbt-duckdb asks DuckDB for the file as this: it is given the held database.
        dbt_like = duckdb.connect(path, read_only=False, config={})
        dbt_like.execute("INSERT INTO kept VALUES (2)")
        dbt_like.close()
        # Another database of the file cannot open while the run holds it.
        with pytest.raises(duckdb.Error):
            duckdb.connect(path, read_only=True)
        warehouse.release(settings)
        # Released: the file opens on its own, with every committed row in it.
        other = duckdb.connect(":memory:")
        other.execute(f"ATTACH '{path}' AS wh (READ_ONLY)")
        assert other.execute("SELECT n FROM wh.kept ORDER BY n").fetchall() == [(1,), (2,)]
        other.close()
        with (
            warehouse.connect(settings, read_only=True) as con,
            pytest.raises(duckdb.Error, match="read-only"),
        ):
            con.execute("INSERT INTO kept VALUES (3)")
    # The block's end after a release closes nothing twice.
    with warehouse.connect(settings) as con:
        assert con.execute("SELECT count(*) FROM kept").fetchone() == (2,)


def test_a_held_warehouse_is_closed_when_its_block_ends_with_an_error(tmp_path):
    from dagster_project.lib.config import Settings

    settings = Settings(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing")
    with pytest.raises(RuntimeError), warehouse.held_open(settings):
        with warehouse.connect(settings) as con:
            con.execute("CREATE TABLE kept AS SELECT 1 AS n")
        raise RuntimeError("a step failed")
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert reader.execute("SELECT n FROM kept").fetchall() == [(1,)]
    reader.close()


def test_a_checkpoint_writes_the_held_warehouse_into_its_file_and_opens_nothing(tmp_path):
    from pathlib import Path

    from dagster_project.lib.config import Settings

    settings = Settings(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing")
    warehouse.checkpoint_held(settings)  # nothing held: no file is opened, none made
    assert not settings.warehouse_path.exists()
    wal = Path(f"{settings.warehouse_path}.wal")
    with warehouse.held_open(settings):
        with warehouse.connect(settings) as con:
            con.execute("CREATE TABLE kept AS SELECT range AS n FROM range(1000)")
        assert wal.exists() and wal.stat().st_size > 0
        warehouse.checkpoint_held(settings)
        assert not wal.exists() or wal.stat().st_size == 0


def test_a_held_warehouse_checkpoints_at_a_larger_log_until_the_loading_is_over(tmp_path):
    """File-by-file commits while the run's files load leave their rows in the write-ahead
    log up to LOADING_CHECKPOINT_THRESHOLD; after `checkpoint_held` (before dbt) DuckDB's own
    16 MiB applies again."""
    from pathlib import Path

    from dagster_project.lib.config import Settings

    settings = Settings(data_dir=tmp_path / "data", landing_dir=tmp_path / "landing")
    wal = Path(f"{settings.warehouse_path}.wal")

    def commit_files(con, first: int, count: int) -> list[int]:
        """Log sizes after each of count commits of 50,000 rows (some 2 MB of log each)."""
        sizes = []
        for month in range(first, first + count):
            con.execute(
                "INSERT INTO postings SELECT range, md5(range::VARCHAR) "
                f"FROM range({month * 50_000}, {(month + 1) * 50_000})"
            )
            sizes.append(wal.stat().st_size if wal.exists() else 0)
        return sizes

    mib = 1024 * 1024
    with warehouse.held_open(settings):
        with warehouse.connect(settings) as con:
            con.execute("CREATE TABLE postings (n BIGINT, h VARCHAR)")
            loading = commit_files(con, 0, 12)
        # Never checkpointed while loading: the log only grew, past DuckDB's 16 MiB.
        assert loading == sorted(loading) and loading[-1] > 20 * mib
        warehouse.checkpoint_held(settings)
        assert not wal.exists() or wal.stat().st_size == 0
        with warehouse.connect(settings) as con:
            after = commit_files(con, 12, 12)
            assert con.execute("SELECT count(*) FROM postings").fetchone() == (24 * 50_000,)
        # Checkpointed again at DuckDB's own threshold.
        assert max(after) < 20 * mib and after != sorted(after)
