"""Loading landing files into raw tables: identify, copy, validate, replace, record.

Each file is handled in one DuckDB transaction together with its ledger row, so a run
killed half-way leaves every file either wholly loaded and recorded, or not at all.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.lib import ledger
from dagster_project.lib.config import Settings
from dagster_project.lib.csvfile import LINE_COLUMN, FileRejected, read_table
from dagster_project.lib.danish import sql_quote
from dagster_project.lib.specs import FileSpec

# More than this share of a file's data rows rejected quarantines the whole file.
MAX_REJECTED_SHARE = 0.01
REPORTED_REJECTIONS = 20  # how many rejected rows a quarantine reason quotes


@dataclass
class FileOutcome:
    file_name: str
    sha256: str
    status: str  # loaded | quarantined | superseded | unchanged
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landing_files(settings: Settings, spec: FileSpec) -> list[tuple[Path, dict[str, str]]]:
    folder = settings.landing_dir / spec.source
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        fields = spec.match(path.name) if path.is_file() else None
        if fields is not None:
            found.append((path, fields))
    # Oldest version first, so that within one run the newest delivery is applied last.
    found.sort(key=lambda item: (spec.slot(item[1]), spec.version(item[1]), item[0].name))
    return found


def _copy_untouched(path: Path, target_dir: Path, sha256: str) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{sha256[:16]}_{path.name}"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    return target


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: list[FileSpec]) -> None:
    ledger.ensure(con)
    for spec in specs:
        con.execute(spec.ddl())


def ingest(
    con: duckdb.DuckDBPyConnection,
    spec: FileSpec,
    settings: Settings,
    run_id: str,
    transform: Callable[[pa.Table], pa.Table] | None = None,
    log: Callable[[str], None] = print,
) -> list[FileOutcome]:
    """Load every new file of `spec` from the landing folder. Returns one outcome per file."""
    outcomes = []
    for path, fields in landing_files(settings, spec):
        sha = sha256_of(path)
        status = ledger.seen(con, path.name, sha)
        if status is not None:
            outcomes.append(FileOutcome(path.name, sha, "unchanged", reason=status))
            continue
        outcome = _ingest_file(con, spec, settings, run_id, path, fields, sha, transform)
        log(
            f"{path.name}: {outcome.status}, {outcome.rows_accepted} rows accepted, "
            f"{outcome.rows_rejected} rejected{' — ' + outcome.reason if outcome.reason else ''}"
        )
        outcomes.append(outcome)
    return outcomes


def _ingest_file(con, spec, settings, run_id, path, fields, sha, transform) -> FileOutcome:
    data = path.read_bytes()
    copy = _copy_untouched(path, settings.raw_copy_dir / spec.source, sha)
    slot, version = spec.slot(fields), spec.version(fields)
    base = dict(
        file_name=path.name,
        file_sha256=sha,
        source=spec.source,
        raw_table=spec.table,
        slot=slot,
        version=version,
        size_bytes=len(data),
        run_id=run_id,
        raw_copy=str(copy),
    )
    current = ledger.current_in_slot(con, spec.table, slot)
    if current is not None and current[2] > version:
        reason = f"older than {current[0]}, which is loaded for {slot}"
        ledger.record(con, **base, status=ledger.SUPERSEDED, reason=reason)
        return FileOutcome(path.name, sha, ledger.SUPERSEDED, reason=reason)

    try:
        csv_table = read_table(data, spec.required_columns, spec.optional_columns)
    except FileRejected as err:
        return _quarantine(con, settings, base, path, str(err), [], 0)

    transform = transform or spec.transform
    incoming = transform(csv_table.table) if transform else csv_table.table
    warnings = [f"extra column '{name}' ignored" for name in csv_table.extra_columns]
    con.register("incoming_rows", incoming)
    try:
        _build_typed(con, spec, fields)
        rejected = _rejections(con, spec, fields, csv_table.bad_lines)
        rows_read = incoming.num_rows + len(csv_table.bad_lines)
        rejected_lines = len({line for line, *_ in rejected})
        file_errors = [message for rule in spec.file_rules for message in rule(con)]
        if file_errors:
            return _quarantine(
                con, settings, base, path, "; ".join(file_errors), rejected, rows_read
            )
        if rows_read and rejected_lines / rows_read > MAX_REJECTED_SHARE:
            reason = (
                f"{rejected_lines} of {rows_read} data rows rejected "
                f"(more than {MAX_REJECTED_SHARE:.0%}): " + _quote(rejected)
            )
            return _quarantine(con, settings, base, path, reason, rejected, rows_read)
        accepted = rows_read - rejected_lines
        con.execute("BEGIN TRANSACTION")
        if current is not None:
            con.execute(
                "UPDATE meta.file_ledger SET status = 'superseded', "
                "reason = 'replaced by ' || ? WHERE file_name = ? AND file_sha256 = ?",
                [path.name, current[0], current[1]],
            )
        con.execute(f"DELETE FROM raw.{spec.table} WHERE {spec.replaces(fields)}")
        _insert_accepted(con, spec, base, rejected)
        _store_rejected(con, base, rejected)
        ledger.record(
            con,
            **base,
            encoding=csv_table.encoding,
            rows_read=rows_read,
            rows_accepted=accepted,
            rows_rejected=rejected_lines,
            status=ledger.LOADED,
            reason=_quote(rejected) if rejected else None,
            warnings="; ".join(warnings) or None,
        )
        con.execute("COMMIT")
        return FileOutcome(
            path.name, sha, ledger.LOADED, rows_read, accepted, rejected_lines, warnings=warnings
        )
    finally:
        con.unregister("incoming_rows")
        con.execute("DROP TABLE IF EXISTS typed_rows")


def _build_typed(con, spec: FileSpec, fields: dict[str, str]) -> None:
    selects = [LINE_COLUMN]
    for column in spec.columns:
        text = f"nullif(trim({column.name}), '')"
        selects.append(f"{text} AS {column.name}__text")
        selects.append(f"{column.parsed(text)} AS {column.name}")
    for file_column in spec.file_columns:
        selects.append(
            f"CAST({file_column.value(fields)} AS {file_column.sql_type}) AS {file_column.name}"
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed_rows AS SELECT {', '.join(selects)} FROM incoming_rows"
    )


def _rejections(con, spec: FileSpec, fields, bad_lines) -> list[tuple[int, str, str | None, str]]:
    """(line, column, value, reason) of every broken rule, in line order."""
    parts = []
    for column in spec.columns:
        text = f"{column.name}__text"
        value = "NULL" if column.personal else text
        empty = "NULL" if column.nullable else "'required value is empty'"
        reason = f"CASE WHEN {text} IS NULL THEN {empty} ELSE {column.error(text)} END"
        if column.references_organisation:
            reason = (
                f"coalesce({reason}, CASE WHEN {text} IS NOT NULL AND {text} NOT IN "
                "(SELECT omkostningssted FROM raw.organisation) "
                "THEN 'unknown cost centre (not in the organisation snapshot)' END)"
            )
        parts.append(
            f"SELECT {LINE_COLUMN}, '{column.name}' AS column_name, {value} AS value, "
            f"{reason} AS reason FROM typed_rows"
        )
    for rule in spec.row_rules:
        parts.append(
            f"SELECT {LINE_COLUMN}, '{rule.column}', t.{rule.column}__text, "
            f"{sql_quote(rule.reason(fields))} FROM typed_rows t WHERE {rule.failing_when(fields)}"
        )
    query = f"SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE reason IS NOT NULL ORDER BY 1, 2"
    rows = con.execute(query).fetchall()
    rows += [(line, None, None, reason) for line, reason in bad_lines]
    rows.sort(key=lambda row: row[0])
    return rows


def _insert_accepted(con, spec: FileSpec, base, rejected) -> None:
    names = [name for name, _ in spec.raw_columns()]
    values = (
        [fc.name for fc in spec.file_columns]
        + [c.name for c in spec.columns]
        + ["?", "?", LINE_COLUMN]
    )
    lines = pa.table({"line_number": pa.array(sorted({row[0] for row in rejected}), pa.int32())})
    con.register("rejected_lines", lines)
    try:
        con.execute(
            f"INSERT INTO raw.{spec.table} ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM typed_rows WHERE {LINE_COLUMN} NOT IN (SELECT line_number FROM rejected_lines)",
            [base["file_name"], base["file_sha256"]],
        )
    finally:
        con.unregister("rejected_lines")


def _store_rejected(con, base, rejected) -> None:
    if rejected:
        con.executemany(
            "INSERT INTO meta.rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    base["file_name"],
                    base["file_sha256"],
                    line,
                    column,
                    value,
                    reason,
                    base["run_id"],
                )
                for line, column, value, reason in rejected
            ],
        )


def _quote(rejected) -> str:
    shown = [
        f"line {line}"
        + (f", column {column}" if column else "")
        + (f" ('{value}')" if value is not None else "")
        + f": {reason}"
        for line, column, value, reason in rejected[:REPORTED_REJECTIONS]
    ]
    more = len(rejected) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _quarantine(con, settings: Settings, base, path: Path, reason: str, rejected, rows_read):
    target = _copy_untouched(path, settings.quarantine_dir, base["file_sha256"])
    target.with_name(target.name + ".reason.txt").write_text(
        f"{path.name} (sha256 {base['file_sha256']}) quarantined in run {base['run_id']}:\n"
        f"{reason}\n",
        encoding="utf-8",
    )
    rejected_lines = len({row[0] for row in rejected})
    con.execute("BEGIN TRANSACTION")
    _store_rejected(con, base, rejected)
    ledger.record(
        con,
        **base,
        rows_read=rows_read,
        rows_accepted=0,
        rows_rejected=rejected_lines,
        status=ledger.QUARANTINED,
        reason=reason,
    )
    con.execute("COMMIT")
    return FileOutcome(
        path.name, base["file_sha256"], ledger.QUARANTINED, rows_read, 0, rejected_lines, reason
    )
