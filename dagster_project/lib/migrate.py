"""A data folder written by an earlier Maalbar, brought up to date by the next `maalbar run`
(docs/privacy.md, docs/operations.md), once, before anything else of the run.

1. `pseudonymised_copies`: the raw and quarantine copies of the files with a CPR column were
   kept untouched; each is replaced by its pseudonymised copy (`lib/rawcopy.py`), or removed
   when it cannot be parsed, and the ledger records the kept copy's SHA-256. Every message
   kept (ledger reasons and warnings, rejected rows, quarantine reasons, run logs)
   has any CPR number masked. (The Dagster run history is not rewritten: docs/privacy.md.)
2. `owner_only`: every file and folder under the data folder is made readable by its owner
   only, but for the landing folder (the source systems') and `published/` (which a
   municipality may have opened to its BI readers).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import duckdb

from dagster_project.lib import ledger, rawcopy, warehouse
from dagster_project.lib.config import Settings
from dagster_project.lib.pseudonym import CPR_MASK, mask_cpr

MIGRATIONS_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.migrations (
    name VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);
"""
MIGRATIONS = ("pseudonymised_copies", "owner_only")


def done(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has every migration (a read, for read-only connections)."""
    if not warehouse.has_table(con, "meta", "migrations"):
        return False
    applied = {name for (name,) in con.execute("SELECT name FROM meta.migrations").fetchall()}
    return applied >= set(MIGRATIONS)


def migrate(settings: Settings) -> list[str]:
    """Apply the migrations this data folder lacks; what was done, in lines for the run's
    output. Raises pseudonym.MissingKey when copies with CPR numbers wait for the key."""
    fresh = not settings.warehouse_path.exists()
    with warehouse.connect(settings) as con:
        con.execute(MIGRATIONS_DDL)
        if fresh:  # nothing was written the old way
            for name in MIGRATIONS:
                _applied(con, name)
            return []
        applied = {name for (name,) in con.execute("SELECT name FROM meta.migrations").fetchall()}
        if applied >= set(MIGRATIONS):
            return []
        ledger.ensure(con)
        said = []
        if "pseudonymised_copies" not in applied:
            said += _pseudonymise_copies(con, settings)
            said += _mask_messages(con, settings)
            _applied(con, "pseudonymised_copies")
        if "owner_only" not in applied:
            said += _owner_only(settings)
            _applied(con, "owner_only")
    return said


def _applied(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("INSERT INTO meta.migrations VALUES (?, now()::TIMESTAMP)", [name])


def _pseudonymise_copies(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    from dagster_project.defs.ingest.assets import ALL_SPECS

    specs = {spec.table: spec for spec in ALL_SPECS}
    rows = con.execute(
        "SELECT file_name, file_sha256, source, raw_table FROM meta.file_ledger "
        "WHERE raw_copy_sha256 IS NULL"
    ).fetchall()
    changed = 0
    for name, sha, source, raw_table in rows:
        spec = specs.get(raw_table)
        if spec is None:
            continue
        copy = settings.raw_copy_dir / source / rawcopy.copy_name(name, sha)
        kept_sha = _upgrade(copy, name, sha, spec)
        _upgrade(settings.quarantine_dir / rawcopy.copy_name(name, sha), name, sha, spec)
        con.execute(
            "UPDATE meta.file_ledger SET raw_copy_sha256 = ?, "
            "raw_copy = CASE WHEN ? THEN raw_copy END WHERE file_name = ? AND file_sha256 = ?",
            [kept_sha, kept_sha is not None, name, sha],
        )
        changed += spec.personal and copy.exists()
    return [f"upgrade: {changed} kept copies of HR files now hold pseudonyms, not CPR numbers"] * (
        changed > 0
    )


def _upgrade(path: Path, name: str, sha: str, spec) -> str | None:
    """The SHA-256 of the copy at `path` as a run keeps it now; None when there is none."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        return hashlib.sha256(data).hexdigest()  # not the delivered bytes: kept as it is
    if not spec.personal:
        return sha
    kept = rawcopy.keep(path.parent, name, sha, spec, data)
    if kept is None:
        path.unlink()  # cannot be parsed: only its name, hash and reason are kept
        return None
    return kept.sha256


def _mask_messages(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Any CPR number an earlier version echoed in a message, masked."""
    masked = 0
    for table, key, columns in (
        ("meta.file_ledger", ("file_name", "file_sha256"), ("reason", "warnings")),
        ("meta.rejected_rows", ("rowid",), ("value", "reason")),
    ):
        for column in columns:
            rows = con.execute(
                f"SELECT {', '.join(key)}, {column} FROM {table} "
                f"WHERE regexp_matches({column}, '[0-9]{{6}}-?[0-9]{{4}}')"
            ).fetchall()
            for *ids, text in rows:
                if mask_cpr(text) != text:
                    where = " AND ".join(f"{k} = ?" for k in key)
                    con.execute(
                        f"UPDATE {table} SET {column} = ? WHERE {where}", [mask_cpr(text), *ids]
                    )
                    masked += 1
    texts = [
        *settings.quarantine_dir.glob("*.reason.txt"),
        *(settings.data_dir / "logs").glob("*.log"),
    ]
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if mask_cpr(text) != text:
            path.write_text(mask_cpr(text), encoding="utf-8", errors="surrogateescape")
            masked += 1
    return [f"upgrade: {masked} messages had a CPR number masked as {CPR_MASK}"] * (masked > 0)


def _owner_only(settings: Settings) -> list[str]:
    """Owner-only modes on what an earlier version created with the default ones."""
    spared = {settings.landing_dir.resolve(), settings.published_dir.resolve()}
    changed = 0
    for folder, dirs, files in os.walk(settings.data_dir):
        here = Path(folder)
        dirs[:] = [d for d in dirs if (here / d).resolve() not in spared]
        for path in [here, *(here / f for f in files)]:
            if path.is_symlink():
                continue
            mode = stat.S_IMODE(path.lstat().st_mode)
            wanted = mode & 0o700
            if mode != wanted:
                os.chmod(path, wanted)
                changed += 1
    return [
        f"upgrade: {changed} files and folders under {settings.data_dir} made readable by their "
        "owner only (docs/operations.md says how to open published/ to BI readers)"
    ] * (changed > 0)
