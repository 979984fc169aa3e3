"""The one Definitions object: ingest → retention → dbt → quality gates → publication."""

import dagster as dg

from dagster_project.defs.docs import documentation
from dagster_project.defs.ingest.assets import ingest_assets
from dagster_project.defs.publish import published_database
from dagster_project.defs.quality import quality_checks
from dagster_project.defs.report import report
from dagster_project.defs.resources import gx_workers
from dagster_project.defs.retention import retention_step
from dagster_project.defs.schedules import schedules, sensors
from dagster_project.defs.transform import dbt_project, maalbar_dbt_assets
from dagster_project.lib.dbt_inprocess import dbt_resource

# One process, steps in order: DuckDB takes one writer, and dbt runs between our steps.
maalbar_job = dg.define_asset_job(
    "maalbar",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="The whole pipeline: ingest, transform, validate, publish.",
)

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        retention_step,
        maalbar_dbt_assets,
        published_database,
        documentation,
        report,
    ],
    asset_checks=quality_checks,
    jobs=[maalbar_job],
    schedules=schedules,
    sensors=sensors,
    resources={"dbt": dbt_resource(dbt_project), "gx": gx_workers},
    executor=dg.in_process_executor,
)
