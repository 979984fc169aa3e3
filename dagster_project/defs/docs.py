"""What each run documents (the asset docs/site): the static dbt docs site, generated only when
the dbt project changed and copied into the data folder; the GX Data Docs of the run's
validations, rendered by a GX worker, begun once the publication is written; and the run's
OpenLineage events, from the loaded files to the publication (lineage/openlineage-<run>.jsonl)."""

import json
import os
import shutil
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.defs.ingest.assets import PRIORITY_TAG
from dagster_project.defs.resources import GxWorkers
from dagster_project.lib import config, warehouse
from dagster_project.lib.config import DBT_PROJECT_DIR
from dagster_project.lib.dbt_manifest import sources_hash
from dagster_project.lib.openlineage import write_events

DOCS_CACHE = DBT_PROJECT_DIR / "target" / "docs-site"


def build_dbt_docs(target: Path, dbt: DbtCliResource) -> bool:
    """The static dbt docs site in target. It is generated only when the dbt project changed
    (the catalog of tables, columns, types and descriptions changes only with it) and kept
    beside the project, so every data folder of this checkout reuses it."""
    stamp = DOCS_CACHE / ".sources.sha256"
    current = sources_hash()
    rebuilt = False
    if not (DOCS_CACHE / "static_index.html").exists() or (
        not stamp.exists() or stamp.read_text() != current
    ):
        os.environ["MAALBAR_WAREHOUSE_PATH"] = str(config.settings().warehouse_path)
        dbt.cli(["docs", "generate", "--static"], target_path=DOCS_CACHE).wait()
        stamp.write_text(current)
        rebuilt = True
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DOCS_CACHE / "static_index.html", target / "static_index.html")
    return rebuilt


def build_gx_docs(settings: config.Settings, run_id: str, pool=None) -> Path | None:
    """The GX Data Docs site of this run's validations in docs/gx (None if it validated
    nothing): every raw file and published mart validated, expectation by expectation.
    Rendered in a GX worker of pool (GX is not imported here), else in this process."""
    from expectations.pool import ValidationPool

    pool = pool or ValidationPool(0)
    rendering = _render_gx_docs(settings, run_id, pool)
    return None if rendering is None else pool.result(rendering)


# The GX Data Docs' rendering, begun by the publication step (`begin_gx_docs`).
GX_DOCS = ("docs", "gx_data_docs")


def begin_gx_docs(settings: config.Settings, run_id: str, gx: GxWorkers) -> None:
    """Begin the GX Data Docs of the run's validations in a GX worker, for the docs step to
    collect. The publication step calls it once it has published (every check of the run
    has been validated by then), and the report is written while the worker renders (the
    docs step comes after the report: its priority is lower)."""
    rendering = _render_gx_docs(settings, run_id, gx.pool)
    if rendering is not None:
        gx.begin(*GX_DOCS, [rendering])


def _render_gx_docs(settings: config.Settings, run_id: str, pool):
    """The future of the GX Data Docs' index page, rendered by pool; None if the run
    validated nothing."""
    from expectations.runner import StoredValidation, build_data_docs

    with warehouse.connect(settings, read_only=True) as con:
        if not warehouse.has_table(con, "meta", "gx_validations"):
            return None
        rows = con.execute(
            "SELECT run_id, validated_at, suite, batch, result_document, suite_document "
            "FROM meta.gx_validations WHERE run_id = ? ORDER BY suite, batch",
            [run_id],
        ).fetchall()
    if not rows:
        return None
    validations = [
        StoredValidation(run, at, suite, batch, json.loads(result), json.loads(suite_doc))
        for run, at, suite, batch, result, suite_doc in rows
    ]
    return pool.submit(build_data_docs, validations, settings.docs_dir / "gx")


@dg.asset(
    key=dg.AssetKey(["docs", "site"]),
    deps=[dg.AssetKey(["published", "maalbar"])],
    group_name="publish",
    kinds={"html"},
    # After the report, which is written while a GX worker renders the Data Docs.
    op_tags={PRIORITY_TAG: "-1"},
    description="The dbt docs site (lineage, every column described) and the GX Data Docs of "
    "the run's validations. The readable data-quality page is the report's "
    "(published/rapport/kvalitet.html).",
)
def documentation(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, gx: dg.ResourceParam[GxWorkers]
) -> dg.MaterializeResult:
    settings = config.settings()
    # A GX worker renders the Data Docs (begun by the publication step, or now) while this
    # process writes the dbt docs.
    begun = gx.take(*GX_DOCS)
    rendering = begun[0] if begun else _render_gx_docs(settings, context.run.run_id, gx.pool)
    dbt_docs = settings.docs_dir / "dbt"
    rebuilt = build_dbt_docs(dbt_docs, dbt)
    gx_docs = None if rendering is None else gx.pool.result(rendering)
    with warehouse.connect(settings, read_only=True) as con:
        loaded = con.execute(
            "SELECT raw_table, source, file_name FROM meta.file_ledger "
            "WHERE run_id = ? AND status = 'loaded' ORDER BY 1, 3",
            [context.run.run_id],
        ).fetchall()
    lineage = settings.data_dir / "lineage" / f"openlineage-{context.run.run_id}.jsonl"
    events = write_events(
        lineage, context.run.run_id, settings.warehouse_path, settings.published_path, loaded
    )
    return dg.MaterializeResult(
        metadata={
            "dbt_docs": dg.MetadataValue.path(str(dbt_docs / "static_index.html")),
            "dbt_docs_rebuilt": rebuilt,
            "gx_data_docs": dg.MetadataValue.path(str(gx_docs)),
            "openlineage_events": dg.MetadataValue.path(str(lineage)),
            "openlineage_event_count": events,
        }
    )
