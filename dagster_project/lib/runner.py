"""Run the Dagster job headless and turn its events into reasons a person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster_project.lib import ledger, warehouse
from dagster_project.lib.config import Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_pipeline(settings: Settings, quiet: bool = True) -> RunOutcome:
    import dagster as dg

    from dagster_project.definitions import defs

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("maalbar")
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, run_config=QUIET_LOGS if quiet else None
    )
    reasons = _quarantine_reasons(settings)
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
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
        message = error.message.strip().splitlines()[0] if error else "failed"
        if "Blocking check" in message or "blocking" in message.lower():
            continue
        reasons.append(f"step {event.step_key} failed: {message}")
    published = any(
        mat.asset_key.path == ["published", "maalbar"]
        for mat in result.asset_materializations_for_node("published_database")
    ) if _has_node(result, "published_database") else False
    success = result.success and published and not reasons
    if not success and not reasons:
        reasons.append("the publication step did not run")
    return RunOutcome(success, result.run_id, reasons)


def _has_node(result, name: str) -> bool:
    try:
        result.asset_materializations_for_node(name)
        return True
    except Exception:
        return False


def _quarantine_reasons(settings: Settings) -> list[str]:
    from dagster_project.defs.ingest.assets import ALL_SPECS
    from dagster_project.lib.loader import landing_files, sha256_of

    present = [
        (path.name, sha256_of(path)) for spec in ALL_SPECS for path, _ in landing_files(settings, spec)
    ]
    with warehouse.connect(settings) as con:
        ledger.ensure(con)
        found = ledger.quarantined_in_landing(con, present)
    return [f"{name} quarantined: {reason}" for name, reason in found]
