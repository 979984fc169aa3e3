"""The raw tables' GX suites, validated in batches of whole files while the files load.

A raw table is validated on the rows no publication was built from yet: those the current
run loaded, and those of runs since the last publication, which stopped before publishing
(perhaps at this very check: a failed suite fails again until the file is replaced). Rows
published earlier passed when they came. Batches are whole files of at most BATCH_ROWS
rows (a larger file alone): GX's cost per validation is paid per batch, and memory stays
bounded by the batch. The ingest step hands each batch to the run's GX workers
(`expectations.pool`) as soon as its files are committed (`Batcher`), so it is validated
while the next files load; the batches wait in the run's `PendingBatches` (held by the
Dagster resource `gx`), and the table's check step collects the results (`collect`). The
rows loaded when the check runs decide: a batch whose files lost rows since (a later file
of the same run replaced them) is validated again on the rows as they are, and files no
batch covered (an earlier run's, or a check run apart from its ingest) are validated then.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dagster_project.lib import warehouse

# Rows per GX validation of a raw table: large enough that GX's fixed cost per validation
# disappears, small enough that a batch's frame stays a few hundred MiB at scale L.
BATCH_ROWS = 1_000_000

# Columns a suite needs beyond the raw table's own.
EXTRA_COLUMNS = {"posteringer": ", strftime(posteringsdato, '%Y-%m') AS posteringsmaaned"}

INDEX_COLUMNS = ("_file_name", "_line_number")

# The raw tables with a suite in expectations/raw_sources.py, one blocking check each.
SUITE_TABLES = (
    "organisation",
    "budget",
    "posteringer",
    "befolkning",
    "aktivitet",
    "ansaettelser",
    "fravaer",
    "udvalg",
    "maal",
    "indikatorer",
    "indikatorvaerdier",
    "spoergsmaal",
    "besvarelser",
    "inviterede",
    "forslag",
    "benchmark",
    "ledere",
)

File = tuple[str, str, int]  # (SHA-256, file name, rows in the raw table)


@dataclass(frozen=True)
class Batch:
    files: tuple[File, ...]
    future: object  # concurrent.futures.Future of an expectations.runner.SuiteResult


def file_batches(files: list[File], limit: int) -> list[list[File]]:
    """Consecutive whole files, each batch at most limit rows (a larger file alone)."""
    batches, current, rows = [], [], 0
    for file in files:
        if current and rows + file[2] > limit:
            batches.append(current)
            current, rows = [], 0
        current.append(file)
        rows += file[2]
    if current:
        batches.append(current)
    return batches


def batch_label(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]} to {names[-1]} ({len(names)} files)"


def suite_build(table: str):
    from expectations import raw_sources

    return getattr(raw_sources, table)


def submit(con, pool, table: str, files: list[File]) -> Batch:
    """Read the rows of files from raw.table and hand them to a GX worker of pool."""
    shas = [sha for sha, _, _ in files]
    rows = warehouse.arrow(
        con,
        f"SELECT *{EXTRA_COLUMNS.get(table, '')} FROM raw.{table} "
        f"WHERE _file_sha256 IN ({', '.join('?' for _ in shas)})",
        shas,
    )
    future = pool.validate(
        rows,
        f"raw.{table}",
        suite_build(table),
        batch=batch_label([name for _, name, _ in files]),
        index_columns=INDEX_COLUMNS,
    )
    return Batch(tuple(files), future)


class PendingBatches:
    """A run's raw batches handed to its GX workers by the ingest steps, each waiting for
    its table's check step (`collect`)."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self._lock = threading.Lock()
        self._batches: dict[str, list[Batch]] = {}

    def batcher(self, tables: list[str]) -> Batcher:
        return Batcher(self, tables)

    def add(self, table: str, batch: Batch) -> None:
        with self._lock:
            self._batches.setdefault(table, []).append(batch)

    def take(self, table: str) -> list[Batch]:
        with self._lock:
            return self._batches.pop(table, [])

    def discard(self) -> None:
        """Cancel the batches no check collected (a run that ended before its checks)."""
        with self._lock:
            batches = [batch for table in self._batches.values() for batch in table]
            self._batches.clear()
        for batch in batches:
            batch.future.cancel()

    def collect(self, con, run_id: str, table: str) -> list:
        """The SuiteResults of every row of raw.table not yet published, in file order: the
        batches handed on during the ingest whose rows are unchanged, and new batches for
        the rest (files of earlier runs that did not publish, or rows a later file
        replaced)."""
        published = last_publication(con)
        files = con.execute(
            f"SELECT _file_sha256, any_value(_file_name), count(*) FROM raw.{table} "
            "WHERE _file_sha256 IN (SELECT file_sha256 FROM meta.file_ledger "
            "WHERE status = 'loaded' AND (run_id = ? OR ?::TIMESTAMP IS NULL OR seen_at >= ?)) "
            "GROUP BY 1 ORDER BY 2",
            [run_id, published, published],
        ).fetchall()
        rows_now = {sha: rows for sha, _, rows in files}
        batches, covered = [], set()
        for batch in self.take(table):
            if all(rows_now.get(sha) == rows for sha, _, rows in batch.files):
                batches.append(batch)
                covered.update(sha for sha, _, _ in batch.files)
            else:
                batch.future.cancel()  # validated rows that are no longer there: not reported
        rest = [file for file in files if file[0] not in covered]
        batches += [submit(con, self.pool, table, part) for part in file_batches(rest, BATCH_ROWS)]
        order = {sha: position for position, (sha, _, _) in enumerate(files)}
        batches.sort(key=lambda batch: min(order[sha] for sha, _, _ in batch.files))
        return [self.pool.result(batch.future) for batch in batches]


