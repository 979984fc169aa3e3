"""`maalbar withdraw FILE --reason TEXT` and `maalbar restore FILE`: a wrong delivery taken out
of the warehouse, and let back in.

A withdrawal takes the file's rows out of the raw tables and lets its slot fall back to the
previous version of the file (loaded again from its raw copy under `$MAALBAR_DATA_DIR/raw`,
never from the landing folder, which is the source systems' and may have changed since), or
to nothing; the rows and the ledger change in one transaction. A withdrawn file is never
loaded again while it stays withdrawn, though its bytes stay in the landing folder. The
next run rebuilds what the file's tables reach (`transform.changed_tables` reads the time of
the withdrawal) and publishes without it. A restored file is loaded by the next run as if it
were new.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.lib import ledger, loader, rawcopy
from dagster_project.lib.config import Settings
from dagster_project.lib.specs import FileSpec


class Refused(Exception):
    """Nothing was changed; the message says why, in one line."""


@dataclass
class Withdrawal:
    file_name: str
    sha256: str
    slot: str
    was: str  # the ledger status before: loaded, superseded, quarantined or restored
    rows_removed: int = 0
    reloaded: list[tuple[str, int]] = field(default_factory=list)  # (file, rows accepted)
    # Earlier versions not loaded again: (file, why), e.g. its raw copy is gone.
    passed_over: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        said = [f"withdrawn: {self.file_name} (sha256 {self.sha256[:16]}…), was {self.was}"]
        if self.was == ledger.QUARANTINED:
            return [*said, "none of its rows were loaded; a run no longer stops for it"]
        if self.was != ledger.LOADED:
            return [*said, "none of its rows were in the raw tables; they are as they were"]
        said.append(f"{self.rows_removed:,} rows removed from the raw tables")
        said += [f"not loaded again: {name}: {why}" for name, why in self.passed_over]
        said += [
            f"loaded again from its raw copy: {name} ({rows:,} rows)"
            for name, rows in self.reloaded
        ]
        if not self.reloaded:
            said.append(f"{self.slot} holds nothing now: no earlier version to fall back to")
        return [*said, "the next `maalbar run` publishes without it"]


def operator() -> str:
    """Who is doing it, when not named: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container without /etc/passwd)
        return "unknown"


def withdraw(settings: Settings, file: str, reason: str, by: str | None = None) -> Withdrawal:
    """Withdraw the delivery `file` (a name as in the ledger, or a path to its bytes). Raises
    Refused, having changed nothing."""
    by = by or operator()
    _check_text("--reason", reason)
    _check_text("--by", by)
    with _warehouse(settings) as con:
        target = _target(con, file, exclude=ledger.WITHDRAWN)
        name, sha, source, raw_table, slot, status = target
        spec = _spec(source, raw_table)
        done = Withdrawal(name, sha, slot, status)
        run_id = "withdraw-" + time.strftime("%Y%m%dT%H%M%S")
        con.execute("BEGIN TRANSACTION")
        try:
            if status == ledger.LOADED:
                done.rows_removed = _remove_rows(con, spec, name, sha)
            con.execute(
                "UPDATE meta.file_ledger SET status = ?, withdrawn_by = ?, "
                "withdrawn_at = now()::TIMESTAMP, withdrawn_reason = ?, restored_by = NULL, "
                "restored_at = NULL WHERE file_name = ? AND file_sha256 = ?",
                [ledger.WITHDRAWN, by, reason, name, sha],
            )
            if status == ledger.LOADED:
                _fall_back(con, settings, spec, target, run_id, done)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return done


def restore(settings: Settings, file: str, by: str | None = None) -> list[str]:
    """Clear the withdrawal of `file`: the next run loads it as if it were new. Raises
    Refused, having changed nothing."""
    by = by or operator()
    _check_text("--by", by)
    with _warehouse(settings) as con:
        name, sha, source, *_ = _target(con, file, only=ledger.WITHDRAWN)
        con.execute(
            "UPDATE meta.file_ledger SET status = ?, restored_by = ?, "
            "restored_at = now()::TIMESTAMP WHERE file_name = ? AND file_sha256 = ?",
            [ledger.RESTORED, by, name, sha],
        )
    landed = settings.landing_dir / source / name
    there = landed.is_file() and loader.sha256_of(landed) == sha
    return [
        f"restored: {name} (sha256 {sha[:16]}…)",
        "the next `maalbar run` loads it again"
        if there
        else f"its bytes are not in {landed.parent} now: a run loads it again when they are",
    ]


def _check_text(option: str, text: str) -> None:
    """Free text bound for the ledger, which the publication carries: never empty, and
    never a CPR number (published.md), which would stop every publication after it."""
    from dagster_project.defs.publish import CPR_TOKEN

    if not text.strip():
        raise Refused(f"{option} must say something")
    for found in re.finditer(CPR_TOKEN, text):
        try:
            time.strptime(found.group(2), "%d%m%y")
        except ValueError:
            continue  # ten digits, but not a birth date
        raise Refused(
            f"{option} holds what looks like a CPR number; the ledger is published, "
            "so say it without the number"
        )


@contextlib.contextmanager
def _warehouse(settings: Settings):
    """The warehouse for writing, with the run lock held: a withdrawal never interleaves
    with a run."""
    from dagster_project.lib.runner import RunInProgress, exclusive_run

    if not settings.warehouse_path.exists():
        raise Refused(f"no warehouse yet at {settings.warehouse_path}: nothing has been loaded")
    try:
        with exclusive_run(settings):
            try:
                con = duckdb.connect(str(settings.warehouse_path))
            except duckdb.IOException as err:
                if "lock" not in str(err).lower():
                    raise
                # A run started elsewhere (the Dagster UI) holds the warehouse.
                raise Refused(
                    f"a run is writing the warehouse at {settings.warehouse_path}; "
                    "try again when it has ended"
                ) from None
            try:
                ledger.ensure(con)
                yield con
            finally:
                con.close()
    except RunInProgress as err:
        raise Refused(str(err)) from None


