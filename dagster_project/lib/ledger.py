"""The ledger of files: what was seen, loaded, rejected or quarantined, and why."""

from __future__ import annotations

import duckdb

LEDGER_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.file_ledger (
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    raw_table VARCHAR,
    slot VARCHAR,
    version VARCHAR,
    size_bytes BIGINT,
    encoding VARCHAR,
    rows_read BIGINT,
    rows_accepted BIGINT,
    rows_rejected BIGINT,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    warnings VARCHAR,
    run_id VARCHAR,
    seen_at TIMESTAMP,
    raw_copy VARCHAR,
    PRIMARY KEY (file_name, file_sha256)
);
-- Added after the first publications: a withdrawn delivery (`maalbar withdraw`), who withdrew
-- it, when and why, and who restored it and when (`maalbar restore`).
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS withdrawn_by VARCHAR;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS withdrawn_at TIMESTAMP;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS withdrawn_reason VARCHAR;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS restored_by VARCHAR;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS restored_at TIMESTAMP;
-- Added with pseudonymised raw copies and the retention period (docs/privacy.md): the SHA-256
-- of the copy as kept (file_sha256 stays the delivered file's), the cutoff its rows were last
-- trimmed to, and how many of its rows the trimming removed from the copy.
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS raw_copy_sha256 VARCHAR;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS trimmed_before DATE;
ALTER TABLE meta.file_ledger ADD COLUMN IF NOT EXISTS rows_purged BIGINT;
CREATE TABLE IF NOT EXISTS meta.rejected_rows (
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    line_number INTEGER,
    column_name VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL,
    run_id VARCHAR
);
"""

LOADED, QUARANTINED, SUPERSEDED = "loaded", "quarantined", "superseded"
# A person-level file whose whole period lies before the retention cutoff: recorded, never
# loaded, and no copy of it kept (docs/privacy.md).
EXPIRED = "expired"
# A withdrawn file is never loaded again while it stays so; a restored one is loaded by the
# next run as if it were new.
WITHDRAWN, RESTORED = "withdrawn", "restored"
# What a load writes. The withdrawal columns are the operator's: a restored file loaded
# again keeps them, so the ledger still says it was once withdrawn, by whom and why.
RECORDED = (
    "source",
    "raw_table",
    "slot",
    "version",
    "size_bytes",
    "encoding",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "status",
    "reason",
    "warnings",
    "run_id",
    "raw_copy",
    "raw_copy_sha256",
    "trimmed_before",
    "rows_purged",
)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LEDGER_DDL)


def known_files(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(name, SHA-256) of every file the ledger has seen, whatever became of it, but for a
    restored one, which the next run loads as new."""
    return {
        (name, sha)
        for name, sha in con.execute(
            "SELECT file_name, file_sha256 FROM meta.file_ledger WHERE status <> ?", [RESTORED]
        ).fetchall()
    }


def seen(con: duckdb.DuckDBPyConnection, file_name: str, sha256: str) -> str | None:
    """The file's status, or None when it is to be loaded (never seen, or restored)."""
    rows = con.execute(
        "SELECT status FROM meta.file_ledger WHERE file_name = ? AND file_sha256 = ?",
        [file_name, sha256],
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] != RESTORED else None


def current_in_slot(
    con: duckdb.DuckDBPyConnection, raw_table: str, slot: str
) -> tuple[str, str, str] | None:
    """The loaded file (name, sha256, version) whose rows stand for this slot now."""
    rows = con.execute(
        "SELECT file_name, file_sha256, version FROM meta.file_ledger "
        "WHERE raw_table = ? AND slot = ? AND status = 'loaded' ORDER BY seen_at DESC",
        [raw_table, slot],
    ).fetchall()
    return rows[0] if rows else None


def record(con: duckdb.DuckDBPyConnection, file_name: str, file_sha256: str, **row) -> None:
    """The file's ledger row as a load leaves it: the columns given, the other columns a
    load writes empty, seen now."""
    unknown = set(row) - set(RECORDED)
    if unknown:
        raise ValueError(f"not a ledger column a load writes: {', '.join(sorted(unknown))}")
    columns = ", ".join(RECORDED)
    marks = ", ".join("?" for _ in RECORDED)
    updates = ", ".join(f"{name} = excluded.{name}" for name in (*RECORDED, "seen_at"))
    con.execute(
        f"INSERT INTO meta.file_ledger (file_name, file_sha256, {columns}, seen_at) "
        f"VALUES (?, ?, {marks}, now()::TIMESTAMP) "
        f"ON CONFLICT (file_name, file_sha256) DO UPDATE SET {updates}",
        [file_name, file_sha256, *(row.get(name) for name in RECORDED)],
    )


def quarantined_in_landing(
    con: duckdb.DuckDBPyConnection, files: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(name, reason) of the given landing files whose current bytes are quarantined.
    Reads only, so it serves read-only connections too."""
    present = set(files)
    return [
        (name, reason)
        for name, sha, reason in con.execute(
            "SELECT file_name, file_sha256, reason FROM meta.file_ledger "
            "WHERE status = 'quarantined' ORDER BY file_name"
        ).fetchall()
        if (name, sha) in present
    ]