class Batcher:
    """One ingest step's loaded files, batched per raw table and handed on as they fill."""

    def __init__(self, pending: PendingBatches, tables: list[str]):
        self.pending = pending
        self.current: dict[str, list[File]] = {
            table: [] for table in tables if table in SUITE_TABLES
        }

    def loaded(self, con, sha: str, name: str) -> None:
        """A file was committed: its rows join its tables' batches."""
        for table, current in self.current.items():
            rows = con.execute(
                f"SELECT count(*) FROM raw.{table} WHERE _file_sha256 = ?", [sha]
            ).fetchall()[0][0]
            if not rows:
                continue
            # The batches file_batches makes; all but the last are full and handed on.
            *full, self.current[table] = file_batches([*current, (sha, name, rows)], BATCH_ROWS)
            for files in full:
                self._hand_on(con, table, files)

    def finish(self, con) -> None:
        for table, current in self.current.items():
            if current:
                self._hand_on(con, table, current)
            self.current[table] = []

    def _hand_on(self, con, table: str, files: list[File]) -> None:
        """Hand the batch's files on with the rows they hold now: a later file of the step
        may have replaced an earlier one's rows (a newer extraction of the same year), and a
        batch recorded with the earlier counts would be validated again by the check."""
        shas = [sha for sha, _, _ in files]
        now = dict(
            con.execute(
                f"SELECT _file_sha256, count(*) FROM raw.{table} "
                f"WHERE _file_sha256 IN ({', '.join('?' for _ in shas)}) GROUP BY 1",
                shas,
            ).fetchall()
        )
        files = [(sha, name, now[sha]) for sha, name, _ in files if now.get(sha)]
        if files:
            self.pending.add(table, submit(con, self.pending.pool, table, files))


def last_publication(con):
    """When the last publication recorded its build (`meta.dbt_state`); None before any."""
    if not warehouse.has_table(con, "meta", "dbt_state"):
        return None
    return con.execute("SELECT max(completed_at) FROM meta.dbt_state").fetchall()[0][0]
