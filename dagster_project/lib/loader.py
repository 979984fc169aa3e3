"""Loading landing files into raw tables: identify, copy, validate, replace, record.

Each file is handled in one DuckDB transaction together with its ledger row, so a run
killed half-way leaves every file either wholly loaded and recorded, or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.lib import ledger, rawcopy, retention, warehouse
from dagster_project.lib.config import Settings
from dagster_project.lib.csvfile import LINE_COLUMN, CsvTable, FileRejected, read_table
from dagster_project.lib.danish import sql_quote
from dagster_project.lib.pseudonym import mask_cpr, pseudonymise_column
from dagster_project.lib.specs import FileSpec
from dagster_project.lib.xlsxfile import read_workbook

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


def landing_tables(settings: Settings) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, SHA-256, raw tables it loads into) of every landing file that matches a
    pattern of sources.md."""
    from dagster_project.defs.ingest.assets import ALL_SPECS

    files = [
        (path, tuple(part.table for part in spec.sheets or (spec,)))
        for spec in ALL_SPECS
        for path, _ in landing_files(settings, spec)
    ]
    # hashlib and file reads release the interpreter: one thread per core hashes that many
    # files at once (the 1.8 GB landing folder of the L demo: 0.98 s on one).
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as hashing:
        digests = list(hashing.map(sha256_of, [path for path, _ in files]))
    return [
        (path.name, digest, tables) for (path, tables), digest in zip(files, digests, strict=True)
    ]


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: list[FileSpec]) -> None:
    ledger.ensure(con)
    retention.ensure(con)
    for spec in specs:
        for table_spec in spec.sheets or (spec,):
            con.execute(table_spec.ddl())


def ingest(
    con: duckdb.DuckDBPyConnection,
    spec: FileSpec,
    settings: Settings,
    run_id: str,
    transform: Callable[[pa.Table], pa.Table] | None = None,
    log: Callable[[str], None] = print,
    on_loaded: Callable[[FileOutcome], None] | None = None,
    threads: int | None = None,
) -> list[FileOutcome]:
    """Load every new file of `spec` from the landing folder. Returns one outcome per file,
    in landing order; log is called with each new file's outcome and on_loaded with each
    committed one's, on the calling thread and in landing order (so the GX batches are the
    same whichever connection finished first).

    Files of different slots (months, years) load side by side on `threads` connections of
    the same database: a file's statements mostly run on one core (its rows fit a row group
    or two), and its Python between them (reading the CSV, the rules) leaves DuckDB idle.
    The files of one slot load one after another, oldest version first, so the newest
    delivery is applied last."""
    files = landing_files(settings, spec)
    groups: dict[str, list[tuple[int, Path, dict[str, str]]]] = {}
    for index, (path, fields) in enumerate(files):
        groups.setdefault(spec.slot(fields), []).append((index, path, fields))
    work: queue.SimpleQueue = queue.SimpleQueue()
    for group in groups.values():
        work.put(group)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def load(cursor: duckdb.DuckDBPyConnection) -> None:
        try:
            while not stop.is_set():
                try:
                    group = work.get_nowait()
                except queue.Empty:
                    return
                for index, path, fields in group:
                    if stop.is_set():
                        return
                    done.put(
                        (index, _load_file(cursor, spec, settings, run_id, path, fields, transform))
                    )
        except BaseException as err:  # handed to the calling thread, which raises it
            stop.set()
            done.put((None, err))
        finally:
            done.put(_FINISHED)

    count = max(1, min(threads or ingest_threads(), len(groups)))
    cursors = [con.cursor() for _ in range(count)]
    workers = [
        threading.Thread(target=load, args=(cursor,), name=f"ingest-{spec.table}-{number}")
        for number, cursor in enumerate(cursors)
    ]
    outcomes: list[FileOutcome | None] = [None] * len(files)
    error: BaseException | None = None
    released = 0  # outcomes before this index have been logged and handed on
    try:
        for worker in workers:
            worker.start()
        finished = 0
        while finished < count:
            item = done.get()
            if item is _FINISHED:
                finished += 1
                continue
            index, outcome = item
            if index is None:
                error = error or outcome
                continue
            outcomes[index] = outcome
            # The slots are taken in landing order, so an outcome waits at most for the files
            # the other connections are loading.
            while error is None and released < len(files) and outcomes[released] is not None:
                _report(outcomes[released], log, on_loaded)
                released += 1
    except BaseException as err:
        stop.set()
        error = error or err
    finally:
        for worker in workers:
            worker.join()
        for cursor in cursors:
            cursor.close()
    if error is not None:
        raise error
    return [outcome for outcome in outcomes if outcome is not None]