def _target(con, file: str, exclude: str | None = None, only: str | None = None) -> tuple:
    """(name, sha, source, raw table, slot, status) of the ledger's version of `file`: the
    version whose bytes lie at the path given, else the loaded one, else the latest seen."""
    path = Path(file)
    name = path.name
    sha = loader.sha256_of(path) if path.is_file() else None
    rows = con.execute(
        "SELECT file_name, file_sha256, source, raw_table, slot, status, withdrawn_by, "
        "withdrawn_at, withdrawn_reason FROM meta.file_ledger "
        "WHERE file_name = ? AND (?::VARCHAR IS NULL OR file_sha256 = ?) "
        "ORDER BY status = 'loaded' DESC, greatest(seen_at, withdrawn_at) DESC",
        [name, sha, sha],
    ).fetchall()
    if not rows:
        which = f" with SHA-256 {sha}" if sha else ""
        raise Refused(f"{name}{which} is not in the ledger (`maalbar status` lists the files)")
    wanted = [row for row in rows if row[5] != exclude and (only is None or row[5] == only)]
    if not wanted:
        name, sha, *_, status, by, at, why = rows[0]
        if status == ledger.WITHDRAWN:
            raise Refused(f"{name} is withdrawn already (by {by} at {at:%Y-%m-%d %H:%M}: {why})")
        raise Refused(f"{name} is not withdrawn (it is {status})")
    return wanted[0][:6]


def _spec(source: str, raw_table: str) -> FileSpec:
    from dagster_project.defs.ingest.assets import ALL_SPECS

    return next(spec for spec in ALL_SPECS if (spec.source, spec.table) == (source, raw_table))


def _remove_rows(con, spec: FileSpec, name: str, sha: str) -> int:
    removed = 0
    for table in spec.sheets or (spec,):
        removed += con.execute(
            f"DELETE FROM raw.{table.table} WHERE _file_name = ? AND _file_sha256 = ?",
            [name, sha],
        ).fetchone()[0]
    return removed


def _fall_back(con, settings: Settings, spec: FileSpec, target, run_id: str, done) -> None:
    """The slot as a cold run without the withdrawn file would leave it: the newest earlier
    version that still passes its checks; where a file replaces rows by key (indicator values
    per source system), every earlier version applied again, oldest first."""
    name, _, _, raw_table, slot, _ = target
    versions = con.execute(
        "SELECT file_name, file_sha256, size_bytes, raw_copy_sha256, trimmed_before, "
        "rows_purged FROM meta.file_ledger "
        "WHERE raw_table = ? AND slot = ? AND status IN ('loaded', 'superseded') "
        "ORDER BY version, seen_at, file_name",
        [raw_table, slot],
    ).fetchall()
    if spec.replace_keys:
        # The other versions' rows stand as the withdrawn one left them: start from nothing.
        con.execute(f"DELETE FROM raw.{spec.table} WHERE {spec.replaces(spec.match(name))}")
    else:
        versions.reverse()  # newest first; the first that loads stands for the slot
    for version_name, version_sha, size, copy_sha, trimmed, purged in versions:
        fields = spec.match(version_name)
        copy = settings.raw_copy_dir / spec.source / rawcopy.copy_name(version_name, version_sha)
        if not copy.is_file():
            done.passed_over.append((version_name, f"its raw copy {copy} is gone"))
            continue
        data = copy.read_bytes()
        # The copy as kept (its CPR numbers pseudonymised, perhaps trimmed to the retention
        # period: the ledger's raw_copy_sha256), or as delivered (a copy kept before
        # pseudonymised copies, not yet upgraded by a run: the delivered file's SHA-256).
        digest = hashlib.sha256(data).hexdigest()
        if digest not in (version_sha, copy_sha):
            done.passed_over.append((version_name, f"its raw copy {copy} is not the file"))
            continue
        kept = digest != version_sha
        if not kept:
            # Kept from here on as a run keeps it (`lib/rawcopy.py`).
            fresh = rawcopy.keep(copy.parent, version_name, version_sha, spec, data)
            copy_sha = fresh.sha256 if fresh else None
        base = dict(
            file_name=version_name,
            file_sha256=version_sha,
            source=spec.source,
            raw_table=spec.table,
            slot=slot,
            version=spec.version(fields),
            size_bytes=size,
            run_id=run_id,
            raw_copy=str(copy),
            raw_copy_sha256=copy_sha,
            trimmed_before=trimmed,
            rows_purged=purged,
        )
        # Checked again, as a cold run would: the rows it references may have changed.
        con.execute(
            "DELETE FROM meta.rejected_rows WHERE file_name = ? AND file_sha256 = ?",
            [version_name, version_sha],
        )
        with loader.checked_rows(con, spec, fields, data, kept=kept) as checked:
            if checked.problem is not None:
                loader.keep_quarantined(settings, base, data, checked.problem, spec, kept=kept)
                loader.record_quarantined(con, base, checked)
                done.passed_over.append((version_name, f"quarantined: {checked.problem}"))
                continue
            note = f"loaded again from its raw copy: {name} was withdrawn"
            loader.store(con, checked, fields, base, note=note)
        done.reloaded.append((version_name, checked.rows_read - checked.rejected_lines))
        if not spec.replace_keys:
            return
