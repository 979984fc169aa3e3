"""The retention period of person-level rows (docs/privacy.md).

Employments, absence spells and survey answers are kept for `MAALBAR_OPBEVARING_MAANEDER`
months (default 60) before their source's horizon (docs/kpis.md): the HR horizon for
employments and absence, the last survey round for the answers. The cutoff is the first day
of the month that many months before the horizon month; it only ever moves forward.

Each run, after the files have loaded and before dbt builds (`defs/retention.py`):

1. the published figures of every period whose window reaches before the cutoff (a month,
   a year, the twelve months of a turnover figure) are frozen: copied from the current
   publication into `meta.frozen_kpi_values`, which `marts.kpi_values` prefers to anything
   computed, so no later run, incremental or full, recomputes them from what is left;
2. the rows that ended before the cutoff leave the raw tables (an employment when its
   `slutdato`, a spell when its `til_dato` lies before it or its employment has gone, an
   answer when its round lies before it), and
   dbt builds every per-person table again from what is left (the HR periods start at the
   cutoff: no per-person row of an earlier month is computed);
3. the kept copies of the files lose the same rows (`lib/rawcopy.py`), and the rejected
   rows of those lines go too; the ledger keeps each original's SHA-256.

A newer extraction holding other rows for a frozen month than the published figures were
computed from is recorded as a warning (meta.check_results, the run's output): its rows of
those months are deleted unused, and it changes only later periods. Rows are compared by a
fingerprint per raw table and month (a sum of row hashes), stored for every frozen month and,
for the months the next cutoffs will freeze (`FINGERPRINT_MONTHS` after the cutoff), for the
run whose figures are published (`meta.retention_fingerprints`). A delivery whose whole period lies
before the cutoff (an absence year, a survey round) is recorded in the ledger as `expired`
and not loaded (`expired`).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.lib import ledger, rawcopy
from dagster_project.lib.config import DBT_PROJECT_DIR, Settings
from dagster_project.lib.csvfile import LINE_COLUMN, FileRejected
from dagster_project.lib.specs import FileSpec

MONTHS_VARIABLE = "MAALBAR_OPBEVARING_MAANEDER"
DEFAULT_MONTHS = 60

RETENTION_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.retention_cutoffs (
    source VARCHAR PRIMARY KEY,
    cutoff DATE NOT NULL,
    horizon DATE NOT NULL,
    months INTEGER NOT NULL,
    set_at TIMESTAMP NOT NULL,
    purged_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS meta.frozen_kpi_values (
    kpi_id VARCHAR NOT NULL,
    omkostningssted VARCHAR NOT NULL,
    periode VARCHAR NOT NULL,
    periodetype VARCHAR NOT NULL,
    vaerdi DOUBLE,
    taeller DOUBLE,
    naevner DOUBLE,
    undertrykt BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    cutoff DATE NOT NULL,
    frozen_from_run VARCHAR NOT NULL,
    frozen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kpi_id, omkostningssted, periode)
);
CREATE TABLE IF NOT EXISTS meta.retention_fingerprints (
    run_id VARCHAR NOT NULL,
    raw_table VARCHAR NOT NULL,
    maaned VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    rows BIGINT NOT NULL
);
"""
# The fingerprints of frozen months are stored under this run id.
FROZEN = "frozen"
# A run stores the fingerprints of the months it keeps up to this many after the cutoff: those
# the next cutoffs freeze. (A horizon that jumps further is compared for these months only.)
FINGERPRINT_MONTHS = 12
# A turnover figure of a month covers the twelve months ending with it (docs/kpis.md).
ROLLING_KPIS = {"personaleomsaetning_afgang_pct": 12, "personaleomsaetning_tilgang_pct": 12}


