"""Great Expectations suites as blocking Dagster asset checks.

An expectation of a broken contract invariant fails its check with severity ERROR, which
stops everything downstream; a failed plausibility rule (GX severity `warning`) fails it
with severity WARN, and the run goes on to publish (docs/quality.md).

Rows are read from DuckDB as Arrow tables and validated by GX in worker processes
(`expectations/pool.py`), each as a pandas frame. A raw table is validated on the rows no
publication was built from yet, in batches of whole files handed on while they load
(`lib/raw_validation.py`); each unexpected value is reported with its file and line.
Every outcome is stored in meta.check_results, which the publication carries.
"""

import functools
import json
import re
from collections.abc import Callable

import dagster as dg
import duckdb

from dagster_project.defs.ingest.assets import PRIORITY_TAG, check_priority
from dagster_project.defs.publish import primary_keys, published_marts
from dagster_project.defs.resources import GxWorkers
from dagster_project.lib import config, raw_validation, warehouse
from dagster_project.lib.dbt_manifest import published_contracts
from expectations import marts
from expectations.runner import BLOCKING

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
);
-- Added after the first publications: blocking (a contract invariant) or warning.
ALTER TABLE meta.check_results ADD COLUMN IF NOT EXISTS severity VARCHAR;
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


CHECK_RESULT_COLUMNS = (
    "run_id",
    "asset",
    "check_name",
    "expectation",
    "column_name",
    "passed",
    "observed",
    "severity",
)
GX_VALIDATION_COLUMNS = (
    "run_id",
    "asset",
    "check_name",
    "suite",
    "batch",
    "passed",
    "result_document",
    "suite_document",
)


def store_outcomes(con, run_id: str, asset: str, check_name: str, outcomes) -> None:
    """Each expectation's (or dbt test's) outcome in meta.check_results, published."""
    con.execute(CHECK_RESULTS_DDL)
    rows = [
        (run_id, asset, check_name, o.expectation, o.column, o.passed, o.observed, o.severity)
        for o in outcomes
    ] or [(run_id, asset, check_name, None, None, True, "no new rows to validate", BLOCKING)]
    warehouse.insert_rows(
        con, "meta.check_results", CHECK_RESULT_COLUMNS, rows, {"checked_at": "now()::TIMESTAMP"}
    )


def store_results(con, run_id: str, asset: str, check_name: str, results: list) -> None:
    """GX validations: their outcomes in meta.check_results, and GX's documents in
    meta.gx_validations, from which the Data Docs site is rendered."""
    store_outcomes(con, run_id, asset, check_name, [o for r in results for o in r.outcomes])
    con.execute(GX_VALIDATIONS_DDL)
    rows = [
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
    ]
    warehouse.insert_rows(
        con,
        "meta.gx_validations",
        GX_VALIDATION_COLUMNS,
        rows,
        {"validated_at": "now()::TIMESTAMP"},
    )


def _result(results, **spec) -> dg.AssetCheckResult:
    """The check's result: failed with severity ERROR when a blocking expectation failed
    (nothing downstream runs), with severity WARN when only plausibility rules failed
    (the run goes on and publishes, the warnings named)."""
    rows = sum(result.rows for result in results)
    outcomes = [o for result in results for o in result.outcomes]
    failed = [o for o in outcomes if not o.passed and o.severity == BLOCKING]
    warnings = [o for o in outcomes if not o.passed and o.severity != BLOCKING]
    return dg.AssetCheckResult(
        **spec,
        passed=not failed and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if failed else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_validated": rows,
            "expectations": len(outcomes),
            "failed": dg.MetadataValue.md(_listed(failed)),
            "warnings": dg.MetadataValue.md(_listed(warnings)),
        },
    )


def _listed(outcomes) -> str:
    return "\n".join(f"- {o.expectation}({o.column}): {o.observed}" for o in outcomes) or "none"


def _stored(context, asset: str, check_name: str, results: list) -> dg.AssetCheckResult:
    with warehouse.connect(config.settings()) as con:
        store_results(con, context.op_execution_context.run_id, asset, check_name, results)
    return _result(results)


def _raw_suite_description(table: str) -> str:
    return (
        f"Great Expectations suite expectations/raw_sources.py:{table} on the rows loaded "
        "since the last publication (this run's, and those of runs that stopped before "
        "publishing); unexpected values are reported with file and line."
    )


def _collected(con, gx: GxWorkers, run_id: str, table: str) -> dg.AssetCheckResult:
    """A raw table's suite: its batches' results collected, stored and summed up."""
    results = gx.pending.collect(con, run_id, table)
    store_results(con, run_id, f"raw.{table}", "gx_suite", results)
    return _result(results, asset_key=dg.AssetKey(["raw", table]), check_name="gx_suite")


def raw_suite_check(table: str) -> dg.AssetChecksDefinition:
    """The suite of a raw table other sources' rules read (the cost centres, employments,
    questions): a step of its own, right after its ingest, which those sources wait for."""

    @dg.asset_check(
        asset=dg.AssetKey(["raw", table]),
        name="gx_suite",
        blocking=True,
        op_tags={PRIORITY_TAG: str(check_priority(table))},
        description=_raw_suite_description(table),
    )
    def _check(
        context: dg.AssetCheckExecutionContext, gx: dg.ResourceParam[GxWorkers]
    ) -> dg.AssetCheckResult:
        with warehouse.connect(config.settings()) as con:
            return _collected(con, gx, context.op_execution_context.run_id, table)

    return _check


# Tables no other source's rules read: their suites are collected in one step after the
# last ingest, by when their batches have mostly been validated; one step opens the
# warehouse once for all of them (some 50-100 ms a step, with the outcome written).
LATE_SUITE_TABLES = tuple(t for t in raw_validation.SUITE_TABLES if check_priority(t) < 0)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "gx_suite",
            asset=dg.AssetKey(["raw", table]),
            blocking=True,
            description=_raw_suite_description(table),
        )
        for table in LATE_SUITE_TABLES
    ],
    name="raw_suites",
    can_subset=True,
    op_tags={PRIORITY_TAG: "-1"},
)
def raw_suites(context: dg.AssetCheckExecutionContext, gx: dg.ResourceParam[GxWorkers]):
    """The late raw tables' suites, each a check of its own table, collected in one step."""
    run_id = context.op_execution_context.run_id
    selected = context.selected_asset_check_keys
    with warehouse.connect(config.settings()) as con:
        for table in LATE_SUITE_TABLES:
            if dg.AssetCheckKey(dg.AssetKey(["raw", table]), "gx_suite") in selected:
                yield _collected(con, gx, run_id, table)


KPI_VALUES = dg.AssetKey(["marts", "kpi_values"])


KPI_VALUES_SUITE = "marts.kpi_values.gx_suite"
KPI_VALUES_RECONCILIATION = "marts.kpi_values.reconciles_with_postings"
KNOWN_KPIS_QUERY = "SELECT kpi_id FROM marts.dim_kpi"


def kpi_values_validations(con, pool) -> list:
    """kpi_values' suite handed to the GX workers (none without rows): its futures."""
    rows = warehouse.arrow(con, marts.kpi_frame_query())
    if not rows.num_rows:
        return []
    known = [row[0] for row in con.execute(KNOWN_KPIS_QUERY).fetchall()]
    nodes = [r[0] for r in con.execute("SELECT omkostningssted FROM raw.organisation").fetchall()]
    build = functools.partial(marts.kpi_values, known_kpis=known, nodes=nodes)
    # A failing expectation names each unexpected value's KPI, node and period.
    return [
        pool.validate(
            rows,
            KPI_VALUES_SUITE,
            build,
            "marts.kpi_values",
            index_columns=("kpi_id", "omkostningssted", "periode"),
        )
    ]


def reconciliation_validations(con, pool) -> list:
    """kpi_values against the postings, handed to the GX workers: the futures."""
    sums = warehouse.arrow(con, marts.RECONCILIATION_QUERY)
    coverage = warehouse.arrow(con, marts.COVERAGE_QUERY)
    return [
        pool.validate(sums, "marts.kpi_values.reconciliation", marts.reconciliation, "kpi_values"),
        pool.validate(
            coverage,
            "marts.kpi_values.coverage",
            marts.coverage,
            "kpi_values",
            index_columns=("omkostningssted", "periode"),
        ),
    ]


