"""The dbt project as Dagster assets: staging → intermediate → marts, tests as checks."""

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.lib import config, warehouse
from dagster_project.lib.config import DBT_PROJECT_DIR, PROJECT_ROOT
from dagster_project.lib.dbt_manifest import ensure_manifest

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is refreshed here, as every other run path does it (the
# stock prepare_if_dev() would look for a dbt on PATH, which a virtualenv need not put there).
if os.environ.get("DAGSTER_IS_DEV_CLI"):
    ensure_manifest()


class MaalbarTranslator(DagsterDbtTranslator):
    """dbt sources map onto the ingest assets (raw/<table>), so lineage runs from file to mart."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "dbt"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


translator = MaalbarTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def maalbar_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # The profile reads the warehouse path from the environment of the dbt process.
    os.environ["MAALBAR_WAREHOUSE_PATH"] = str(config.settings().warehouse_path)
    # Stream to the end even when dbt fails, so its process has exited (and released the
    # warehouse) before the failure is raised with the names of the failing nodes.
    # dbt's unit tests prove the SQL against fixed inputs: they run in the test suite
    # (`make test`), not on every production run, where they would double dbt's time.
    invocation = dbt.cli(
        ["build", "--exclude", "test_type:unit"], context=context, raise_on_error=False
    )
    try:
        yield from invocation.stream()
    finally:
        # Whatever stopped the stream, dbt must not outlive the step holding the warehouse.
        if invocation.process.poll() is None:
            invocation.process.terminate()
            invocation.process.wait(timeout=60)
    _store_test_results(invocation, context.run_id)
    if not invocation.is_successful():
        raise dg.Failure(
            description="dbt build failed: " + "; ".join(failed_nodes(invocation)),
        )


def _store_test_results(invocation, run_id: str) -> None:
    """dbt's data tests beside the GX results in meta.check_results, for auditors."""
    from dagster_project.defs.quality import store_outcomes
    from expectations.runner import ExpectationOutcome

    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # dbt stopped before writing results; the failure says why
        return
    outcomes = [
        ExpectationOutcome(
            expectation=result["unique_id"].split(".")[2],
            column=None,
            passed=result["status"] in ("pass", "warn"),
            observed=f"{result['status']}; failing rows: {result.get('failures') or 0}",
        )
        for result in results
        if result["unique_id"].startswith("test.")
    ]
    if outcomes:
        with warehouse.connect(config.settings()) as con:
            store_outcomes(con, run_id, "dbt", "dbt_test", outcomes)


def failed_nodes(invocation) -> list[str]:
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # no artifact: dbt failed before running anything (e.g. parse)
        return [f"exit code {invocation.process.returncode}; see the run log"]
    failed = [
        f"{r['unique_id']} {r['status']}: {(r.get('message') or '').strip()[:300]}"
        for r in results
        if r["status"] in ("error", "fail", "runtime error")
    ]
    return failed or ["see the run log"]


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )


def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so neither the CLI nor `dagster dev`
    (whose code server may start without the virtualenv on PATH) needs PATH set-up."""
    for candidate in (
        Path(sys.executable).parent / "dbt",
        Path(sys.prefix) / "bin" / "dbt",
        PROJECT_ROOT / ".venv" / "bin" / "dbt",
    ):
        if candidate.exists():
            return str(candidate)
    return shutil.which("dbt") or "dbt"