@dataclass(frozen=True)
class PersonTable:
    """A raw table of person-level rows and when each row ends."""

    table: str
    source: str  # whose horizon and cutoff apply: personale or besvarelser
    # The raw table's column with the last day the row concerns (NULL: still open), or with
    # its month (`YYYY-MM`, ends_by_month), which is compared as text: the cutoff is a month's
    # first day, so a row ends before it when its month does.
    ends: str
    # The landing file's column holding that day, for the kept copies; None: the file's
    # period decides for all its rows.
    end_column: str | None
    # The first and last day of the period a file's name gives (a year, a round); None for a
    # snapshot, whose rows may concern any time.
    period: Callable[[dict[str, str]], tuple[date, date]] | None
    # A row also goes when its value of this column no longer names a row of that raw table
    # (table, column): an absence spell whose employment has gone.
    belongs_to: tuple[str, str] | None = None
    ends_by_month: bool = False

    @property
    def month(self) -> str:
        """SQL: the month (`YYYY-MM`) the row ends in."""
        return self.ends if self.ends_by_month else f"strftime({self.ends}, '%Y-%m')"

    def ended_before(self, day: date) -> tuple[str, object]:
        """(SQL with one `?`, its value): the row ended before `day`, a month's first day."""
        return (f"{self.ends} < ?", f"{day:%Y-%m}" if self.ends_by_month else day)

    def gone(self, cutoff: date) -> tuple[str, list]:
        """(SQL, its parameters): the row leaves with the cutoff."""
        condition, value = self.ended_before(cutoff)
        if self.belongs_to is None:
            return condition, [value]
        table, column = self.belongs_to
        return f"({condition} OR {column} NOT IN (SELECT {column} FROM raw.{table}))", [value]


def _year(fields: dict[str, str]) -> tuple[date, date]:
    year = int(fields["year"])
    return date(year, 1, 1), date(year, 12, 31)


def _month(fields: dict[str, str]) -> tuple[date, date]:
    year, month = int(fields["yyyymm"][:4]), int(fields["yyyymm"][4:])
    return date(year, month, 1), add_months(date(year, month, 1), 1).replace(day=1) - _ONE_DAY


PERSON_TABLES = (
    PersonTable("ansaettelser", "personale", "slutdato", "slutdato", None),
    PersonTable(
        "fravaer", "personale", "til_dato", "til_dato", _year, ("ansaettelser", "ansaettelsesnr")
    ),
    PersonTable("besvarelser", "besvarelser", "runde", None, _month, ends_by_month=True),
)
HORIZONS = {
    # The HR horizon: the last complete month on or before the newest employments extraction.
    "personale": "SELECT CAST(date_trunc('month', max(extraction_date) + 1) - INTERVAL 1 MONTH "
    "AS DATE) FROM raw.ansaettelser",
    # The survey horizon: the last round.
    "besvarelser": "SELECT CAST(max(runde) || '-01' AS DATE) FROM raw.besvarelser",
}


def person_table(table: str) -> PersonTable | None:
    return next((person for person in PERSON_TABLES if person.table == table), None)