_FINISHED = object()  # a loading thread has ended


def _report(outcome: FileOutcome, log, on_loaded) -> None:
    if outcome.status == "unchanged":
        return
    log(
        f"{outcome.file_name}: {outcome.status}, {outcome.rows_accepted} rows accepted, "
        f"{outcome.rows_rejected} rejected{' — ' + outcome.reason if outcome.reason else ''}"
    )
    if on_loaded is not None and outcome.status == ledger.LOADED:
        on_loaded(outcome)


def ingest_threads() -> int:
    """Connections loading one source's files side by side: one per core, at least two
    (one file's Python runs while another's SQL does), at most four."""
    return max(2, min(4, os.cpu_count() or 1))


def _load_file(con, spec, settings, run_id, path, fields, transform) -> FileOutcome:
    # Read once: the SHA-256 in the ledger, the rows loaded and the raw copy are of the same
    # bytes, even if the file is replaced in the landing folder meanwhile.
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    status = ledger.seen(con, path.name, sha)
    if status is not None:
        return FileOutcome(path.name, sha, "unchanged", reason=status)
    return _ingest_file(con, spec, settings, run_id, path, fields, data, sha, transform)


@dataclass
class _Part:
    """One raw table's share of a file: the whole CSV, or one sheet of a workbook."""

    spec: FileSpec
    csv: CsvTable
    prefix: str = ""  # "sheet." for workbook parts, so a reason names the sheet
    rejected: list = field(default_factory=list)

    @property
    def typed(self) -> str:
        return typed_table(self.spec)

    @property
    def incoming(self) -> str:
        return f"incoming_{self.spec.table}"


def typed_table(spec: FileSpec) -> str:
    """The temp table holding a file's typed rows while its rules run."""
    return f"typed_{spec.table}"


def _read_parts(spec: FileSpec, data: bytes) -> list[_Part]:
    if spec.sheets:
        sheets = {
            sheet.source: (sheet.required_columns, sheet.optional_columns, sheet.optional_sheet)
            for sheet in spec.sheets
        }
        tables = read_workbook(data, sheets)
        return [_Part(sheet, tables[sheet.source], f"{sheet.source}.") for sheet in spec.sheets]
    return [_Part(spec, read_table(data, spec.required_columns, spec.optional_columns))]


def _ingest_file(con, spec, settings, run_id, path, fields, data, sha, transform) -> FileOutcome:
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
    )
    too_old = retention.expired(con, spec, fields)
    if too_old is not None:
        ledger.record(con, **base, status=ledger.EXPIRED, reason=too_old)
        return FileOutcome(path.name, sha, ledger.EXPIRED, reason=too_old)
    # The copy kept for auditors: as delivered, or with its CPR numbers pseudonymised.
    kept = rawcopy.keep(settings.raw_copy_dir / spec.source, path.name, sha, spec, data)
    base["raw_copy"] = str(kept.path) if kept else None
    base["raw_copy_sha256"] = kept.sha256 if kept else None
    current = ledger.current_in_slot(con, spec.table, slot)
    if current is not None and current[2] > version:
        reason = f"older than {current[0]}, which is loaded for {slot}"
        ledger.record(con, **base, status=ledger.SUPERSEDED, reason=reason)
        return FileOutcome(path.name, sha, ledger.SUPERSEDED, reason=reason)

    with checked_rows(con, spec, fields, data, transform) as checked:
        if checked.problem is not None:
            keep_quarantined(settings, base, data, checked.problem, spec)
            con.execute("BEGIN TRANSACTION")
            record_quarantined(con, base, checked)
            con.execute("COMMIT")
            return FileOutcome(
                path.name,
                sha,
                ledger.QUARANTINED,
                checked.rows_read,
                0,
                checked.rejected_lines,
                checked.problem,
            )
        con.execute("BEGIN TRANSACTION")
        if current is not None and not spec.replace_keys:
            con.execute(
                "UPDATE meta.file_ledger SET status = 'superseded', "
                "reason = 'replaced by ' || ? WHERE file_name = ? AND file_sha256 = ?",
                [path.name, current[0], current[1]],
            )
        store(con, checked, fields, base)
        con.execute("COMMIT")
    return FileOutcome(
        path.name,
        sha,
        ledger.LOADED,
        checked.rows_read,
        checked.rows_read - checked.rejected_lines,
        checked.rejected_lines,
        warnings=checked.warnings,
    )


@dataclass
class CheckedFile:
    """A file's rows typed and checked against every rule of its spec."""

    parts: list[_Part]
    rows_read: int = 0
    rejected: list = field(default_factory=list)  # (line, column, value, reason), by line
    rejected_lines: int = 0
    warnings: list[str] = field(default_factory=list)
    problem: str | None = None  # why the whole file is quarantined; None: it loads


