"""The dbt project as Dagster assets: staging → intermediate → marts, tests as checks."""


import os
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

from dagster_project.lib import config
from dagster_project.lib.config import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


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
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    # The dbt that sits beside this interpreter, so no PATH set-up is needed.
    executable = Path(sys.executable).parent / "dbt"
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )
