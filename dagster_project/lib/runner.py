"""Run the Dagster job headless and turn its events into reasons a person can act on."""

from __future__ import annotations

import contextlib
import fcntl
import re
import time
from dataclasses import dataclass, field

from dagster_project.lib import ledger, retention, warehouse
from dagster_project.lib.config import Settings

# A quiet run's output goes to its run log (`_redirected`), not the terminal: there Dagster's
# console logger writes every step, check and failure in plain text (no colours: the log is
# not a terminal; steps starting and ending are Dagster's DEBUG events), and the terminal
# gets the summary of reasons and notes.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Plausibility rules that failed: the run published, and these are worth a look.
    warnings: list[str] = field(default_factory=list)


class RunInProgress(Exception):
    pass


@contextlib.contextmanager
def exclusive_run(settings: Settings):
    """One run at a time per data folder: DuckDB takes one writer, and a second run could
    otherwise slip in between the first one's steps."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / ".run.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                f"another run is in progress on {settings.data_dir}; try again when it ends"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_pipeline(settings: Settings, quiet: bool = True) -> RunOutcome:
    from dagster_project.lib.loader import landing_tables
    from dagster_project.lib.migrate import migrate

    with exclusive_run(settings):
        # Hashed once: the no-change test, the dbt selection and the quarantine report read
        # the same state.
        landing = landing_tables(settings)
        present = [(name, sha) for name, sha, _ in landing]
        current = _nothing_new(settings, present)
        if current is not None:
            return current
        from expectations.pool import ValidationPool

        # The run's GX workers start before Dagster is imported: a worker's GX import (some
        # 3 s) overlaps Dagster's start-up, and the first raw check finds it ready. They are
        # the job's `gx` resource (defs/resources.py) and stop when the run ends.
        with ValidationPool() as pool:
            pool.start()
            # A data folder an earlier version wrote is brought up to date before anything
            # loads.
            upgraded = migrate(settings)
            outcome = _run_pipeline(settings, quiet, present, landing, pool)
        outcome.notes[:0] = upgraded
        return outcome


def _nothing_new(settings: Settings, present: list[tuple[str, str]]) -> RunOutcome | None:
    """A finished outcome when every landing file is known, none is quarantined, the
    publication was built from exactly the loaded files and this dbt project, the data
    folder needs no upgrade and the retention period has nothing to delete; else None."""
    from dagster_project.lib.fingerprint import input_fingerprint, published_fingerprint

    published = published_fingerprint(settings.published_path)
    if published is None or not settings.warehouse_path.exists():
        return None
    from dagster_project.lib import migrate

    with warehouse.connect(settings, read_only=True) as con:
        if not migrate.done(con):
            return None
        known = ledger.known_files(con)
        if any(file not in known for file in present):
            return None
        if ledger.quarantined_in_landing(con, present):
            return None
        if input_fingerprint(con) != published:
            return None
        if retention.due(con, retention.months()):
            return None  # rows or copies to delete for the retention period
    from dagster_project.lib import config, postgres

    url = config.postgres_url()
    # A PostgreSQL publication that is missing, older, or cannot be asked: the run publishes
    # it, or names why it cannot.
    if url and postgres.published_fingerprint(url) != published:
        return None
    return RunOutcome(
        True,
        "",
        notes=["nothing new in the landing folder: the publication is current"],
    )


def _run_pipeline(
    settings: Settings,
    quiet: bool,
    present: list[tuple[str, str]],
    landing: list,
    pool,
) -> RunOutcome:
    import dagster as dg

    built_before = settings.warehouse_path.exists()
    result, log_path = _execute(settings, quiet, landing, built_before, pool)
    reasons = _quarantine_reasons(settings, present)
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed = evaluation.metadata.get("failed") or evaluation.metadata.get("quarantined")
            detail = f": {failed.value}" if failed is not None else ""
            if evaluation.check_name == "no_quarantined_files":
                continue  # the ledger's reasons above say it file by file
            reasons.append(
                f"check {evaluation.asset_key.to_user_string()} {evaluation.check_name} "
                f"failed{detail}"
            )
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause  # the innermost cause names the real problem
        message = " ".join(error.message.split()[:80]) if error else "failed"
        # Drop the exception's class path: the words after it are the reason.
        message = re.sub(r"^[\w.]+(Error|Exception|Failure): ", "", message)
        if _a_blocking_check_failed(event.step_failure_data.error):
            continue  # the check's own failure is among the reasons above
        reasons.append(f"step {event.step_key} failed: {message}")
    published = any(
        event.asset_key == dg.AssetKey(["published", "maalbar"])
        for event in result.get_asset_materialization_events()
    )
    success = result.success and published and not reasons
    if not success and not reasons:
        reasons.append(f"the publication step did not run; see {log_path}")
    notes = _ledger_notes(settings, result.run_id) + [f"run log: {log_path}"]
    warnings = _warnings(settings, result.run_id)
    if not success:
        # The documentation step did not run; the failed validations are still worth a look.
        from dagster_project.defs.docs import build_gx_docs

        site = build_gx_docs(settings, result.run_id, pool)
        if site is not None:
            notes.append(f"GX data docs: {site}")
    return RunOutcome(success, result.run_id, reasons, notes, warnings)


def _execute(
    settings: Settings,
    quiet: bool,
    landing: list,
    built_before: bool,
    pool,
):
    """The job, or the part of it the new files reach, run in this process with pool as its
    GX workers: (result, run log path)."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.defs.resources import GxWorkers
    from dagster_project.defs.transform import CHANGED_TAG, changed_tables, incremental_selection

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("maalbar")
    tags = {}
    changed = changed_tables(settings, landing) if built_before else None
    selection = None
    if changed is not None:
        selection = incremental_selection(job, changed, _quarantined_tables(settings, landing))
    if selection is not None:
        # dbt builds only what the changed raw tables reach; the rest is as last published.
        job = job.get_subset(asset_selection=selection[0], asset_check_selection=selection[1])
        tags[CHANGED_TAG] = ",".join(sorted(changed)) or "none"
    log_path = settings.data_dir / "logs" / f"run-{time.strftime('%Y%m%dT%H%M%S')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # dbt's and the libraries' console output goes to the run log; the terminal gets a summary.
    from dagster_project.lib import progress

    run_config = {"loggers": dict(QUIET_LOGS["loggers"])} if quiet else {}
    loggers = None
    if progress.wanted():
        # The job's own loggers plus one that shows finished steps on the terminal.
        loggers = {**job.loggers, "progress": progress.progress_logger}
        run_config.setdefault("loggers", {})["progress"] = {}
    with log_path.open("w", encoding="utf-8") as log, _redirected(log, quiet):
        if loggers:
            job = job.with_logger_defs(loggers)
        gx = GxWorkers(pool)
        try:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config=run_config or None,
                tags=tags,
                resources={"gx": gx},
            )
        finally:
            gx.discard_pending()
    return result, log_path


def _a_blocking_check_failed(error) -> bool:
    """Whether a step failed because a blocking asset check before it failed."""
    while error is not None:
        if error.cls_name == "DagsterAssetCheckFailedError":
            return True
        error = error.cause
    return False


def _warnings(settings: Settings, run_id: str) -> list[str]:
    """The run's failed plausibility rules as stored in meta.check_results (GX expectations
    and dbt tests alike): check, expectation and the rows it found (node, period, value)."""
    with warehouse.connect(settings, read_only=True) as con:
        if not warehouse.has_table(con, "meta", "check_results"):
            return []
        rows = con.execute(
            "SELECT asset, check_name, expectation, column_name, observed "
            "FROM meta.check_results WHERE run_id = ? AND NOT passed AND severity = 'warning' "
            "ORDER BY asset, check_name, expectation, column_name",
            [run_id],
        ).fetchall()
    return [
        f"{asset} {check}: {expectation}" + (f"({column})" if column else "") + f": {observed}"
        for asset, check, expectation, column, observed in rows
    ]


REJECTED_NEXT_STEP = (
    "What to do: correct the row in the source system and deliver the file again; every "
    "rejected row is in meta.rejected_rows of the publication"
)


def _ledger_notes(settings: Settings, run_id: str) -> list[str]:
    """What this run did with the landing files, and every row it rejected."""
    with warehouse.connect(settings, read_only=True) as con:
        counts = con.execute(
            "SELECT status, count(*), coalesce(sum(rows_accepted), 0) FROM meta.file_ledger "
            "WHERE run_id = ? GROUP BY 1 ORDER BY 1",
            [run_id],
        ).fetchall()
        rejected = con.execute(
            "SELECT file_name, line_number, column_name, reason FROM meta.rejected_rows r "
            "WHERE run_id = ? AND file_sha256 IN (SELECT file_sha256 FROM meta.file_ledger "
            "WHERE status = 'loaded') ORDER BY 1, 2 LIMIT 50",
            [run_id],
        ).fetchall()
    if not counts:
        notes = ["no new or changed files in the landing folder"]
    else:
        notes = [
            "files: " + ", ".join(f"{n} {status} ({rows:,} rows)" for status, n, rows in counts)
        ]
    notes += [
        f"rejected row: {name} line {line}" + (f", column {column}" if column else "") + f": {why}"
        f"; the rest of the file loaded. {REJECTED_NEXT_STEP}"
        for name, line, column, why in rejected
    ]
    return notes


@contextlib.contextmanager
def _redirected(log, quiet: bool):
    if not quiet:
        yield
        return
    import logging

    root = logging.getLogger()
    saved = root.handlers[:]
    handler = logging.StreamHandler(log)
    # The libraries' own logging goes to the log; Dagster's reaches it through its console
    # logger, with time and level, and would otherwise be written twice.
    handler.addFilter(lambda record: not record.name.startswith("dagster"))
    root.handlers = [handler]
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        root.handlers = saved


def _quarantined_tables(settings: Settings, landing: list) -> set[str]:
    """The raw tables of the landing files whose current bytes are quarantined."""
    with warehouse.connect(settings, read_only=True) as con:
        found = ledger.quarantined_in_landing(con, [(name, sha) for name, sha, _ in landing])
    names = {name for name, _ in found}
    return {table for name, _, tables in landing if name in names for table in tables}


def _quarantine_reasons(settings: Settings, present: list[tuple[str, str]]) -> list[str]:
    from dagster_project.lib.loader import QUARANTINE_NEXT_STEP, quarantine_reason_file

    with warehouse.connect(settings) as con:
        ledger.ensure(con)
        found = ledger.quarantined_in_landing(con, present)
    sha = dict(present)
    return [
        f"{name} quarantined: {reason}. What to do: {QUARANTINE_NEXT_STEP}. Details: "
        f"{quarantine_reason_file(settings, name, sha[name])}"
        for name, reason in found
    ]