def _kept_transform(spec: FileSpec):
    """The transform of a kept copy, whose CPR column holds pseudonyms already."""
    if not spec.personal:
        return spec.transform
    [column] = rawcopy.personal_columns(spec)
    return pseudonymise_column(column, kept=True)


@contextlib.contextmanager
def checked_rows(con, spec: FileSpec, fields, data: bytes, transform=None, kept: bool = False):
    """The file's bytes read, typed and checked (a CheckedFile); its typed rows stay in
    temp tables until the block ends, for `store` to insert. kept: `data` is the copy
    Maalbar keeps (`lib/rawcopy.py`), CPR numbers pseudonymised already. No message of it
    holds a CPR number (`mask_cpr`): a rejected CPR value is named by its line and column."""
    try:
        parts = _read_parts(spec, data)
    except FileRejected as err:
        yield CheckedFile([], problem=mask_cpr(str(err)))
        return
    for part in parts:
        part_transform = transform or (_kept_transform(part.spec) if kept else part.spec.transform)
        if part_transform:
            part.csv.table = part_transform(part.csv.table)
        con.register(part.incoming, part.csv.table)
    try:
        for part in parts:
            _build_typed(con, part, fields)
            part.rejected = _rejections(con, part, fields)
        rejected = sorted(
            (
                (line, column, mask_cpr(value), mask_cpr(reason))
                for part in parts
                for line, column, value, reason in part.rejected
            ),
            key=lambda row: (row[1] or "", row[0]),
        )
        rows_read = sum(part.csv.table.num_rows + len(part.csv.bad_lines) for part in parts)
        rejected_lines = sum(len({row[0] for row in part.rejected}) for part in parts)
        rules = [rule for part in parts for rule in part.spec.file_rules]
        if spec.sheets:
            rules += list(spec.file_rules)  # rules across the sheets
        file_errors = [mask_cpr(message) for rule in rules for message in rule(con)]
        problem = None
        if file_errors:
            problem = "; ".join(file_errors + ([_quote(rejected)] if rejected else []))
        elif rows_read and rejected_lines / rows_read > spec.max_rejected_share:
            problem = (
                f"{rejected_lines} of {rows_read} data rows rejected "
                f"(more than {spec.max_rejected_share:.0%}): " + _quote(rejected)
            )
        warnings = [
            mask_cpr(f"extra column '{part.prefix}{name}' ignored")
            for part in parts
            for name in part.csv.extra_columns
        ]
        yield CheckedFile(parts, rows_read, rejected, rejected_lines, warnings, problem)
    finally:
        for part in parts:
            con.unregister(part.incoming)
            con.execute(f"DROP TABLE IF EXISTS {part.typed}")


def store(con, checked: CheckedFile, fields, base: dict, note: str | None = None) -> None:
    """The file's accepted rows in place of what it replaces, its rejected rows and its
    ledger row `loaded`; inside the caller's transaction. note: said before the quote of
    its rejected rows in the ledger's reason."""
    for part in checked.parts:
        _replace(con, part, fields, base)
    _store_rejected(con, base, checked.rejected)
    quote = _quote(checked.rejected) if checked.rejected else None
    ledger.record(
        con,
        **base,
        encoding=checked.parts[0].csv.encoding,
        rows_read=checked.rows_read,
        rows_accepted=checked.rows_read - checked.rejected_lines,
        rows_rejected=checked.rejected_lines,
        status=ledger.LOADED,
        reason="; ".join(text for text in (note, quote) if text) or None,
        warnings="; ".join(checked.warnings) or None,
    )


def _build_typed(con, part: _Part, fields: dict[str, str]) -> None:
    selects = [LINE_COLUMN]
    for column in part.spec.columns:
        text = f"nullif(trim({column.name}), '')"
        selects.append(f"{text} AS {column.name}__text")
        selects.append(f"{column.parsed(text)} AS {column.name}")
    for file_column in part.spec.file_columns:
        selects.append(
            f"CAST({file_column.value(fields)} AS {file_column.sql_type}) AS {file_column.name}"
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {part.typed} AS SELECT {', '.join(selects)} "
        f"FROM {part.incoming}"
    )


