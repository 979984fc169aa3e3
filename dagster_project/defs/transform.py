"""The dbt project as Dagster assets: staging → intermediate → marts, tests as checks."""

import json
import os
import shutil
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.defs.quality import MartChecksDuringDbt
from dagster_project.defs.resources import GxWorkers
from dagster_project.lib import config, ledger, retention, warehouse
from dagster_project.lib.config import DBT_PROJECT_DIR
from dagster_project.lib.dbt_inprocess import InProcessDbtCliResource
from dagster_project.lib.dbt_manifest import (
    enforced_constraints,
    ensure_manifest,
    published_contracts,
    sources_hash,
)
from dagster_project.lib.dbt_test_descriptions import describe_test

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is refreshed here, as every other run path does it (the
# stock prepare_if_dev() would look for a dbt on PATH, which a virtualenv need not put there).
if os.environ.get("DAGSTER_IS_DEV_CLI"):
    ensure_manifest()


class MaalbarTranslator(DagsterDbtTranslator):
    """dbt sources map onto the ingest assets (raw/<table>), so lineage runs from file to mart,
    and onto the retention step's tables (meta/<table>, defs/retention.py)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            schema = "meta" if dbt_resource_props.get("source_name") == "meta" else "raw"
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "dbt"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check for a dbt test, described: the Dagster UI shows what the test
        checks instead of "No description provided" (lib/dbt_test_descriptions.py)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=describe_test(test, manifest) or spec.description,
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
            automation_condition=spec.automation_condition,
            partitions_def=spec.partitions_def,
        )


translator = MaalbarTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def maalbar_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, gx: dg.ResourceParam[GxWorkers]
):
    # Every GX worker starts now, so that each has imported GX by the time dbt is done and
    # the marts' checks begin (a worker's start takes some 3 s of one core).
    gx.pool.grow()
    settings = config.settings()
    # The profile reads the warehouse path from the environment of dbt (its process, or
    # this one: lib/dbt_inprocess.py).
    os.environ["MAALBAR_WAREHOUSE_PATH"] = str(settings.warehouse_path)
    engine = config.engine()
    # dbt's unit tests prove the SQL against fixed inputs: on DuckDB they run in the test
    # suite (`make test`), not on every production run, where they would double dbt's time.
    # On Spark every unit test runs with the build: the SQL runs on another engine there.
    args = ["build", "--exclude", "test_type:unit"] if engine == "duckdb" else ["build"]
    broken: list[str] = []
    if engine == "spark":
        from dagster_project.lib import spark

        _, written = spark.prepare(settings)
        args += spark.dbt_vars(settings)
        # The incremental models (dbt/macros/changed_partitions.sql) rewrite only the changed
        # months; a whole build (another dbt project, calendar or package, or
        # MAALBAR_FULL_REBUILD) writes them whole too.
        with warehouse.connect(settings, read_only=True) as con:
            state = build_state(con)
        if os.environ.get("MAALBAR_FULL_REBUILD") or state is None or state[0] != state_key():
            args.append("--full-refresh")
        context.log.info(
            "sources exported to Parquet for Spark: "
            + (", ".join(f"{t} ({len(p)})" for t, p in sorted(written.items())) or "none changed")
        )
    _remove_earlier_targets()
    # The marts' GX checks begin as dbt builds the marts they read, where this process can
    # read what dbt writes (dbt in this process, on DuckDB).
    checks = None
    if engine == "duckdb" and isinstance(dbt, InProcessDbtCliResource):
        building = {key.path[-1] for key in context.selected_asset_keys if key.path[0] == "marts"}
        checks = MartChecksDuringDbt(gx, building, context.run.asset_check_selection, context.log)
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    # Streamed to the end even when dbt fails, so that dbt has ended (and released the
    # warehouse) before the failure is raised with the names of the failing nodes.
    try:
        for event in invocation.stream():
            yield event
            if checks is not None and isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                if key.path[0] == "marts":
                    checks.built_mart(key.path[-1])
    finally:
        if invocation.process.poll() is None:
            invocation.process.terminate()
            invocation.process.wait()
        if checks is not None:
            checks.close()
    if engine == "spark":
        copied, broken = spark.bring_back(
            settings,
            _built_relations(invocation),
            published_contracts(),
            enforced_constraints(invocation.manifest),
        )
        context.log.info(f"{len(copied)} tables built on Spark read into the warehouse")
        if invocation.is_successful() and not broken:
            spark.mark_built(settings)
    _store_test_results(invocation, context.run.run_id)
    if not invocation.is_successful():
        raise dg.Failure(
            description="dbt build failed: " + "; ".join(failed_nodes(invocation)),
        )
    if broken:
        # What DuckDB would have refused as dbt wrote the table (an enforced contract).
        raise dg.Failure(description="contract constraints broken: " + "; ".join(broken))


def _built_relations(invocation) -> list[tuple[str, str]]:
    """(schema, name) of every model and seed dbt built in this invocation."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # dbt stopped before writing results; the failure says why
        return []
    nodes = invocation.manifest["nodes"]
    return [
        (
            nodes[r["unique_id"]]["schema"],
            nodes[r["unique_id"]].get("alias") or nodes[r["unique_id"]]["name"],
        )
        for r in results
        if r["unique_id"].split(".")[0] in ("model", "seed")
        and r["status"] == "success"
        and r["unique_id"] in nodes
    ]


def _remove_earlier_targets() -> None:
    """Each dbt build writes its artifacts into a target folder of its own (some 20 MB);
    only the latest is kept, for whoever wants to read the SQL and results of the last run."""
    for earlier in (DBT_PROJECT_DIR / "target").glob("maalbar_dbt_assets-*"):
        shutil.rmtree(earlier, ignore_errors=True)


CHANGED_TAG = "maalbar/changed_tables"
STATE_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.dbt_state (
    state_key VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    completed_at TIMESTAMP NOT NULL
)
"""


def build_state(con) -> tuple[str, str, object] | None:
    """(state key, run, time) of the last publication whose run built everything, or all
    that had changed since the one before: every mart then was built from the raw rows of
    that time and passed its tests and suites."""
    if not warehouse.has_table(con, "meta", "dbt_state"):
        return None
    rows = con.execute("SELECT state_key, run_id, completed_at FROM meta.dbt_state").fetchall()
    return rows[0] if rows else None


def state_key() -> str:
    """What the marts are, besides the raw rows: the dbt project, the calendar (the holidays
    package and the code that turns it into raw.kalender), and the package (its checks
    passed them)."""
    from dagster_project.lib import fingerprint

    engine = config.engine()
    # Another engine holds none of the models the last one built (DuckDB: as before).
    built_on = "" if engine == "duckdb" else f"|{engine}"
    return (
        f"{sources_hash()}|{fingerprint.calendar_version()}|maalbar {fingerprint.package_version()}"
        f"{built_on}"
    )


def changed_tables(settings, landing: list[tuple[str, str, tuple[str, ...]]]) -> set[str] | None:
    """The raw tables whose rows may differ from those the last such publication was built
    from: new files in the landing folder, files loaded since (also by runs that failed
    later, and earlier versions loaded again by a withdrawal), files withdrawn since, and
    rows the retention step deleted since or is due to delete. None: build everything (no
    such publication, another dbt project or calendar, or MAALBAR_FULL_REBUILD set)."""
    from dagster_project.defs.ingest.assets import tables_filled_by

    if os.environ.get("MAALBAR_FULL_REBUILD"):
        return None
    if config.engine() == "spark":
        from dagster_project.lib import spark

        if not spark.paths(settings).metastore.exists():
            return None  # Spark's catalogue is gone: no model of the last build is there
    with warehouse.connect(settings, read_only=True) as con:
        state = build_state(con)
        if state is None or state[0] != state_key():
            return None
        known = ledger.known_files(con)
        # A warehouse from before withdrawals has none.
        withdrawn = (
            "withdrawn_at >= $since"
            if warehouse.has_column(con, "meta", "file_ledger", "withdrawn_at")
            else "false"
        )
        since = {
            table
            for (ledger_table,) in con.execute(
                "SELECT DISTINCT raw_table FROM meta.file_ledger "
                f"WHERE (status = 'loaded' AND seen_at >= $since) OR {withdrawn}",
                {"since": state[2]},
            ).fetchall()
            for table in tables_filled_by(ledger_table)
        }
        # The retention step deletes rows when a cutoff moves: what it is due to delete now,
        # and what it deleted since (by a run that stopped before publishing).
        due = retention.due(con, retention.months())
        purged_sources = (
            con.execute(
                "SELECT source FROM meta.retention_cutoffs WHERE purged_at >= $since",
                {"since": state[2]},
            ).fetchall()
            if warehouse.has_table(con, "meta", "retention_cutoffs")
            else []
        )
        purged = {
            person.table
            for (source,) in purged_sources
            for person in retention.PERSON_TABLES
            if person.source == source
        }
    new = {table for name, sha, tables in landing if (name, sha) not in known for table in tables}
    changed = new | since | due | purged
    # A new file of a person-level source may move its cutoff, and the step then deletes
    # from each of the source's tables.
    for person in retention.PERSON_TABLES:
        if person.table in changed:
            changed |= {p.table for p in retention.PERSON_TABLES if p.source == person.source}
    return changed


def record_build(context: dg.AssetExecutionContext, settings) -> None:
    """Called once a run has published. A run of the whole job, or of the runner's subset
    (tagged), leaves every mart consistent with raw; a hand-picked subset need not, and
    then the last state stands."""
    selection = context.run.asset_selection
    whole = not selection or set(maalbar_dbt_assets.keys) <= set(selection)
    if not whole and CHANGED_TAG not in context.run.tags:
        return
    run_id = context.run.run_id
    with warehouse.connect(settings) as con:
        con.execute(STATE_DDL)
        con.execute("DELETE FROM meta.dbt_state")
        con.execute(
            "INSERT INTO meta.dbt_state VALUES (?, ?, now()::TIMESTAMP)", [state_key(), run_id]
        )


def _store_test_results(invocation, run_id: str) -> None:
    """dbt's data tests beside the GX results in meta.check_results, for auditors, each
    with the severity its config gives it. A test of severity warn that found rows is a
    failed warning; its first rows (the node, period and value it found) are read again
    from its compiled SQL and stored with it."""
    from dagster_project.defs.quality import store_outcomes
    from expectations.runner import BLOCKING, WARNING, ExpectationOutcome

    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # dbt stopped before writing results; the failure says why
        return
    tests = [result for result in results if result["unique_id"].startswith("test.")]
    if not tests:
        return
    nodes = invocation.manifest["nodes"]

    def severity(unique_id: str) -> str:
        configured = nodes.get(unique_id, {}).get("config", {}).get("severity", "error")
        return WARNING if configured.lower() == "warn" else BLOCKING

    with warehouse.connect(config.settings()) as con:
        outcomes = [
            ExpectationOutcome(
                expectation=result["unique_id"].split(".")[2],
                column=None,
                passed=result["status"] == "pass",
                observed=_observed(con, result),
                severity=severity(result["unique_id"]),
            )
            for result in tests
        ]
        store_outcomes(con, run_id, "dbt", "dbt_test", outcomes)


# The rows of a warning shown in the run output and the quality report.
WARNING_ROWS = 20


def _observed(con, result: dict) -> str:
    observed = f"{result['status']}; failing rows: {result.get('failures') or 0}"
    if result["status"] != "warn" or not result.get("compiled_code"):
        return observed
    if config.engine() == "spark":  # the compiled SQL is Spark's, on Spark's relations
        from dagster_project.lib import spark

        names, found = spark.rows(config.settings(), result["compiled_code"], WARNING_ROWS)
    else:
        cursor = con.execute(f"SELECT * FROM ({result['compiled_code']}) LIMIT {WARNING_ROWS}")
        names = [column[0] for column in cursor.description]
        found = cursor.fetchall()
    rows = [dict(zip(names, row, strict=True)) for row in found]
    return f"{observed}; {json.dumps(rows, default=str, ensure_ascii=False)}"[:2000]


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


# Above this many dbt nodes dagster-dbt hands dbt a generated selector in a copy of the
# project, which costs more than building everything.
SUBSET_LIMIT = 190


def incremental_selection(job: dg.JobDefinition, changed: set[str], quarantined=frozenset()):
    """The job's assets and checks without the dbt models that no changed raw table reaches,
    and without their tests and GX suites: they passed them when they were built, from the
    same inputs. Ingest runs for the raw tables with something to load (changed) or with a
    quarantined file still in the landing folder (quarantined), whose blocking check must
    stop the run again; the other sources have no new file, so their steps would load and
    validate nothing. The calendar is left as it was built: it is part of the build state
    (`state_key`), so a run with another calendar builds everything. The publication is
    built from all marts."""
    from dagster_project.defs.ingest.assets import ingest_assets, kalender

    graph = job.asset_layer.asset_graph
    dbt_keys = set(maalbar_dbt_assets.keys)
    raw = [dg.AssetKey(["raw", table]) for table in changed]
    reached = dg.AssetSelection.assets(*raw).downstream(include_self=False).resolve(graph)
    loading = set(changed) | set(quarantined)
    idle = {
        key
        for definition in ingest_assets
        if definition is kalender or not any(k.path[-1] in loading for k in definition.keys)
        for key in definition.keys
    }
    assets = {
        key
        for key in graph.get_all_asset_keys()
        if (key not in dbt_keys or key in reached) and key not in idle
    }
    checks = {check for check in graph.asset_check_keys if check.asset_key in assets}
    if len(assets & dbt_keys) + len(checks & maalbar_dbt_assets.check_keys) > SUBSET_LIMIT:
        return None
    # Checks of the selected assets only: the marts left alone passed theirs when built.
    return assets, checks
