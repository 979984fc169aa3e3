"""The raw assets: one per raw table, each loading its new landing files.

A blocking check on every raw asset fails while a landing file of it is quarantined, so
nothing downstream (dbt, publication) runs on incomplete data. The files loaded are handed
to the GX workers in batches as they are committed (`lib/raw_validation.py`); the raw
table's GX check collects the results.
"""

import dagster as dg

from dagster_project.defs.ingest import (
    adgang,
    feedback,
    maal,
    oekonomi,
    organisation,
    personale,
    reference,
)
from dagster_project.defs.resources import GxWorkers
from dagster_project.lib import config, ledger, loader, warehouse
from dagster_project.lib.calendar import calendar_table
from dagster_project.lib.pseudonym import MissingKey
from dagster_project.lib.specs import FileSpec

ALL_SPECS: list[FileSpec] = [
    *organisation.SPECS,
    *oekonomi.SPECS,
    *reference.SPECS,
    *personale.SPECS,
    *maal.SPECS,
    *feedback.SPECS,
    *adgang.SPECS,
]


# Dagster's in-process executor runs one step at a time; of the steps that are ready, it
# runs the one with the highest `dagster/priority` first. The large sources load first,
# largest first, so that the GX worker validates their batches while the small sources
# load, instead of the run waiting for those validations after the last ingest. A source
# whose rules read another raw table (`FileSpec.upstream_tables`) waits for that table and
# its blocking checks, so those come before it.
LARGE_SOURCES = ("besvarelser", "posteringer", "fravaer")
PRIORITY_TAG = "dagster/priority"


LOADING_CHECKPOINT_THRESHOLD = "256MiB"


def _spec_of(table: str) -> FileSpec:
    return next(spec for spec in ALL_SPECS if table in {t.table for t in spec.sheets or (spec,)})


def tables_filled_by(ledger_table: str) -> tuple[str, ...]:
    """The raw tables the files of a ledger row's `raw_table` fill: that table, or the
    sheets' tables of a workbook (the goal catalogue is `maalkatalog` in the ledger)."""
    for spec in ALL_SPECS:
        if spec.table == ledger_table:
            return tuple(table.table for table in spec.sheets or (spec,))
    return (ledger_table,)


def _read_by(table: str) -> list[FileSpec]:
    """The specs whose rules read the raw table."""
    return [spec for spec in ALL_SPECS if table in spec.upstream_tables]


def load_priority(spec: FileSpec) -> int:
    """The ingest step's priority: a large source's rank (the largest highest), and above
    every source that waits for it."""
    own = len(LARGE_SOURCES) - LARGE_SOURCES.index(spec.table) if spec.table in LARGE_SOURCES else 0
    return max([own, *(load_priority(later) + 1 for later in _read_by(spec.table))])


def check_priority(table: str) -> int:
    """A raw table's GX check step: as early as its ingest when another source waits for
    it; otherwise after every ingest (-1), by when its batches have mostly been validated."""
    return load_priority(_spec_of(table)) if _read_by(table) else -1


def raw_keys(spec: FileSpec) -> list[dg.AssetKey]:
    """The raw tables a file pattern fills: one, or one per sheet of a workbook."""
    return [dg.AssetKey(["raw", table.table]) for table in spec.sheets or (spec,)]


def _build(spec: FileSpec) -> dg.AssetsDefinition:
    keys = raw_keys(spec)
    # Rules that read other raw tables (known cost centres, employments) need them first.
    deps = [dg.AssetKey(["raw", table]) for table in spec.upstream_tables]
    kind = "xlsx" if spec.sheets else "csv"

    @dg.multi_asset(
        name=f"ingest_{spec.table}",
        op_tags={PRIORITY_TAG: str(load_priority(spec))},
        specs=[
            dg.AssetSpec(
                key,
                deps=deps,
                group_name="ingest",
                kinds={"duckdb", kind},
                description=f"{spec.description} Landing: {spec.source}/{spec.pattern}",
            )
            for key in keys
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "no_quarantined_files",
                asset=key,
                blocking=True,
                description="No landing file of this source is quarantined.",
            )
            for key in keys
        ],
    )
    def _ingest(context: dg.AssetExecutionContext, gx: dg.ResourceParam[GxWorkers]):
        settings = config.settings()
        settings.ensure_dirs()
        batcher = gx.pending.batcher([key.path[-1] for key in keys])
        with warehouse.connect(settings) as con:
            # The files commit one by one, each with its ledger row. At DuckDB's own 16 MiB
            # of write-ahead log some commits checkpointed, each rewriting the tables' last,
            # partly filled row groups: 45 months of postings at M committed in 1.94 s, at
            # 256 MiB in 0.70 s. The step's close checkpoints once; a killed run's log is
            # replayed when the file next opens, so every committed file stays.
            con.execute(f"SET checkpoint_threshold = '{LOADING_CHECKPOINT_THRESHOLD}'")
            loader.ensure_tables(con, ALL_SPECS)
            try:
                outcomes = loader.ingest(
                    con,
                    spec,
                    settings,
                    context.run.run_id,
                    log=context.log.info,
                    on_loaded=lambda outcome: batcher.loaded(
                        con, outcome.sha256, outcome.file_name
                    ),
                )
            except MissingKey as err:
                raise dg.Failure(description=str(err)) from None
            batcher.finish(con)
            present = [(o.file_name, o.sha256) for o in outcomes]
            quarantined = ledger.quarantined_in_landing(con, present)
            rows = {
                key: con.execute(f"SELECT count(*) FROM raw.{key.path[-1]}").fetchone()[0]
                for key in keys
            }
        new = [o for o in outcomes if o.status != "unchanged"]
        listing = "\n".join(f"- {name}: {reason}" for name, reason in quarantined) or "none"
        for key in keys:
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "files_in_landing": len(outcomes),
                    "files_new": len(new),
                    "rows_accepted": sum(o.rows_accepted for o in new),
                    "rows_rejected": sum(o.rows_rejected for o in new),
                    "dagster/row_count": rows[key],
                },
                check_results=[
                    dg.AssetCheckResult(
                        asset_key=key,
                        check_name="no_quarantined_files",
                        passed=not quarantined,
                        metadata={"quarantined": dg.MetadataValue.md(listing)},
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
