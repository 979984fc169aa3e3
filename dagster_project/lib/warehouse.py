"""Connections to the working warehouse.

Each connection opens the file and closes it (DuckDB then checkpoints what was committed
into the file). DuckDB allows one writing process: `maalbar run` takes a lock on the data
folder (lib/runner.py), and the run's steps connect one after another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import duckdb

from dagster_project.lib.config import Settings


@contextmanager
def connect(settings: Settings, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, closed when the block ends."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? AND column_name = ?",
            [schema, table, column],
        ).fetchall()[0][0]
    )


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    computed: Mapping[str, str] | None = None,
) -> None:
    """Python rows inserted in one statement, each column passed as one list (DuckDB's
    `executemany` executes its statement once per row, some 2 ms each); the table's own
    column types apply. columns: the column of each value of a row; computed: further
    columns as SQL expressions."""
    if not rows:
        return
    computed = computed or {}
    names = [*columns, *computed]
    values = [f"unnest(${i})" for i in range(1, len(columns) + 1)] + list(computed.values())
    con.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)}",
        [list(column) for column in zip(*rows, strict=True)],
    )


def frame(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    """The rows of query as a pandas frame, through Arrow: strings stay in Arrow buffers
    (pandas' Arrow-backed `str` dtype) instead of becoming Python objects first, which made
    DuckDB's own `.df()` spend some 3 s per million postings. The frame equals the one
    `.df()` gives, dtypes included (see `arrow` and `to_frame`)."""
    return to_frame(arrow(con, query, params))


def arrow(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    """The rows of query as an Arrow table, typed as DuckDB's `.df()` types them: DECIMAL
    and HUGEINT become DOUBLE and DATE becomes TIMESTAMP. What a GX worker receives."""
    relation = con.sql(query, params=params or None)
    casts = {"DECIMAL": "DOUBLE", "HUGEINT": "DOUBLE", "UHUGEINT": "DOUBLE", "DATE": "TIMESTAMP"}
    columns = []
    for name, kind in zip(relation.columns, relation.types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        cast = casts.get(str(kind).split("(")[0])
        columns.append(f"CAST({quoted} AS {cast}) AS {quoted}" if cast else quoted)
    return relation.project(", ".join(columns)).to_arrow_table()


def to_frame(table):
    """An Arrow table from `arrow` as the pandas frame `.df()` gives: integer and boolean
    columns holding NULL get pandas' nullable dtypes, and a text column without a value is
    an object column of None."""
    import pandas as pd
    import pyarrow as pa

    result = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_string(kind) and column.null_count == len(column):
            result[name] = pd.Series([None] * len(column), dtype=object, index=result.index)
        elif column.null_count and pa.types.is_boolean(kind):
            result[name] = column.to_pandas(types_mapper={kind: pd.BooleanDtype()}.get)
        elif column.null_count and pa.types.is_integer(kind):
            masked = str(kind).replace("uint", "UInt").replace("int", "Int")  # int32 -> Int32
            result[name] = column.to_pandas(
                types_mapper={kind: pd.api.types.pandas_dtype(masked)}.get
            )
    return result