def schema_validations(con, pool, mart: str, contract) -> list:
    """A published mart's columns and types against its dbt contract, handed to the GX
    workers: the futures."""
    query, params = marts.schema_query(mart, contract)
    schema = warehouse.arrow(con, query, params)
    return [pool.validate(schema, f"marts.{mart}.schema", marts.schema, mart)]


def suite_validations(con, pool, mart: str, key) -> list:
    """A published mart's suite (expectations/marts.py MART_SUITES) with its key, handed to
    the GX workers: the futures."""
    rows = warehouse.arrow(con, marts.MART_SUITES[mart].query)
    build = functools.partial(marts.mart_suite, mart=mart, key=tuple(key))
    # A failing expectation names each unexpected value's row by the mart's key.
    return [pool.validate(rows, f"marts.{mart}", build, mart, index_columns=tuple(key))]


def published_mart_validations(con, pool, mart: str, contract, key) -> dict[str, list]:
    """The GX validations of one published mart, handed to the GX workers: its schema
    (gx_schema) and, where it has one, its suite (gx_suite). Each check's futures."""
    validations = {"gx_schema": schema_validations(con, pool, mart, contract)}
    if mart in marts.MART_SUITES:
        validations["gx_suite"] = suite_validations(con, pool, mart, key)
    return validations


def published_mart_results(con, pool, mart: str, contract, key) -> dict[str, list]:
    """The GX validations of one published mart, done: each check's SuiteResults."""
    validations = published_mart_validations(con, pool, mart, contract, key)
    return {name: [pool.result(f) for f in futures] for name, futures in validations.items()}


MART_READ = re.compile(r"\bmarts\.(\w+)")


def _marts_read(mart: str, *queries: str) -> frozenset[str]:
    return frozenset({mart, *MART_READ.findall(" ".join(queries))})


def mart_checks() -> dict[tuple[str, str], tuple[frozenset[str], Callable]]:
    """Every GX check of a mart, by (mart, check): the marts it reads (its own among them),
    and how it begins: a function(con, pool) that hands its validations to the GX workers
    and returns their futures."""
    checks = {
        ("kpi_values", "gx_suite"): (
            _marts_read("kpi_values", marts.kpi_frame_query(), KNOWN_KPIS_QUERY),
            kpi_values_validations,
        ),
        ("kpi_values", "reconciles_with_postings"): (
            _marts_read("kpi_values", marts.RECONCILIATION_QUERY, marts.COVERAGE_QUERY),
            reconciliation_validations,
        ),
    }
    keys = primary_keys()
    for mart, contract in published_contracts().items():
        checks[(mart, "gx_schema")] = (
            _marts_read(mart),
            functools.partial(_begin, schema_validations, mart=mart, detail=contract),
        )
        if mart in marts.MART_SUITES:
            checks[(mart, "gx_suite")] = (
                _marts_read(mart, marts.MART_SUITES[mart].query),
                functools.partial(_begin, suite_validations, mart=mart, detail=keys[mart]),
            )
    return checks


def _begin(validations: Callable, con, pool, mart: str, detail) -> list:
    return validations(con, pool, mart, detail)