def months() -> int:
    """The retention period in months, from MAALBAR_OPBEVARING_MAANEDER."""
    text = os.environ.get(MONTHS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MONTHS
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{MONTHS_VARIABLE} must be a whole number of months, at least 1")
    return int(text)


def add_months(day: date, count: int) -> date:
    """The first day of the month `count` months after (before, when negative) `day`'s."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def person_level_kpis() -> dict[str, tuple[str, int]]:
    """KPI id -> (retention source, months of its monthly window) of every KPI computed from
    person-level rows: the HR KPIs, and the survey KPIs but for the suggestions', read from
    the KPI catalogue (dbt/seeds/kpi_definitions.csv)."""
    with (DBT_PROJECT_DIR / "seeds" / "kpi_definitions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {}
    for row in rows:
        kpi, domain = row["kpi_id"], row["domaene"]
        if domain == "personale":
            found[kpi] = ("personale", ROLLING_KPIS.get(kpi, 1))
        elif domain == "feedback" and not kpi.startswith("forslag"):
            found[kpi] = ("besvarelser", 1)
    return found


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RETENTION_DDL)


def stored_cutoff(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    rows = con.execute(
        "SELECT cutoff FROM meta.retention_cutoffs WHERE source = ?", [source]
    ).fetchall()
    return rows[0][0] if rows else None


def expired(con: duckdb.DuckDBPyConnection, spec: FileSpec, fields: dict[str, str]) -> str | None:
    """Why a landing file is not loaded: its whole period lies before the retention cutoff.
    None: it is loaded (its rows before the cutoff, if any, go at the end of the ingest)."""
    person = person_table(spec.table)
    if person is None or person.period is None:
        return None
    cutoff = stored_cutoff(con, person.source)
    if cutoff is None:
        return None
    first, last = person.period(fields)
    if last >= cutoff:
        return None
    return (
        f"its period ({first:%Y-%m-%d} to {last:%Y-%m-%d}) lies before the retention cutoff "
        f"{cutoff:%Y-%m-%d} ({MONTHS_VARIABLE}): its person-level rows are no longer kept, "
        "so it is not loaded and no copy of it is kept; the published figures of those "
        "months are frozen as they were published"
    )


def _horizon(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    return con.execute(HORIZONS[source]).fetchone()[0]


def prospective_cutoff(con: duckdb.DuckDBPyConnection, source: str, period: int) -> date | None:
    """The cutoff a retention step would apply to the rows as they are."""
    horizon = _horizon(con, source)
    stored = stored_cutoff(con, source)
    if horizon is None:
        return stored
    cutoff = add_months(horizon, -period)
    return max(cutoff, stored) if stored is not None else cutoff


def due(con: duckdb.DuckDBPyConnection, period: int) -> set[str]:
    """The raw tables a retention step would change as the warehouse is (before any new
    file): rows ended before the cutoff, a cutoff not yet stored, or copies not yet trimmed
    to it. Empty when there is nothing to do."""
    from dagster_project.lib import warehouse

    if not warehouse.has_table(con, "meta", "retention_cutoffs"):
        return {person.table for person in PERSON_TABLES}
    tables: set[str] = set()
    for source in HORIZONS:
        cutoff = prospective_cutoff(con, source, period)
        if cutoff is None:
            continue
        members = [p for p in PERSON_TABLES if p.source == source]
        if stored_cutoff(con, source) != cutoff:
            tables.update(p.table for p in members)
            continue
        for person in members:
            condition, values = person.gone(cutoff)
            old_rows = con.execute(
                f"SELECT count(*) FROM raw.{person.table} WHERE {condition}", values
            ).fetchone()[0]
            untrimmed = con.execute(
                "SELECT count(*) FROM meta.file_ledger WHERE raw_table = ? AND raw_copy IS NOT "
                "NULL AND (trimmed_before IS NULL OR trimmed_before < ?)",
                [person.table, cutoff],
            ).fetchone()[0]
            if old_rows or untrimmed:
                tables.add(person.table)
    return tables


@dataclass
class Outcome:
    """What a retention step did, in lines for the run log, and its warnings."""

    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_deleted: dict[str, int] = field(default_factory=dict)
    frozen: int = 0


def apply(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str,
    specs: dict[str, FileSpec],
    period: int,
) -> Outcome:
    """Freeze, purge and trim (see the module's docstring) in one transaction of the
    warehouse; the copies are trimmed after it commits. specs: raw table -> its FileSpec."""
    ensure(con)
    done = Outcome()
    published_run = _published_run(settings)
    con.execute("BEGIN TRANSACTION")
    try:
        for source in HORIZONS:
            _apply_source(con, settings, source, period, specs, published_run, done)
        _store_fingerprints(con, specs, run_id, {run_id, published_run, FROZEN})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for person in PERSON_TABLES:
        cutoff = stored_cutoff(con, person.source)
        if cutoff is not None:
            _trim_copies(con, settings, specs[person.table], person, cutoff, done)
    return done


def _published_run(settings: Settings) -> str | None:
    """The run whose publication is current, or None."""
    if not settings.published_path.exists():
        return None
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        return con.execute("SELECT run_id FROM meta.publication").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def _apply_source(con, settings, source, period, specs, published_run, done) -> None:
    horizon = _horizon(con, source)
    if horizon is None:
        return  # no rows of the source: nothing to keep or delete
    stored = stored_cutoff(con, source)
    cutoff = add_months(horizon, -period)
    if stored is not None and stored > cutoff:
        cutoff = stored  # the cutoff never moves back: what it deleted is gone
    members = [person for person in PERSON_TABLES if person.source == source]
    moves = published_run is not None and (stored is None or cutoff > stored)
    # The rows before the cutoff: delivered again for months frozen before, or of the months
    # it freezes now (none, mostly: the rows after the cutoff are not read).
    now = {p.table: _fingerprints(con, p, specs[p.table], before=cutoff) for p in members}
    month = f"{cutoff:%Y-%m}"
    since = f"{stored:%Y-%m}" if stored is not None else ""
    for person in members:
        frozen = _stored_fingerprints(con, FROZEN, person.table)
        # Months frozen before, delivered again by a newer extraction.
        changed = [
            m for m, print_ in now[person.table].items() if m in frozen and print_ != frozen[m]
        ]
        if moves:
            used = _stored_fingerprints(con, published_run, person.table)
            months_frozen_now = {m for m in {*now[person.table], *used} if since <= m < month}
            if used:
                changed += [
                    m for m in sorted(months_frozen_now) if used.get(m) != now[person.table].get(m)
                ]
            for m in months_frozen_now:
                fingerprint = used.get(m) if used else now[person.table].get(m)
                if fingerprint is not None:
                    con.execute(
                        "INSERT INTO meta.retention_fingerprints VALUES (?, ?, ?, ?, ?)",
                        [FROZEN, person.table, m, *fingerprint],
                    )
        if changed:
            files = _files_of_months(con, person, sorted(set(changed)))
            done.warnings.append(
                f"{', '.join(files) or person.table}: other {person.table} rows for "
                f"{_months_text(sorted(set(changed)))} than the published figures were computed "
                f"from; those months lie before the retention cutoff {cutoff:%Y-%m-%d}, so "
                "their published figures stay frozen and these rows change only later periods"
            )
    if moves:
        done.frozen += _freeze(con, settings, source, cutoff, published_run)
    deleted = 0
    for person in members:
        # In order: the employments first, then the spells, which go with their employment.
        condition, values = person.gone(cutoff)
        count = con.execute(f"DELETE FROM raw.{person.table} WHERE {condition}", values).fetchone()[
            0
        ]
        done.rows_deleted[person.table] = count
        deleted += count
        if count:
            done.lines.append(
                f"retention: {count:,} {person.table} rows before {cutoff:%Y-%m-%d} deleted "
                "from the warehouse"
            )
    con.execute(
        "INSERT INTO meta.retention_cutoffs VALUES (?, ?, ?, ?, now()::TIMESTAMP, "
        "CASE WHEN ? THEN now()::TIMESTAMP END) ON CONFLICT (source) DO UPDATE SET "
        "cutoff = excluded.cutoff, horizon = excluded.horizon, months = excluded.months, "
        "set_at = CASE WHEN meta.retention_cutoffs.cutoff = excluded.cutoff "
        "THEN meta.retention_cutoffs.set_at ELSE excluded.set_at END, "
        "purged_at = coalesce(excluded.purged_at, meta.retention_cutoffs.purged_at)",
        [source, cutoff, horizon, period, deleted > 0],
    )


def _freeze(con, settings: Settings, source: str, cutoff: date, published_run: str) -> int:
    """The published rows of every period of the source's KPIs whose window starts before
    the cutoff and which is not frozen yet, into meta.frozen_kpi_values."""
    windows = [
        (kpi, months)
        for kpi, (kpi_source, months) in person_level_kpis().items()
        if kpi_source == source
    ]
    published = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        published.register(
            "windows",
            pa.table({"kpi_id": [k for k, _ in windows], "months": [m for _, m in windows]}),
        )
        rows = published.execute(
            """SELECT k.kpi_id, k.omkostningssted, k.periode, k.periodetype, k.vaerdi,
                k.taeller, k.naevner, k.undertrykt
            FROM marts.kpi_values k JOIN windows w USING (kpi_id)
            WHERE CASE WHEN k.periodetype = 'aar' THEN make_date(CAST(k.periode AS INTEGER), 1, 1)
                ELSE CAST(CAST(k.periode || '-01' AS DATE) - to_months(w.months - 1) AS DATE)
                END < ?""",
            [cutoff],
        ).fetchall()
    finally:
        published.close()
    frozen = {
        (kpi, periode)
        for kpi, periode in con.execute(
            "SELECT DISTINCT kpi_id, periode FROM meta.frozen_kpi_values"
        ).fetchall()
    }
    rows = [row for row in rows if (row[0], row[2]) not in frozen]
    if rows:
        con.executemany(
            "INSERT INTO meta.frozen_kpi_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "now()::TIMESTAMP)",
            [(*row, source, cutoff, published_run) for row in rows],
        )
    return len(rows)


def _row_columns(spec: FileSpec) -> list[str]:
    """The columns a person-level row is compared on: its values, not which file or
    extraction brought it."""
    return [column.stored_as for column in spec.columns]


def _fingerprints(
    con, person: PersonTable, spec: FileSpec, before: date
) -> dict[str, tuple[str, int]]:
    """Month the row ends -> (fingerprint, rows) of a person-level raw table, for the rows
    that end before `before`: a sum of row hashes, the same whatever the order of the rows
    or the files they came in."""
    columns = ", ".join(_row_columns(spec))
    condition, value = person.ended_before(before)
    return {
        month: (str(fingerprint), rows)
        for month, fingerprint, rows in con.execute(
            f"SELECT {person.month}, sum(hash({columns})::HUGEINT), count(*) "
            f"FROM raw.{person.table} WHERE {condition} GROUP BY 1",
            [value],
        ).fetchall()
    }


def _stored_fingerprints(con, run_id: str, table: str) -> dict[str, tuple[str, int]]:
    return {
        month: (fingerprint, rows)
        for month, fingerprint, rows in con.execute(
            "SELECT maaned, fingerprint, rows FROM meta.retention_fingerprints "
            "WHERE run_id = ? AND raw_table = ?",
            [run_id, table],
        ).fetchall()
    }


def _store_fingerprints(con, specs, run_id: str, keep: set) -> None:
    """This run's fingerprints of the rows its figures are computed from; those of runs
    neither published nor frozen are let go."""
    kept = [run for run in keep if run is not None]
    con.execute(
        f"DELETE FROM meta.retention_fingerprints WHERE run_id NOT IN "
        f"({', '.join('?' for _ in kept)})",
        kept,
    )
    con.execute("DELETE FROM meta.retention_fingerprints WHERE run_id = ?", [run_id])
    for person in PERSON_TABLES:
        cutoff = stored_cutoff(con, person.source)
        if cutoff is None:
            continue
        before = add_months(cutoff, FINGERPRINT_MONTHS)
        rows = [
            (run_id, person.table, month, fingerprint, count)
            for month, (fingerprint, count) in _fingerprints(
                con, person, specs[person.table], before
            ).items()
        ]
        if rows:
            con.executemany("INSERT INTO meta.retention_fingerprints VALUES (?, ?, ?, ?, ?)", rows)


def _files_of_months(con, person: PersonTable, months: list[str]) -> list[str]:
    marks = ", ".join("?" for _ in months)
    return [
        name
        for (name,) in con.execute(
            f"SELECT DISTINCT _file_name FROM raw.{person.table} "
            f"WHERE {person.month} IN ({marks}) ORDER BY 1",
            months,
        ).fetchall()
    ]


def _months_text(months: list[str]) -> str:
    return (
        months[0] if len(months) == 1 else f"{len(months)} months from {months[0]} to {months[-1]}"
    )


def _trim_copies(con, settings, spec: FileSpec, person: PersonTable, cutoff: date, done) -> None:
    """The kept copies (raw and quarantine) of the table's files without the rows that left
    the warehouse; the ledger records the copy's new SHA-256."""
    files = con.execute(
        "SELECT file_name, file_sha256, raw_copy_sha256, coalesce(rows_purged, 0) "
        "FROM meta.file_ledger WHERE raw_table = ? AND status <> ? "
        "AND (trimmed_before IS NULL OR trimmed_before < ?)",
        [person.table, ledger.EXPIRED, cutoff],
    ).fetchall()
    if not files:
        return
    owners = None
    if person.belongs_to is not None:
        table, column = person.belongs_to
        owners = pa.table(
            {
                column: pa.array(
                    [v for (v,) in con.execute(f"SELECT {column} FROM raw.{table}").fetchall()]
                )
            }
        )
    # Rows of a period after the cutoff go only with their owner, when this run deleted some.
    owners_gone = person.belongs_to is not None and done.rows_deleted.get(person.belongs_to[0])
    for name, sha, copy_sha, purged in files:
        fields = spec.match(name)
        removed_lines: set[int] = set()
        copy = settings.raw_copy_dir / spec.source / rawcopy.copy_name(name, sha)
        quarantined = settings.quarantine_dir / rawcopy.copy_name(name, sha)
        new_sha, gone = copy_sha, False
        for path in (copy, quarantined):
            if not path.is_file():
                continue
            result = _trim_one(path, spec, person, fields, cutoff, owners, bool(owners_gone))
            if result is None:
                continue
            lines, digest = result
            removed_lines |= lines
            if path == copy:
                new_sha, gone = digest, digest is None
        con.execute(
            "UPDATE meta.file_ledger SET trimmed_before = ?, raw_copy_sha256 = ?, "
            "raw_copy = CASE WHEN ? THEN NULL ELSE raw_copy END, rows_purged = ? "
            "WHERE file_name = ? AND file_sha256 = ?",
            [cutoff, new_sha, gone, purged + len(removed_lines), name, sha],
        )
        if removed_lines:
            con.execute(
                "DELETE FROM meta.rejected_rows WHERE file_name = ? AND file_sha256 = ? "
                "AND line_number IN (SELECT unnest(?))",
                [name, sha, sorted(removed_lines)],
            )
            done.lines.append(
                f"retention: {len(removed_lines):,} rows before {cutoff:%Y-%m-%d} removed "
                f"from the kept copy of {name}" + (" (nothing left: removed)" if gone else "")
            )


def _trim_one(
    path: Path, spec: FileSpec, person: PersonTable, fields, cutoff: date, owners, owners_gone
) -> tuple[set[int], str | None] | None:
    """(lines removed, the copy's new SHA-256, None when the copy is gone) of one kept copy,
    or None when it holds no row to remove."""
    data = path.read_bytes()
    if person.period is not None:
        first, last = person.period(fields)
        if person.end_column is None:  # the period decides for every row
            if first >= cutoff:
                return None
            lines = _all_lines(spec, data)
            path.unlink()
            return lines, None
        if first >= cutoff and not owners_gone:
            return None  # every row of the period starts, and so ends, after the cutoff
    try:
        lines = _lines_to_remove(spec, person, data, cutoff, owners)
    except FileRejected:
        return None
    if not lines:
        return None
    content = rawcopy.trim(spec, data, lines)
    if content is None:
        path.unlink()
        return lines, None
    rawcopy.write_atomically(path, content)
    return lines, hashlib.sha256(content).hexdigest()


def _all_lines(spec: FileSpec, data: bytes) -> set[int]:
    try:
        table = rawcopy.read(spec, data).table
    except FileRejected:
        return set()
    return set(table.column(LINE_COLUMN).to_pylist())


def _lines_to_remove(spec: FileSpec, person: PersonTable, data: bytes, cutoff: date, owners):
    """The lines of the copy's rows that ended before the cutoff, or whose owner (an absence
    spell's employment) is gone from the warehouse."""
    table = rawcopy.read(spec, data).table
    column = next(c for c in spec.columns if c.name == person.end_column)
    text = f"nullif(trim({column.name}), '')"
    condition = f"{column.parsed(text)} < $cutoff"
    scratch = duckdb.connect()
    try:
        scratch.register("copy_rows", table)
        if owners is not None:
            key = person.belongs_to[1]
            scratch.register("owners", owners)
            condition = f"({condition} OR trim({key}) NOT IN (SELECT {key} FROM owners))"
        return {
            line
            for (line,) in scratch.execute(
                f"SELECT {LINE_COLUMN} FROM copy_rows WHERE {condition}", {"cutoff": cutoff}
            ).fetchall()
        }
    finally:
        scratch.close()
