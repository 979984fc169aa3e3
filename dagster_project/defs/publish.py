"""Write-audit-publish: copy the marts into a candidate file, audit it, swap it in atomically.

BI tools read `published/maalbar.duckdb`. The candidate is written beside it and moved over
it with one rename, so a reader sees the old or the new publication, never a mix, and a
reader holding the old file open keeps reading it undisturbed. A failed audit leaves the
previous publication byte for byte as it was.

With MAALBAR_POSTGRES_URL set, the audited candidate's marts are published to PostgreSQL
(`lib/postgres.py`) before the DuckDB file is swapped: a failed PostgreSQL publication leaves
both previous publications as they were, and the DuckDB swap after a successful one is a
single rename.
"""

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.defs.resources import GxWorkers
from dagster_project.lib import config, postgres, retention, warehouse
from dagster_project.lib.config import Settings
from dagster_project.lib.dbt_manifest import (
    published_contracts,
    published_descriptions,
    published_keys,
)
from dagster_project.lib.fingerprint import input_fingerprint
from dagster_project.lib.modes import open_like

# BI drivers lag the DuckDB library: the oldest storage format that holds the publication's
# types (VARCHAR, DOUBLE, INTEGER, BIGINT, BOOLEAN, DATE, TIMESTAMP) opens in DuckDB 1.0 and
# later, so in the 1.1 and 1.2 drivers BI tools still bundle (docs/bi.md).
STORAGE_COMPATIBILITY = "v1.0.0"
# In that format a checkpoint weighs FSST against dictionary compression for every text
# column and took 0.19 s instead of 0.08 s at S; dictionary compression won for every column,
# so FSST is not tried (the same file size; the write 0.67 -> 0.71 s).
DISABLED_COMPRESSION = "fsst"
# Audit trail that travels with the figures (schema meta of the publication).
PUBLISHED_META = ("file_ledger", "rejected_rows", "check_results")
# A standalone ten-digit token, optionally with '-' after the sixth digit (published.md).
CPR_TOKEN = r"(^|[^0-9A-Za-z])([0-9]{6})-?([0-9]{4})($|[^0-9A-Za-z])"


class PublicationRefused(Exception):
    pass


def published_marts() -> list[str]:
    """The marts flagged `meta.published` in the dbt project (see dbt_project.yml)."""
    return sorted(published_contracts())


def primary_keys() -> dict[str, tuple[str, ...]]:
    """Each published mart's primary key, as its dbt contract declares it: the publication's
    tables carry these keys, in DuckDB and in PostgreSQL."""
    return published_keys()


def build_candidate(settings: Settings, candidate: Path, run_id: str) -> dict[str, int]:
    candidate.unlink(missing_ok=True)
    con = duckdb.connect(
        str(candidate), config={"storage_compatibility_version": STORAGE_COMPATIBILITY}
    )
    # A setting DuckDB takes only once the database is open (as connect's config it is ignored).
    con.execute(f"SET disabled_compression_methods = '{DISABLED_COMPRESSION}'")
    try:
        con.execute(f"ATTACH '{settings.warehouse_path}' AS wh (READ_ONLY)")
        # One transaction for every table, key and comment: one commit writes them, where a
        # commit per statement checkpointed the tables written so far again and again
        # (at M the tables and keys 0.95 -> 0.76 s).
        con.execute("BEGIN")
        counts = {}
        keys = primary_keys()
        for schema, tables in (("marts", published_marts()), ("meta", PUBLISHED_META)):
            con.execute(f"CREATE SCHEMA {schema}")
            # A view of the warehouse would be published as a table: the publication then
            # stands alone and needs no view resolution in BI drivers.
            names = [
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM duckdb_tables() "
                    "WHERE database_name = 'wh' AND schema_name = ? "
                    "UNION SELECT view_name FROM duckdb_views() "
                    "WHERE database_name = 'wh' AND schema_name = ? ORDER BY 1",
                    [schema, schema],
                ).fetchall()
            ]
            missing = sorted(set(tables) - set(names))
            if missing and schema == "marts":
                raise PublicationRefused(f"marts not built: {', '.join(missing)}")
            for name in names:
                if name not in tables:
                    continue
                con.execute(
                    f"CREATE TABLE {schema}.{name} AS SELECT * "
                    f"{_published_columns(schema, name)} FROM wh.{schema}.{name}"
                )
                if schema == "marts":
                    con.execute(
                        f"ALTER TABLE {schema}.{name} ADD PRIMARY KEY ({', '.join(keys[name])})"
                    )
                counts[f"{schema}.{name}"] = con.execute(
                    f"SELECT count(*) FROM {schema}.{name}"
                ).fetchone()[0]
        _write_comments(
            con, {name.split(".", 1)[1] for name in counts if name.startswith("marts.")}
        )
        con.execute(
            "CREATE TABLE meta.publication AS SELECT ? AS run_id, "
            "now()::TIMESTAMP AS published_at, ? AS input_fingerprint",
            [run_id, input_fingerprint(con, "meta.file_ledger")],
        )
        con.execute("COMMIT")
        con.execute("DETACH wh")
        audit(con)
        con.execute("CHECKPOINT")
        return counts
    finally:
        con.close()


