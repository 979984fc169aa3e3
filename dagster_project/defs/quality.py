"""Great Expectations suites as blocking Dagster asset checks.

Frames are read from DuckDB (Arrow-backed) for the suite. A raw table is validated file by
file on the rows the current run loaded: earlier rows passed when they came, and memory stays
that of one file.
Every outcome is stored in meta.check_results, which the publication carries.
"""

from collections.abc import Callable
from dataclasses import replace

import dagster as dg
import pandas as pd

from dagster_project.lib import config, warehouse
from expectations import marts, raw_sources

CHECK_RESULTS_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.check_results (
    run_id VARCHAR NOT NULL,
    asset VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    expectation VARCHAR,
    column_name VARCHAR,
    passed BOOLEAN NOT NULL,
    observed VARCHAR,
    checked_at TIMESTAMP
)
"""


def store_results(con, run_id: str, asset: str, check_name: str, outcomes) -> None:
    con.execute(CHECK_RESULTS_DDL)
    rows = [
        (run_id, asset, check_name, o.expectation, o.column, o.passed, o.observed) for o in outcomes
    ] or [(run_id, asset, check_name, None, None, True, "no new rows to validate")]
    con.executemany(
        "INSERT INTO meta.check_results VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)", rows
    )


def _result(outcomes, rows: int) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if not o.passed]
    return dg.AssetCheckResult(
        passed=not failed,
        metadata={
            "rows_validated": rows,
            "expectations": len(outcomes),
            "failed": dg.MetadataValue.md(
                "\n".join(f"- {o.expectation}({o.column}): {o.observed}" for o in failed) or "none"
            ),
        },
    )


def _run_suite(
    context, asset: str, check_name: str, frame: pd.DataFrame, build: Callable
) -> dg.AssetCheckResult:
    from expectations.runner import validate

    outcomes = validate(frame, f"{asset}.{check_name}", build) if len(frame) else []
    with warehouse.connect(config.settings()) as con:
        store_results(con, context.op_execution_context.run_id, asset, check_name, outcomes)
    return _result(outcomes, len(frame))


def raw_suite_check(
    table: str, build: Callable, extra_columns: str = ""
) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(["raw", table])

    @dg.asset_check(
        asset=key,
        name="gx_suite",
        blocking=True,
        description=f"Great Expectations suite expectations/raw_sources.py:{build.__name__} "
        "on the rows this run loaded.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from expectations.runner import validate

        run_id = context.op_execution_context.run_id
        outcomes, rows = [], 0
        with warehouse.connect(config.settings(), read_only=True) as con:
            files = con.execute(
                f"SELECT DISTINCT _file_sha256, _file_name FROM raw.{table} WHERE _file_sha256 "
                "IN (SELECT file_sha256 FROM meta.file_ledger WHERE run_id = ? AND status = "
                "'loaded') ORDER BY 2",
                [run_id],
            ).fetchall()
            # One file at a time: memory stays that of the largest file, not of the run.
            for sha, name in files:
                frame = con.execute(
                    f"SELECT *{extra_columns} FROM raw.{table} WHERE _file_sha256 = ?", [sha]
                ).df()
                rows += len(frame)
                outcomes += [
                    replace(o, observed=f"{name}: {o.observed}") if not o.passed else o
                    for o in validate(frame, f"raw.{table}", build)
                ]
        with warehouse.connect(config.settings()) as con:
            store_results(con, run_id, f"raw.{table}", "gx_suite", outcomes)
        return _result(outcomes, rows)

    return _check


KPI_VALUES = dg.AssetKey(["marts", "kpi_values"])


@dg.asset_check(
    asset=KPI_VALUES,
    name="gx_suite",
    blocking=True,
    description="Keys, domains, suppression consistency and bounded percentages of kpi_values.",
)
def kpi_values_suite(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with warehouse.connect(config.settings(), read_only=True) as con:
        frame = con.execute(marts.kpi_frame_query()).df()
        known = [row[0] for row in con.execute("SELECT kpi_id FROM marts.dim_kpi").fetchall()]
        nodes = [
            r[0] for r in con.execute("SELECT omkostningssted FROM raw.organisation").fetchall()
        ]
    return _run_suite(
        context,
        "marts.kpi_values",
        "gx_suite",
        frame,
        lambda f: marts.kpi_values(f, known, nodes),
    )


@dg.asset_check(
    asset=KPI_VALUES,
    name="reconciles_with_postings",
    blocking=True,
    description="forbrug_drift at the root equals the drift postings loaded, month by month.",
)
def kpi_values_reconciliation(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with warehouse.connect(config.settings(), read_only=True) as con:
        frame = con.execute(marts.RECONCILIATION_QUERY).df()
    return _run_suite(
        context, "marts.kpi_values", "reconciles_with_postings", frame, marts.reconciliation
    )


@dg.asset_check(
    asset=dg.AssetKey(["marts", "goal_progress"]),
    name="gx_suite",
    blocking=True,
    description="Keys, statuses, expected progress within 0..100, no status without a value.",
)
def goal_progress_suite(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    with warehouse.connect(config.settings(), read_only=True) as con:
        frame = con.execute(marts.goal_progress_query()).df()
    return _run_suite(context, "marts.goal_progress", "gx_suite", frame, marts.goal_progress)


def mart_suite_check(name: str, query: str, build: Callable, description: str):
    @dg.asset_check(
        asset=dg.AssetKey(["marts", name]),
        name="gx_suite",
        blocking=True,
        description=description,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        with warehouse.connect(config.settings(), read_only=True) as con:
            frame = con.execute(query).df()
        return _run_suite(context, f"marts.{name}", "gx_suite", frame, build)

    return _check


posting_month = ", strftime(posteringsdato, '%Y-%m') AS posteringsmaaned"

quality_checks = [
    raw_suite_check("organisation", raw_sources.organisation),
    raw_suite_check("budget", raw_sources.budget),
    raw_suite_check("posteringer", raw_sources.posteringer, posting_month),
    raw_suite_check("befolkning", raw_sources.befolkning),
    raw_suite_check("aktivitet", raw_sources.aktivitet),
    raw_suite_check("ansaettelser", raw_sources.ansaettelser),
    raw_suite_check("fravaer", raw_sources.fravaer),
    *(
        raw_suite_check(table, getattr(raw_sources, table))
        for table in (
            "udvalg",
            "maal",
            "indikatorer",
            "indikatorvaerdier",
            "spoergsmaal",
            "besvarelser",
            "inviterede",
            "forslag",
            "benchmark",
        )
    ),
    kpi_values_suite,
    kpi_values_reconciliation,
    goal_progress_suite,
    mart_suite_check(
        "leon_enhedsomkostning",
        marts.LEON_QUERY,
        marts.leon_enhedsomkostning,
        "Keys, non-negative unit costs and gaps, quartile below median, no suppressed quality.",
    ),
    mart_suite_check(
        "benchmark_sammenligning",
        "SELECT * FROM marts.benchmark_sammenligning",
        marts.benchmark_sammenligning,
        "One row per KPI and year, ranks within the ranking.",
    ),
]
