"""The Dagster run history of `maalbar run`: one SQLite event-log database, written cheaply.

Dagster's `ConsolidatedSqliteEventLogStorage` builds a new SQLAlchemy engine and opens a new
SQLite connection for every event it stores (`NullPool`), and SQLite syncs the disk on every
commit. A run stores some 1,600 events (three per dbt model and test), and that cost about
17 ms each on the reference machine. This storage keeps one engine with a connection pool per
process and sets `synchronous=NORMAL`, which SQLite recommends with its write-ahead log (the
mode Dagster creates the database in): the database cannot be corrupted by a crash, and a
power cut can lose only the last events written, never the warehouse's ledger, which lives in
DuckDB. About 3 ms per event.

Dagster also asks, for every asset check result and every materialisation with tags, whether
a table of the event log exists, each time through a new engine and connection (about 1 ms);
here the pooled engine answers, and a table found is remembered: the schema only grows (by
Dagster's migrations), so a table found stays.

`dagster_project.cli` writes the `dagster.yaml` that selects it; `dagster dev` with the same
`DAGSTER_HOME` reads the same database.
"""

import os
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS


class PooledSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    """`ConsolidatedSqliteEventLogStorage` with one pooled engine per process."""

    _engine: db.engine.Engine | None = None
    _engine_pid: int | None = None
    _tables_found: set[str] | None = None

    def _pooled_engine(self) -> db.engine.Engine:
        # A pool must not cross a fork: a child process builds its own.
        if self._engine is None or self._engine_pid != os.getpid():
            engine = db.create_engine(
                self._conn_string, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
            )

            @db.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record):
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

            self._engine, self._engine_pid = engine, os.getpid()
        return self._engine

    def has_table(self, table_name: str) -> bool:
        if self._tables_found is None:
            self._tables_found = set()
        if table_name in self._tables_found:
            return True
        with self._pooled_engine().connect() as conn:
            exists = bool(conn.dialect.has_table(conn, table_name))
        if exists:
            self._tables_found.add(table_name)
        return exists

    @contextmanager
    def _connect(self):
        with self._pooled_engine().connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        if self._engine is not None and self._engine_pid == os.getpid():
            self._engine.dispose()
        self._engine = None