class MartChecksDuringDbt:
    """The marts' GX checks begun while dbt still builds, so that the GX workers validate
    beside dbt instead of after it: each check as soon as dbt has built every mart it reads.
    Only where this process can read what dbt writes, which is dbt in this process on DuckDB
    (a database is opened once per process and shared). The check steps collect what was
    begun (`GxWorkers.take`) and begin the rest themselves."""

    def __init__(
        self,
        gx: GxWorkers,
        building: set[str],
        selected: set[dg.AssetCheckKey] | None,
        log,
    ) -> None:
        self.gx = gx
        self.log = log
        self.built: set[str] = set()
        self._con = None
        # A mart this build does not rebuild is read as it is.
        self.waiting = {
            (mart, check): (reads & building, begin)
            for (mart, check), (reads, begin) in mart_checks().items()
            if mart in building and (selected is None or _check_key(mart, check) in selected)
        }

    def built_mart(self, mart: str) -> None:
        """dbt has built the mart: begin every check whose marts are all built now."""
        self.built.add(mart)
        ready = [key for key, (needs, _) in self.waiting.items() if needs <= self.built]
        if not ready:
            return
        if self._con is None:
            # Opened for writing, as dbt has the database open: DuckDB shares one open
            # database per process and settings. It only reads, and stays open until dbt is
            # done (an open and a close per mart cost some 50 ms).
            self._con = duckdb.connect(str(config.settings().warehouse_path))
        for mart_check in ready:
            _, begin = self.waiting.pop(mart_check)
            try:
                self.gx.begin(*mart_check, begin(self._con, self.gx.pool))
            except Exception as err:  # noqa: BLE001 - the check's own step reports it
                self.log.warning(f"the check {mart_check} is left to its step: {err}")

    def close(self) -> None:
        """Called once dbt is done: the warehouse is released for the next steps."""
        if self._con is not None:
            self._con.close()
            self._con = None


def _check_key(mart: str, check: str) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(["marts", mart]), check)


def _results(gx: GxWorkers, mart_checks_wanted: list[tuple[str, str]]) -> dict:
    """Each check's SuiteResults: collected where the dbt step began it, else begun now on
    one read connection (every check handed on before the first result is awaited, so the
    workers validate side by side)."""
    futures = {key: gx.take(*key) for key in mart_checks_wanted}
    missing = [key for key, begun in futures.items() if begun is None]
    if missing:
        checks = mart_checks()
        gx.pool.grow()  # after dbt, every worker validates
        with warehouse.connect(config.settings(), read_only=True) as con:
            for key in missing:
                futures[key] = checks[key][1](con, gx.pool)
    return {key: [gx.pool.result(f) for f in begun] for key, begun in futures.items()}


def _mart_check(context, gx: GxWorkers, check: str) -> dg.AssetCheckResult:
    results = _results(gx, [("kpi_values", check)])[("kpi_values", check)]
    return _stored(context, "marts.kpi_values", check, results)


@dg.asset_check(
    asset=KPI_VALUES,
    name="gx_suite",
    blocking=True,
    description="Keys, domains, suppression consistency and bounded percentages of kpi_values.",
)
def kpi_values_suite(
    context: dg.AssetCheckExecutionContext, gx: dg.ResourceParam[GxWorkers]
) -> dg.AssetCheckResult:
    return _mart_check(context, gx, "gx_suite")


@dg.asset_check(
    asset=KPI_VALUES,
    name="reconciles_with_postings",
    blocking=True,
    description="forbrug_drift at the root equals the drift postings loaded, month by month, "
    "and every node has its row for every month with drift postings in its subtree.",
)
def kpi_values_reconciliation(
    context: dg.AssetCheckExecutionContext, gx: dg.ResourceParam[GxWorkers]
) -> dg.AssetCheckResult:
    return _mart_check(context, gx, "reconciles_with_postings")


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
def published_mart_suites(context: dg.AssetCheckExecutionContext, gx: dg.ResourceParam[GxWorkers]):
    """The published marts' schemas and suites in one step: most begun by the dbt step as
    dbt built them, the rest begun here, and every result stored and reported."""
    run_id = context.op_execution_context.run_id
    wanted = sorted((key.asset_key.path[-1], key.name) for key in context.selected_asset_check_keys)
    checked = _results(gx, wanted)
    with warehouse.connect(config.settings()) as con:
        for (mart, check_name), suite_results in checked.items():
            store_results(con, run_id, f"marts.{mart}", check_name, suite_results)
    for (mart, check_name), suite_results in checked.items():
        yield _result(
            suite_results,
            asset_key=dg.AssetKey(["marts", mart]),
            check_name=check_name,
        )


quality_checks = [
    *(raw_suite_check(t) for t in raw_validation.SUITE_TABLES if t not in LATE_SUITE_TABLES),
    raw_suites,
    kpi_values_suite,
    kpi_values_reconciliation,
    published_mart_suites,
]
