"""Great Expectations suites as blocking Dagster asset checks.

Frames are read from DuckDB (Arrow-backed) for the suite. A raw table is validated on the
rows the current run loaded (earlier rows passed when they came), in batches of whole files
so that memory stays bounded; each unexpected value is reported with its file and line.
Every outcome is stored in meta.check_results, which the publication carries.
"""

import json
from collections.abc import Callable

import dagster as dg
import pandas as pd

from dagster_project.defs.publish import PRIMARY_KEYS, published_marts
from dagster_project.lib import config, warehouse
from dagster_project.lib.dbt_manifest import published_contracts
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


GX_VALIDATIONS_DDL = """
CREATE TABLE IF NOT EXISTS meta.gx_validations (
    run_id VARCHAR NOT NULL,
    asset VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    validated_at TIMESTAMP NOT NULL,
    result_document VARCHAR NOT NULL,
    suite_document VARCHAR NOT NULL
)
"""


def store_outcomes(con, run_id: str, asset: str, check_name: str, outcomes) -> None:
    """Each expectation's (or dbt test's) outcome in meta.check_results, published."""
    con.execute(CHECK_RESULTS_DDL)
    rows = [
        (run_id, asset, check_name, o.expectation, o.column, o.passed, o.observed) for o in outcomes
    ] or [(run_id, asset, check_name, None, None, True, "no new rows to validate")]
    con.executemany(
        "INSERT INTO meta.check_results VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)", rows
    )


def store_results(con, run_id: str, asset: str, check_name: str, results: list) -> None:
    """GX validations: their outcomes in meta.check_results, and GX's documents in
    meta.gx_validations, from which the Data Docs site is rendered."""
    store_outcomes(con, run_id, asset, check_name, [o for r in results for o in r.outcomes])
    con.execute(GX_VALIDATIONS_DDL)
    if not results:
        return
    con.executemany(
        "INSERT INTO meta.gx_validations VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?)",
        [
            (
                run_id,
                asset,
                check_name,
                result.suite,
                result.batch,
                result.passed,
                json.dumps(result.result_document),
                json.dumps(result.suite_document),
            )
            for result in results
        ],
    )


def _result(results, **spec) -> dg.AssetCheckResult:
    rows = sum(result.rows for result in results)
    outcomes = [o for result in results for o in result.outcomes]
    failed = [o for o in outcomes if not o.passed]
    return dg.AssetCheckResult(
        **spec,
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
    from expectations.runner import run_suite

    results = [run_suite(frame, f"{asset}.{check_name}", build, batch=asset)] if len(frame) else []
    return _stored(context, asset, check_name, results)


def _stored(context, asset: str, check_name: str, results: list) -> dg.AssetCheckResult:
    with warehouse.connect(config.settings()) as con:
        store_results(con, context.op_execution_context.run_id, asset, check_name, results)
    return _result(results)


# Rows per GX validation of a raw table: large enough that GX's fixed cost per validation
# disappears, small enough that a batch's frame stays a few hundred MiB at scale L.
BATCH_ROWS = 1_000_000


def _file_batches(files: list[tuple[str, str, int]], limit: int) -> list[list]:
    """Consecutive whole files, each batch at most limit rows (a larger file alone)."""
    batches, current, rows = [], [], 0
    for file in files:
        if current and rows + file[2] > limit:
            batches.append(current)
            current, rows = [], 0
        current.append(file)
        rows += file[2]
    if current:
        batches.append(current)
    return batches


def _batch_label(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]} to {names[-1]} ({len(names)} files)"