def _rejections(con, part: _Part, fields) -> list[tuple[int, str, str | None, str]]:
    """(line, column, value, reason) of every broken rule, in line order."""
    selects = []
    for column in part.spec.columns:
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
        selects.append(
            f"SELECT {LINE_COLUMN}, '{part.prefix}{column.name}' AS column_name, "
            f"{value} AS value, {reason} AS reason FROM {part.typed}"
        )
    for rule in part.spec.row_rules:
        selects.append(
            f"SELECT {LINE_COLUMN}, '{part.prefix}{rule.column}', t.{rule.column}__text, "
            f"{sql_quote(rule.reason(fields))} FROM {part.typed} t "
            f"WHERE {rule.failing_when(fields)}"
        )
    query = f"SELECT * FROM ({' UNION ALL '.join(selects)}) WHERE reason IS NOT NULL ORDER BY 1, 2"
    rows = con.execute(query).fetchall()
    rows += [(line, None, None, reason) for line, reason in part.csv.bad_lines]
    rows.sort(key=lambda row: row[0])
    return rows


def _replace(con, part: _Part, fields, base) -> None:
    """Delete what the file replaces, then insert its accepted rows."""
    spec = part.spec
    lines = pa.table(
        {"line_number": pa.array(sorted({row[0] for row in part.rejected}), pa.int32())}
    )
    con.register("rejected_lines", lines)
    accepted = (
        f"SELECT * FROM {part.typed} "
        f"WHERE {LINE_COLUMN} NOT IN (SELECT line_number FROM rejected_lines)"
    )
    try:
        if spec.replace_keys:
            # Only the rows with the same key as a delivered row are replaced.
            matches = " AND ".join(f"r.{key} = a.{key}" for key in spec.replace_keys)
            con.execute(
                f"DELETE FROM raw.{spec.table} r WHERE {spec.replaces(fields)} "
                f"AND EXISTS (SELECT 1 FROM ({accepted}) a WHERE {matches})"
            )
        else:
            con.execute(f"DELETE FROM raw.{spec.table} WHERE {spec.replaces(fields)}")
        names = [name for name, _ in spec.raw_columns()]
        values = (
            [fc.name for fc in spec.file_columns]
            + [c.name for c in spec.columns]
            + ["?", "?", LINE_COLUMN]
        )
        con.execute(
            f"INSERT INTO raw.{spec.table} ({', '.join(names)}) "
            f"SELECT {', '.join(values)} FROM ({accepted})",
            [base["file_name"], base["file_sha256"]],
        )
    finally:
        con.unregister("rejected_lines")


def _store_rejected(con, base, rejected) -> None:
    warehouse.insert_rows(
        con,
        "meta.rejected_rows",
        REJECTED_COLUMNS,
        [
            (base["file_name"], base["file_sha256"], line, column, value, reason, base["run_id"])
            for line, column, value, reason in rejected
        ],
    )


REJECTED_COLUMNS = (
    "file_name",
    "file_sha256",
    "line_number",
    "column_name",
    "value",
    "reason",
    "run_id",
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


# Said with every quarantined file: nothing of it was loaded, and how to get past it.
QUARANTINE_NEXT_STEP = (
    "nothing of the file was loaded and the previous delivery stays in use; ask the source "
    "system for a corrected export (the same file name with new bytes, or a newer extraction "
    "date) and put it in the landing folder"
)


def quarantine_reason_file(settings: Settings, name: str, sha256: str) -> Path:
    """Where a quarantined file's reason is written, beside its untouched copy."""
    return settings.quarantine_dir / f"{sha256[:16]}_{name}.reason.txt"


def keep_quarantined(
    settings: Settings, base: dict, data: bytes, reason: str, spec: FileSpec, kept: bool = False
) -> None:
    """A copy of a quarantined file and a `.reason.txt` beside it, for the person who fixes
    the export. A file with CPR numbers is kept pseudonymised like its raw copy, or, when it
    cannot be parsed, not at all: its name, hash and reason are what is kept."""
    name, sha = base["file_name"], base["file_sha256"]
    rawcopy.keep(settings.quarantine_dir, name, sha, spec, data, kept=kept)
    settings.quarantine_dir.mkdir(parents=True, exist_ok=True)
    quarantine_reason_file(settings, name, sha).write_text(
        f"{name} (sha256 {sha}) quarantined in run {base['run_id']}:\n"
        f"{mask_cpr(reason)}\n\nWhat to do: {QUARANTINE_NEXT_STEP}.\n",
        encoding="utf-8",
    )


def record_quarantined(con, base: dict, checked: CheckedFile) -> None:
    """A quarantined file's rejected rows and ledger row; inside the caller's transaction."""
    _store_rejected(con, base, checked.rejected)
    ledger.record(
        con,
        **base,
        rows_read=checked.rows_read,
        rows_accepted=0,
        rows_rejected=checked.rejected_lines,
        status=ledger.QUARANTINED,
        reason=checked.problem,
    )
