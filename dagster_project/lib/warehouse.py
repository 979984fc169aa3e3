"""Connections to the working warehouse.

Outside a run, each connection opens the file and closes it. A run holds the warehouse open
from its first step to its publication (`held_open`): each step's connection is then a
cursor of that one DuckDB database, and dbt, which runs in the same process and asks DuckDB
for the same file with the same configuration, is given the same database too. Opening the
file costs some 20-30 ms (its catalogue is read) and closing it a checkpoint; a run has some
40 steps that connect. DuckDB allows one writing process, and the run's process is it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import duckdb

from dagster_project.lib.config import Settings

_held: dict[str, duckdb.DuckDBPyConnection] = {}  # warehouse path -> the run's database
_holding = threading.Lock()

# The size of write-ahead log at which DuckDB checkpoints the held warehouse while the run's
# files load (DuckDB's own: 16 MiB). The ingest commits file by file, each file with its
# ledger row; at 16 MiB some commits checkpointed, and each checkpoint rewrote the tables'
# last, partly filled row groups again: 45 months of postings at M committed in 1.94 s, at
# 256 MiB in 0.70-0.73 s, plus 0.38-0.65 s for the one checkpoint after (`checkpoint_held`).
# Committed rows are as durable either way (the log is synced at each commit); the log of a
# killed run is replayed when the file next opens.
LOADING_CHECKPOINT_THRESHOLD = "256MiB"


@contextmanager
def connect(settings: Settings, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, closed when the block ends. While a run holds the
    warehouse open, a cursor of the held database (read_only is then not enforced: the run's
    process is the warehouse's one writer either way)."""
    con = _held_cursor(settings)
    if con is None:
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def _held_cursor(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    with _holding:
        held = _held.get(str(settings.warehouse_path))
        return held.cursor() if held is not None else None


@contextmanager
def held_open(settings: Settings) -> Iterator[None]:
    """Hold the warehouse open until the block ends or `release` is called: every `connect`
    meanwhile is a cursor of one database."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    # A setting of the database, not of the connection: every cursor has it.
    con.execute(f"SET checkpoint_threshold = '{LOADING_CHECKPOINT_THRESHOLD}'")
    with _holding:
        _held[str(settings.warehouse_path)] = con
    try:
        yield
    finally:
        release(settings)


def checkpoint_held(settings: Settings) -> None:
    """Write what the held warehouse has committed into the file itself (a DuckDB
    CHECKPOINT), and from here checkpoint at DuckDB's own threshold again: the loading is
    over (dbt's models after it gained nothing from the larger one). Without a held
    warehouse, nothing: each connection's close did it."""
    con = _held_cursor(settings)
    if con is not None:
        try:
            con.execute("CHECKPOINT")
            con.execute("RESET checkpoint_threshold")
        finally:
            con.close()


def release(settings: Settings) -> None:
    """Close the held warehouse (DuckDB checkpoints it: every committed change is then in the
    file itself), so that another DuckDB database can attach the file, as the publication's
    does. Connections after it open the file again. Without a held warehouse, nothing."""
    with _holding:
        con = _held.pop(str(settings.warehouse_path), None)
    if con is not None:
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
