"""The raw assets: one per raw table, each loading its new landing files.

A blocking check on every raw asset fails while a landing file of it is quarantined, so
nothing downstream (dbt, publication) runs on incomplete data.
"""


import dagster as dg

from dagster_project.defs.ingest import oekonomi, organisation, reference
from dagster_project.lib import config, ledger, loader, warehouse
from dagster_project.lib.specs import FileSpec

ALL_SPECS: list[FileSpec] = [*organisation.SPECS, *oekonomi.SPECS, *reference.SPECS]
ORGANISATION_KEY = dg.AssetKey(["raw", "organisation"])


def raw_key(spec: FileSpec) -> dg.AssetKey:
    return dg.AssetKey(["raw", spec.table])


def _build(spec: FileSpec) -> dg.AssetsDefinition:
    key = raw_key(spec)
    # Cost centres are checked against the organisation, so it loads first.
    deps = [] if key == ORGANISATION_KEY else [ORGANISATION_KEY]

    @dg.asset(
        key=key,
        deps=deps,
        group_name="ingest",
        kinds={"duckdb", "csv"},
        description=f"{spec.description} Landing: {spec.source}/{spec.pattern}",
        check_specs=[
            dg.AssetCheckSpec(
                "no_quarantined_files",
                asset=key,
                blocking=True,
                description="No landing file of this source is quarantined.",
            )
        ],
    )
    def _ingest(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = config.settings()
        settings.ensure_dirs()
        with warehouse.connect(settings) as con:
            loader.ensure_tables(con, ALL_SPECS)
            outcomes = loader.ingest(con, spec, settings, context.run_id, log=context.log.info)
            present = [(o.file_name, o.sha256) for o in outcomes]
            quarantined = ledger.quarantined_in_landing(con, present)
            rows = con.execute(f"SELECT count(*) FROM raw.{spec.table}").fetchone()[0]
        new = [o for o in outcomes if o.status != "unchanged"]
        return dg.MaterializeResult(
            metadata={
                "files_in_landing": len(outcomes),
                "files_new": len(new),
                "rows_accepted": sum(o.rows_accepted for o in new),
                "rows_rejected": sum(o.rows_rejected for o in new),
                "rows_in_table": rows,
                "dagster/row_count": rows,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="no_quarantined_files",
                    passed=not quarantined,
                    metadata={
                        "quarantined": dg.MetadataValue.md(
                            "\n".join(f"- {name}: {reason}" for name, reason in quarantined)
                            or "none"
                        )
                    },
                )
            ],
        )

    return _ingest


ingest_assets = [_build(spec) for spec in ALL_SPECS]