def raw_suite_check(
    table: str, build: Callable, extra_columns: str = ""
) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(["raw", table])

    @dg.asset_check(
        asset=key,
        name="gx_suite",
        blocking=True,
        description=f"Great Expectations suite expectations/raw_sources.py:{build.__name__} "
        "on the rows this run loaded; unexpected values are reported with file and line.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from expectations.runner import run_suite

        run_id = context.op_execution_context.run_id
        results = []
        # One connection reads the run's rows and stores the outcome: opening the warehouse
        # costs some 50 ms, and most raw tables get no new file in a run.
        with warehouse.connect(config.settings()) as con:
            files = con.execute(
                f"SELECT _file_sha256, any_value(_file_name), count(*) FROM raw.{table} "
                "WHERE _file_sha256 IN (SELECT file_sha256 FROM meta.file_ledger "
                "WHERE run_id = ? AND status = 'loaded') GROUP BY 1 ORDER BY 2",
                [run_id],
            ).fetchall()
            # The run's files in batches of whole files: GX's cost per validation is paid
            # per batch, not per file, and memory stays bounded by the batch size.
            for batch in _file_batches(files, BATCH_ROWS):
                shas = [sha for sha, _, _ in batch]
                frame = warehouse.frame(
                    con,
                    f"SELECT *{extra_columns} FROM raw.{table} WHERE _file_sha256 IN "
                    f"({', '.join('?' for _ in shas)})",
                    shas,
                )
                results.append(
                    run_suite(
                        frame,
                        f"raw.{table}",
                        build,
                        batch=_batch_label([name for _, name, _ in batch]),
                        index_columns=("_file_name", "_line_number"),
                    )
                )
            store_results(con, run_id, f"raw.{table}", "gx_suite", results)
        return _result(results)

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
        frame = warehouse.frame(con, marts.kpi_frame_query())
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
    description="forbrug_drift at the root equals the drift postings loaded, month by month, "
    "and every node has its row for every month with drift postings in its subtree.",
)
def kpi_values_reconciliation(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    from expectations.runner import run_suite

    with warehouse.connect(config.settings(), read_only=True) as con:
        sums = warehouse.frame(con, marts.RECONCILIATION_QUERY)
        coverage = warehouse.frame(con, marts.COVERAGE_QUERY)
    results = [
        run_suite(sums, "marts.kpi_values.reconciliation", marts.reconciliation, "kpi_values"),
        run_suite(
            coverage,
            "marts.kpi_values.coverage",
            marts.coverage,
            "kpi_values",
            index_columns=("omkostningssted", "periode"),
        ),
    ]
    return _stored(context, "marts.kpi_values", "reconciles_with_postings", results)


def published_mart_results(con, mart: str, contract, key) -> dict[str, list]:
    """The GX validations of one published mart: its schema against its dbt contract
    (gx_schema), and, where it has one, its suite with its key (gx_suite)."""
    from expectations.runner import run_suite

    query, params = marts.schema_query(mart, contract)
    results = {
        "gx_schema": [
            run_suite(
                warehouse.frame(con, query, params), f"marts.{mart}.schema", marts.schema, mart
            )
        ]
    }
    suite = marts.MART_SUITES.get(mart)
    if suite is not None:
        frame = warehouse.frame(con, suite.query)
        results["gx_suite"] = [
            run_suite(frame, f"marts.{mart}", lambda f: [*suite.build(f), *marts.keys(key)], mart)
        ]
    return results


def _published_specs() -> list[dg.AssetCheckSpec]:
    specs = []
    for mart in published_marts():
        asset = dg.AssetKey(["marts", mart])
        specs.append(
            dg.AssetCheckSpec(
                "gx_schema",
                asset=asset,
                blocking=True,
                description="Columns and types as the dbt contract declares them "
                "(expectations/marts.py:schema).",
            )
        )
        if mart in marts.MART_SUITES:
            specs.append(
                dg.AssetCheckSpec(
                    "gx_suite",
                    asset=asset,
                    blocking=True,
                    description=f"{marts.MART_SUITES[mart].description} Key unique and complete "
                    f"(expectations/marts.py:{marts.MART_SUITES[mart].build.__name__}).",
                )
            )
    return specs


@dg.multi_asset_check(specs=_published_specs(), name="published_mart_suites", can_subset=True)
def published_mart_suites(context: dg.AssetCheckExecutionContext):
    """The published marts of the run validated in one step: one read connection."""
    run_id = context.op_execution_context.run_id
    selected = context.selected_asset_check_keys
    checked = {}
    with warehouse.connect(config.settings(), read_only=True) as con:
        for mart, contract in published_contracts().items():
            if dg.AssetCheckKey(dg.AssetKey(["marts", mart]), "gx_schema") in selected:
                checked[mart] = published_mart_results(con, mart, contract, PRIMARY_KEYS[mart])
    with warehouse.connect(config.settings()) as con:
        for mart, results in checked.items():
            for check_name, suite_results in results.items():
                store_results(con, run_id, f"marts.{mart}", check_name, suite_results)
    for mart, results in checked.items():
        for check_name, suite_results in results.items():
            yield _result(
                suite_results,
                asset_key=dg.AssetKey(["marts", mart]),
                check_name=check_name,
            )


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
    published_mart_suites,
]
