"""What a publication was built from, so that a run with nothing new can stop at once.

The fingerprint covers the loaded files (name and SHA-256 of every file whose rows stand in
raw), the dbt project's sources, the calendar and the package version. Equal fingerprints
mean the run would publish the same figures again.
"""

from __future__ import annotations

import hashlib
import importlib.util
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from dagster_project.lib.dbt_manifest import sources_hash


def package_version() -> str:
    try:
        return version("maalbar")
    except PackageNotFoundError:
        return "unknown"


def calendar_version() -> str:
    """The holidays release and the code that turns it into raw.kalender. Read without
    importing the calendar, which imports every country of the holidays package (some 0.3 s)."""
    code = Path(importlib.util.find_spec("dagster_project.lib.calendar").origin).read_bytes()
    return f"holidays {version('holidays')} {hashlib.sha256(code).hexdigest()[:16]}"


def input_fingerprint(con: duckdb.DuckDBPyConnection, ledger: str = "meta.file_ledger") -> str:
    digest = hashlib.sha256()
    digest.update(sources_hash().encode())
    digest.update(calendar_version().encode())
    digest.update(package_version().encode())
    for name, sha in con.execute(
        f"SELECT file_name, file_sha256 FROM {ledger} WHERE status = 'loaded' ORDER BY 1, 2"
    ).fetchall():
        digest.update(f"{name}:{sha}\n".encode())
    return digest.hexdigest()


def published_fingerprint(published) -> str | None:
    if not published.exists():
        return None
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute("SELECT input_fingerprint FROM meta.publication").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None
