"""The retention step: after the person-level sources have loaded and passed their checks,
and before dbt builds, the published figures of periods before the retention cutoff are
frozen and the person-level rows before it deleted (`lib/retention.py`, docs/privacy.md).

Its two assets are the dbt sources `meta.retention_cutoffs` (read by the period spines, so
that no per-person row of a month before the cutoff is computed) and
`meta.frozen_kpi_values` (which `marts.kpi_values` prefers), so dbt runs after it.
"""

import dagster as dg

from dagster_project.lib import config, retention, warehouse

# The raw tables it deletes from, and reads the horizons of.
PERSON_TABLE_KEYS = [dg.AssetKey(["raw", person.table]) for person in retention.PERSON_TABLES]
CUTOFFS = dg.AssetKey(["meta", "retention_cutoffs"])
FROZEN = dg.AssetKey(["meta", "frozen_kpi_values"])


@dg.multi_asset(
    name="retention",
    specs=[
        dg.AssetSpec(
            CUTOFFS,
            deps=PERSON_TABLE_KEYS,
            group_name="ingest",
            kinds={"duckdb", "python"},
            description="The retention cutoff of each person-level source (HR, survey): "
            "MAALBAR_OPBEVARING_MAANEDER months before its horizon. Rows ended before it are "
            "deleted from the raw tables and the kept copies.",
        ),
        dg.AssetSpec(
            FROZEN,
            deps=PERSON_TABLE_KEYS,
            group_name="ingest",
            kinds={"duckdb", "python"},
            description="Published figures of the periods whose window reaches before the "
            "retention cutoff, frozen as they were published; kpi_values prefers them.",
        ),
    ],
)
def retention_step(context: dg.AssetExecutionContext):
    from dagster_project.defs.ingest.assets import ALL_SPECS
    from dagster_project.defs.quality import store_outcomes
    from dagster_project.lib.migrate import migrate
    from expectations.runner import WARNING, ExpectationOutcome

    settings = config.settings()
    period = retention.months()
    # A run the Dagster daemon starts upgrades a data folder an earlier version wrote, as
    # `maalbar run` does before its job (at once, when that has done it already).
    for line in migrate(settings):
        context.log.info(line)
    specs = {spec.table: spec for spec in ALL_SPECS}
    with warehouse.connect(settings) as con:
        done = retention.apply(con, settings, context.run.run_id, specs, period)
        if done.warnings:
            # Beside the failed plausibility rules: the run's output and the quality report.
            store_outcomes(
                con,
                context.run.run_id,
                CUTOFFS.to_user_string(),
                "frozen_periods",
                [
                    ExpectationOutcome(
                        expectation="newer_extraction_changes_frozen_periods",
                        column=None,
                        passed=False,
                        observed=warning,
                        severity=WARNING,
                    )
                    for warning in done.warnings
                ],
            )
        cutoffs = con.execute(
            "SELECT source, cutoff FROM meta.retention_cutoffs ORDER BY 1"
        ).fetchall()
        frozen = con.execute("SELECT count(*) FROM meta.frozen_kpi_values").fetchone()[0]
    for line in done.lines:
        context.log.info(line)
    for warning in done.warnings:
        context.log.warning(warning)
    yield dg.MaterializeResult(
        asset_key=CUTOFFS,
        metadata={
            "months": period,
            **{f"cutoff_{source}": f"{cutoff:%Y-%m-%d}" for source, cutoff in cutoffs},
            **{f"rows_deleted_{table}": count for table, count in done.rows_deleted.items()},
        },
    )
    yield dg.MaterializeResult(
        asset_key=FROZEN,
        metadata={"frozen_now": done.frozen, "dagster/row_count": frozen},
    )
