"""The raw assets: one per raw table, each loading its new landing files.

A blocking check on every raw asset fails while a landing file of it is quarantined, so
nothing downstream (dbt, publication) runs on incomplete data.
"""

import dagster as dg

from dagster_project.defs.ingest import oekonomi, organisation, personale, reference
from dagster_project.lib import config, ledger, loader, warehouse
from dagster_project.lib.calendar import calendar_table
from dagster_project.lib.pseudonym import MissingKey
from dagster_project.lib.specs import FileSpec

ALL_SPECS: list[FileSpec] = [
    *organisation.SPECS,
    *oekonomi.SPECS,
    *reference.SPECS,
    *personale.SPECS,
]


def raw_key(spec: FileSpec) -> dg.AssetKey:
    return dg.AssetKey(["raw", spec.table])


def _build(spec: FileSpec) -> dg.AssetsDefinition:
    key = raw_key(spec)
    # Rules that read other raw tables (known cost centres, employments) need them first.
    deps = [dg.AssetKey(["raw", table]) for table in spec.upstream_tables]

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
            try:
                outcomes = loader.ingest(con, spec, settings, context.run_id, log=context.log.info)
            except MissingKey as err:
                raise dg.Failure(description=str(err)) from None
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


@dg.asset(
    key=dg.AssetKey(["raw", "kalender"]),
    group_name="ingest",
    kinds={"duckdb", "python"},
    description="Danish working days and public holidays (kpis.md's calendar), from the "
    "maintained `holidays` package; not a landing file.",
)
def kalender() -> dg.MaterializeResult:
    table = calendar_table()
    with warehouse.connect(config.settings()) as con:
        con.register("calendar_rows", table)
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("CREATE OR REPLACE TABLE raw.kalender AS SELECT * FROM calendar_rows")
        con.unregister("calendar_rows")
    return dg.MaterializeResult(metadata={"dagster/row_count": table.num_rows})


ingest_assets = [*(_build(spec) for spec in ALL_SPECS), kalender]