def _published_columns(schema: str, name: str) -> str:
    """A SELECT * modifier: what the publication leaves out of a table. The value of a
    rejected row of a person-level file (an employment number, a date of a spell) stays in
    the warehouse, for those who may read the data folder (docs/privacy.md)."""
    if (schema, name) != ("meta", "rejected_rows"):
        return ""
    tables = ", ".join(f"'{person.table}'" for person in retention.PERSON_TABLES)
    return (
        "REPLACE (CASE WHEN EXISTS (SELECT 1 FROM wh.meta.file_ledger l "
        "WHERE l.file_name = rejected_rows.file_name "
        f"AND l.file_sha256 = rejected_rows.file_sha256 AND l.raw_table IN ({tables})) "
        "THEN NULL ELSE value END AS value)"
    )


def _write_comments(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """Each published mart's description and its columns' descriptions from the dbt project,
    as table and column comments, which BI tools show beside the figures. Written here, in
    the caller's transaction, rather than persisted by dbt into the warehouse, where dbt
    spent some 3-4 s of a full build on a statement and a column lookup per mart."""
    statements = []
    for table, (description, columns) in published_descriptions().items():
        if table not in tables:
            continue
        if description:
            statements.append((f"TABLE marts.{table}", description))
        statements += [
            (f"COLUMN marts.{table}.{column}", text) for column, text in columns.items() if text
        ]
    for target, text in statements:
        quoted = text.replace("'", "''")
        con.execute(f"COMMENT ON {target} IS '{quoted}'")


def audit(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a candidate that breaks published.md: every column of each published mart's
    contract with its declared type, no suppressed figure with a value, nothing that looks
    like a CPR number. Raises PublicationRefused."""
    problems = []
    actual = {
        (table, column): data_type
        for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND database_name = current_database()"
        ).fetchall()
    }
    for table, contract in published_contracts().items():
        for column, data_type in contract:
            found = actual.get((table, column))
            if found != data_type:
                problems.append(f"marts.{table}.{column} must be {data_type}, is {found}")
    suppressed_leaks = con.execute(
        "SELECT count(*) FROM marts.kpi_values WHERE undertrykt "
        "AND (vaerdi IS NOT NULL OR taeller IS NOT NULL OR naevner IS NOT NULL)"
    ).fetchone()[0]
    if suppressed_leaks:
        problems.append(f"{suppressed_leaks} suppressed kpi_values rows carry a figure")
    problems += _cpr_findings(con)
    if problems:
        raise PublicationRefused("; ".join(problems))


def _cpr_findings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Text columns of the marts and meta holding values that look like CPR numbers (ten
    digits, six of them a valid date). One scan per table finds the columns with a CPR-shaped
    token at all; only those are counted exactly."""
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE data_type = 'VARCHAR' AND schema_name IN ('marts', 'meta') "
        "AND database_name = current_database() ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        columns.setdefault((schema, table), []).append(column)
    findings = []
    for (schema, table), names in columns.items():
        shaped = con.execute(
            "SELECT "
            + ", ".join(f"""bool_or(regexp_matches("{name}", '{CPR_TOKEN}'))""" for name in names)
            + f" FROM {schema}.{table}"
        ).fetchone()
        for column, any_shaped in zip(names, shaped, strict=True):
            if not any_shaped:
                continue
            hits = con.execute(
                f"""
                SELECT count(*) FROM (
                    SELECT unnest(regexp_extract_all("{column}", '{CPR_TOKEN}', 2)) AS ddmmyy
                    FROM {schema}.{table} WHERE regexp_matches("{column}", '{CPR_TOKEN}')
                ) WHERE try_strptime(ddmmyy, '%d%m%y') IS NOT NULL
                """
            ).fetchone()[0]
            if hits:
                findings.append(
                    f"{schema}.{table}.{column} holds {hits} value(s) that look like CPR"
                )
    return findings


def export_parquet(candidate: Path, target: Path) -> None:
    """Every published mart as Parquet, for tools that read files rather than DuckDB."""
    target.mkdir(parents=True)
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
        ).fetchall():
            con.execute(f"COPY marts.{name} TO '{target / name}.parquet' (FORMAT parquet)")
    finally:
        con.close()


def swap_parquet(settings: Settings, export: Path) -> None:
    """`published/parquet` is a link to the newest export, replaced in one rename."""
    link = settings.published_dir / "parquet"
    partial = settings.published_dir / ".parquet-link"
    partial.unlink(missing_ok=True)
    partial.symlink_to(export.name)
    os.replace(partial, link)
    for old in settings.published_dir.glob("parquet-*"):
        if old != export:
            shutil.rmtree(old, ignore_errors=True)


def swap_in(candidate: Path, published: Path) -> None:
    with candidate.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(candidate, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@dg.asset(
    key=dg.AssetKey(["published", "maalbar"]),
    # Every mart flagged published, so the publication waits for all of them and their checks;
    # and the leaders' access list, which the PostgreSQL publication's row-level access reads.
    deps=[
        *(dg.AssetKey(["marts", name]) for name in published_marts()),
        dg.AssetKey(["raw", "ledere"]),
    ],
    group_name="publish",
    kinds={"duckdb", "postgres"},
    description="published/maalbar.duckdb: the marts BI tools read, replaced atomically; "
    "with MAALBAR_POSTGRES_URL set, the same marts in PostgreSQL, swapped in first.",
)
def published_database(
    context: dg.AssetExecutionContext, gx: dg.ResourceParam[GxWorkers]
) -> dg.MaterializeResult:
    settings = config.settings()
    settings.ensure_dirs()
    # A run killed while publishing leaves its candidate behind; it never became the
    # publication, so it is removed (the warehouse lock makes runs serial).
    for stale in settings.published_dir.glob(".candidate-*.duckdb*"):
        stale.unlink()
    for stale in settings.published_dir.glob(".postgres-*"):
        shutil.rmtree(stale, ignore_errors=True)
    current = (settings.published_dir / "parquet").resolve()
    for stale in settings.published_dir.glob("parquet-*"):
        if stale != current:
            shutil.rmtree(stale, ignore_errors=True)
    candidate = settings.published_dir / f".candidate-{context.run.run_id}.duckdb"
    try:
        counts = build_candidate(settings, candidate, context.run.run_id)
    except PublicationRefused as err:
        candidate.unlink(missing_ok=True)
        raise dg.Failure(f"publication refused: {err}") from None
    except Exception:
        candidate.unlink(missing_ok=True)
        raise
    export = settings.published_dir / f"parquet-{context.run.run_id}"
    shutil.rmtree(export, ignore_errors=True)
    export_parquet(candidate, export)
    # Owner-only, unless published/ has been opened to BI readers (docs/operations.md).
    open_like(candidate, settings.published_dir)
    open_like(export, settings.published_dir)
    # PostgreSQL first: a failure there leaves the DuckDB publication as it was too, and the
    # DuckDB swap after it is one rename.
    postgres_metadata = {}
    url = config.postgres_url()
    if url:
        try:
            outcome = publish_postgres(context, settings, url, candidate)
        except postgres.PostgresPublicationFailed as err:
            candidate.unlink(missing_ok=True)
            shutil.rmtree(export, ignore_errors=True)
            raise dg.Failure(description=str(err)) from None
        postgres_metadata = {
            "postgres_server": postgres.server_name(url),
            "postgres_seconds": round(outcome.seconds, 2),
            "postgres_rows": sum(outcome.rows.values()),
        }
    swap_in(candidate, settings.published_path)
    swap_parquet(settings, export)
    from dagster_project.defs.transform import record_build

    record_build(context, settings)
    from dagster_project.defs.docs import begin_gx_docs

    begin_gx_docs(settings, context.run.run_id, gx)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.published_path)),
            **{name: count for name, count in counts.items()},
            **postgres_metadata,
        }
    )


def publish_postgres(
    context: dg.AssetExecutionContext, settings: Settings, url: str, candidate: Path
) -> postgres.PostgresOutcome:
    """The audited candidate's marts published to PostgreSQL with the leaders' access list of
    the warehouse. Its warnings (a listed login the server does not have) are stored with
    the run's checks, so that `maalbar run` names them and still exits 0."""
    with warehouse.connect(settings, read_only=True) as con:
        leaders = con.execute(
            "SELECT DISTINCT login, omkostningssted FROM raw.ledere ORDER BY 1, 2"
        ).fetchall()
    work = settings.published_dir / f".postgres-{context.run.run_id}"
    work.mkdir(mode=0o700, exist_ok=True)
    try:
        outcome = postgres.publish(
            url, candidate, leaders, primary_keys(), context.run.run_id, work
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in outcome.notes:
        context.log.info(line)
    if outcome.warnings:
        from dagster_project.defs.quality import store_outcomes
        from expectations.runner import WARNING, ExpectationOutcome

        for line in outcome.warnings:
            context.log.warning(line)
        with warehouse.connect(settings) as con:
            store_outcomes(
                con,
                context.run.run_id,
                "postgres",
                "adgang",
                [
                    ExpectationOutcome("leaders_list", None, False, line, WARNING)
                    for line in outcome.warnings
                ],
            )
    return outcome
