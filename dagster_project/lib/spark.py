"""The transform on Apache Spark (MAALBAR_ENGINE=spark): the one module that knows Spark.

Spark replaces only the engine dbt builds the models on. Ingest, ledger, retention, the
quality gates and the publication stay on the DuckDB warehouse, so the dbt step of a Spark
run (defs/transform.py) does three things around `dbt build --target spark`:

1. `export_sources`: the tables dbt reads as sources (schema raw, and the retention step's
   meta.retention_cutoffs and meta.frozen_kpi_values) leave DuckDB as Parquet under
   `$MAALBAR_DATA_DIR/spark/raw/<schema>.<table>/`, in types Spark reads. The tables of
   monthly or yearly deliveries are partitioned by their month, year or round
   (`PARTITIONS`), and only the partitions whose rows changed since the last export are
   written again (insert-overwrite by partition); the others keep their files.
2. `prepare_session`: one SparkSession for the process, created here with the profile's
   settings before dbt opens it (dbt-spark's session method takes the active session,
   `SparkSession.builder.getOrCreate()`), with the SQL function the models call that Spark
   lacks (`maalbar_t_kvantil`, the t quantile from scipy) and the sources registered: each
   an external Parquet table in database `maalbar_landing`, and a view `raw.<table>` (or
   `meta.<table>`) over it with the columns in DuckDB's order and types.
3. `bring_back`: every table and seed dbt built is read from its Parquet files by DuckDB
   into the warehouse's schema of the same name, each published column in its contract's
   type, so the GX gates and the publication read them as they read dbt-duckdb's.

Local Spark by default (`local[2]`, a Derby metastore and the warehouse under
`$MAALBAR_DATA_DIR/spark/`); MAALBAR_SPARK_MASTER names a cluster (docs/operations.md).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib import warehouse
from dagster_project.lib.config import Settings

TARGET = "spark"
# The database of the external Parquet tables behind the source views.
LANDING_DATABASE = "maalbar_landing"
# The meta tables dbt reads as sources (dbt/models/staging/_meta__sources.yml).
META_SOURCES = ("retention_cutoffs", "frozen_kpi_values")
# The column each monthly or yearly delivery replaces by (docs/architecture.md, the replace
# rules): its Parquet files are written per value, and only the values whose rows changed.
PARTITIONS = {
    "posteringer": "regnskabsmaaned",
    "aktivitet": "maaned",
    "besvarelser": "runde",
    "inviterede": "runde",
    "fravaer": "aar",
    "budget": "aar",
    "befolkning": "aar",
}
FINGERPRINTS = "_maalbar_fingerprints.json"
# The fingerprints the last successful Spark build read: what the incremental models hold.
BUILT = "_maalbar_built.json"
INSTALL_SPARK = "pip install -e '.[spark]'"
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
INSTALL_JAVA = "apt-get install openjdk-17-jre-headless"


class SparkUnavailable(RuntimeError):
    pass


def missing() -> str | None:
    """Why MAALBAR_ENGINE=spark cannot run here, naming what to install; None when it can."""
    lacking = [name for name in ("pyspark", "dbt-spark") if _find(name) is None]
    problems = []
    if lacking:
        problems.append(f"{' and '.join(lacking)} not installed: {INSTALL_SPARK}")
    if java() is None:
        problems.append(f"no Java found (JAVA_HOME or java on PATH): {INSTALL_JAVA}")
    if not problems:
        return None
    return "MAALBAR_ENGINE=spark needs Apache Spark and Java 17: " + "; ".join(problems)


def _find(distribution: str):
    """The installed distribution's version, asked of its metadata (importing dbt's adapters
    to find dbt-spark would cost a run with nothing new some 2 s); None when missing."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def metastore(self) -> Path:
        return self.root / "metastore_db"


def paths(settings: Settings) -> Paths:
    return Paths(settings.data_dir / "spark")


def session_config(settings: Settings) -> dict[str, str]:
    """The SparkSession's settings; dbt/profiles.yml's `spark` target names the same ones, so
    a dbt command run by hand opens the same session."""
    where = paths(settings)
    master = os.environ.get("MAALBAR_SPARK_MASTER") or "local[2]"
    # A local Spark talks to itself only: on the loopback interface, not the machine's address.
    loopback = (
        {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
        if master.startswith("local")
        else {}
    )
    return {
        **loopback,
        "spark.master": master,
        "spark.driver.memory": os.environ.get("MAALBAR_SPARK_DRIVER_MEMORY") or "2g",
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(where.warehouse),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={where.metastore};create=true"
        ),
        # Derby's log beside its database, not in the working directory; Spark's own log
        # errors only, and no progress bars on the terminal.
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={where.root} -Dlog4j.configurationFile={LOG_CONFIG.as_uri()}"
        ),
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        # A backslash in a string literal is a backslash, as in DuckDB and PostgreSQL (a KPI
        # definition's `|S \\ E|` in the seed; the split macro's regular expression).
        "spark.sql.parser.escapedStringLiterals": "true",
        # Partition values are text (months, rounds) or years: typed by the source views.
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
        # Timestamps written as Parquet's own type, which DuckDB reads as TIMESTAMP.
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.legacy.createHiveTableByDefault": "false",
        # The secondary suppression's sweep is one query of some hundred joins; inferring
        # constraints across them took Catalyst minutes and the driver's heap.
        "spark.sql.constraintPropagation.enabled": "false",
        # The Python of Spark's workers: this interpreter, which has scipy for the t quantile.
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }


def t_quantile(p: float | None, df: float | None) -> float | None:
    """dagster_project/lib/dbt_functions.py's maalbar_t_kvantil, for Spark's Python workers."""
    from scipy.stats import t

    if p is None or df is None or not df > 0:
        return None
    return float(t.ppf(p, df))


def prepare_session(settings: Settings):
    """The process's SparkSession, created with `session_config` before dbt takes it, with
    maalbar_t_kvantil registered. One JVM serves a process: a session already active (pyspark
    keeps it) is reused, and one made for another data folder cannot move its metastore, which
    raises."""
    config = session_config(settings)
    paths(settings).root.mkdir(parents=True, exist_ok=True)
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType

    session = SparkSession.getActiveSession()
    if session is not None:
        current = session.conf.get("spark.sql.warehouse.dir")
        if Path(current.removeprefix("file:")) != Path(config["spark.sql.warehouse.dir"]):
            raise SparkUnavailable(
                f"this process's Spark session belongs to {current}; a Spark run of another "
                "data folder needs a process of its own"
            )
    else:
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
        builder = SparkSession.builder.appName("maalbar").enableHiveSupport()
        for key, value in config.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
    session.udf.register("maalbar_t_kvantil", t_quantile, DoubleType())
    return session


# DuckDB types Spark cannot read from Parquet, or reads as something else: cast before COPY.
_SAFE_CASTS = {
    "UUID": "VARCHAR",
    "INTERVAL": "VARCHAR",
    "TIME": "VARCHAR",
    "TIME WITH TIME ZONE": "VARCHAR",
    "TIMESTAMP_NS": "TIMESTAMP",
    "TIMESTAMP_MS": "TIMESTAMP",
    "TIMESTAMP_S": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "HUGEINT": "DECIMAL(38,0)",
    "UHUGEINT": "DECIMAL(38,0)",
    "UBIGINT": "DECIMAL(20,0)",
    "UINTEGER": "BIGINT",
    "USMALLINT": "INTEGER",
    "UTINYINT": "SMALLINT",
}
# DuckDB's types (after the casts above) as Spark names them.
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
}


def _duckdb_safe_type(kind: str) -> str:
    return _SAFE_CASTS.get(kind, "VARCHAR" if kind.startswith("ENUM") else kind)


def spark_type(kind: str) -> str:
    """A DuckDB type (as duckdb_columns() names it, after the safe casts) in Spark's words."""
    kind = _duckdb_safe_type(kind)
    if kind.startswith("DECIMAL"):
        return kind.lower()
    if kind not in _SPARK_TYPES:
        raise SparkUnavailable(f"no Spark type for DuckDB's {kind}")
    return _SPARK_TYPES[kind]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tick(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def source_tables(con) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(schema, table, [(column, DuckDB type)]) of every table dbt reads as a source that the
    warehouse holds: schema raw, and the meta tables of META_SOURCES."""
    rows = con.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND (schema_name = 'raw' "
        "OR (schema_name = 'meta' AND list_contains(?, table_name))) "
        "ORDER BY schema_name, table_name, column_index",
        [list(META_SOURCES)],
    ).fetchall()
    tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, kind in rows:
        tables.setdefault((schema, table), []).append((column, kind))
    return [(schema, table, columns) for (schema, table), columns in tables.items()]


def export_sources(settings: Settings) -> dict[str, list[str]]:
    """Every source table as Parquet under spark/raw/<schema>.<table>/, only what changed
    since the last export written again. Returns {table: partitions (or ['*']) written}."""
    root = paths(settings).raw
    root.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[str]] = {}
    with warehouse.connect(settings, read_only=True) as con:
        tables = source_tables(con)
        for schema, table, columns in tables:
            folder = root / f"{schema}.{table}"
            done = _export_table(con, schema, table, columns, folder)
            if done:
                written[f"{schema}.{table}"] = done
    kept = {f"{schema}.{table}" for schema, table, _ in tables}
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in kept:
            shutil.rmtree(folder)
    return written


def _select_list(columns: Iterable[tuple[str, str]], leave_out: str | None = None) -> str:
    return ", ".join(
        f"CAST({_quote(column)} AS {_duckdb_safe_type(kind)}) AS {_quote(column)}"
        for column, kind in columns
        if column != leave_out
    )


def _export_table(con, schema: str, table: str, columns, folder: Path) -> list[str]:
    """One table's Parquet files, by partition where it has one; only partitions whose
    fingerprint (row count and a hash of every row) changed are written again."""
    names = [column for column, _ in columns]
    partition = PARTITIONS.get(table) if schema == "raw" else None
    if partition not in names:
        partition = None
    row_hash = f"hash({', '.join(_quote(column) for column in names)})"
    qualified = f"{schema}.{_quote(table)}"
    if partition is not None:
        found = con.execute(
            f"SELECT CAST({_quote(partition)} AS VARCHAR), count(*), bit_xor({row_hash}) "
            f"FROM {qualified} GROUP BY 1"
        ).fetchall()
        if any(value is None or "/" in value for value, _, _ in found):
            partition = None  # a value that cannot name a folder: the table as one file
    if partition is None:
        count, digest = con.execute(
            f"SELECT count(*), bit_xor({row_hash}) FROM {qualified}"
        ).fetchone()
        found = [("*", count, digest)]
    layout = json.dumps({"columns": columns, "partition": partition})
    fingerprints = {value: f"{count}:{digest}" for value, count, digest in found}
    stamp = folder / FINGERPRINTS
    before = json.loads(stamp.read_text()) if stamp.exists() else {}
    if before.get("layout") != layout:
        shutil.rmtree(folder, ignore_errors=True)
        before = {}
    folder.mkdir(parents=True, exist_ok=True)
    previous = before.get("partitions", {})
    changed = sorted(
        value for value, print_ in fingerprints.items() if previous.get(value) != print_
    )
    for value in set(previous) - set(fingerprints):
        shutil.rmtree(folder / f"{partition}={value}", ignore_errors=True)
    for value in changed:
        if partition is None:
            target = folder / "part-0.parquet"
            query = f"SELECT {_select_list(columns)} FROM {qualified}"
        else:
            target = folder / f"{partition}={value}" / "part-0.parquet"
            query = (
                f"SELECT {_select_list(columns, partition)} FROM {qualified} "
                f"WHERE CAST({_quote(partition)} AS VARCHAR) = {_literal(value)}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a name starting with a dot is no file to Spark.
        partial = target.with_name(".part-0.parquet.partial")
        con.execute(f"COPY ({query}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)")
        os.replace(partial, target)
    stamp.write_text(json.dumps({"layout": layout, "partitions": fingerprints}))
    return changed


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def register_sources(session, settings: Settings) -> None:
    """Each exported table as an external Parquet table of LANDING_DATABASE, and the view
    dbt reads as its source (raw.<table>, meta.<table>) over it, columns as in DuckDB."""
    root = paths(settings).raw
    session.sql(f"CREATE DATABASE IF NOT EXISTS {LANDING_DATABASE}")
    for schema in ("raw", "meta"):
        session.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
    for folder in sorted(p for p in root.iterdir() if (p / FINGERPRINTS).exists()):
        schema, table = folder.name.split(".", 1)
        layout = json.loads(json.loads((folder / FINGERPRINTS).read_text())["layout"])
        columns, partition = layout["columns"], layout["partition"]
        landing = f"{LANDING_DATABASE}.{_tick(f'{schema}__{table}')}"
        data = ", ".join(
            f"{_tick(column)} {spark_type(kind)}" for column, kind in columns if column != partition
        )
        partitioned = ""
        if partition is not None:
            data += f", {_tick(partition)} string"
            partitioned = f" PARTITIONED BY ({_tick(partition)})"
        session.sql(f"DROP TABLE IF EXISTS {landing}")
        session.sql(
            f"CREATE TABLE {landing} ({data}) USING parquet{partitioned} "
            f"LOCATION '{folder.as_uri()}'"
        )
        if partition is not None:
            session.sql(f"ALTER TABLE {landing} RECOVER PARTITIONS")
        listed = ", ".join(
            f"CAST({_tick(column)} AS {spark_type(kind)}) AS {_tick(column)}"
            if column == partition
            else _tick(column)
            for column, kind in columns
        )
        session.sql(
            f"CREATE OR REPLACE VIEW {schema}.{_tick(table)} AS SELECT {listed} FROM {landing}"
        )


# The unit tests' organisations are at most this deep (dbt/models/**/_*unit_tests.yml).
UNIT_TEST_DEPTH = 4


def sweep_depth(settings: Settings) -> int:
    """The depth the secondary suppression's sweep is unrolled to on Spark: the organisation's
    own (at least the unit tests'), not the project's default of 12. The levels below the
    deepest node hold no cell, so the figures are the same; but Spark plans the sweep as one
    query, which grows with the square of the levels (12: minutes of planning and the
    driver's heap; 4: some 15-50 s a model at S). The data test
    assert_organisation_within_the_suppression_sweep still guards it."""
    with warehouse.connect(settings, read_only=True) as con:
        if not warehouse.has_table(con, "raw", "organisation"):
            return UNIT_TEST_DEPTH
        (depth,) = con.execute(
            "WITH RECURSIVE tree(node, depth) AS (SELECT omkostningssted, 0 "
            "FROM raw.organisation WHERE overordnet IS NULL UNION ALL "
            "SELECT child.omkostningssted, tree.depth + 1 FROM raw.organisation child "
            "JOIN tree ON child.overordnet = tree.node WHERE tree.depth < 100) "
            "SELECT max(depth) FROM tree"
        ).fetchone()
    return max(depth or 0, UNIT_TEST_DEPTH)


def changed_partitions(settings: Settings) -> dict[str, list[str] | str]:
    """Per partitioned raw table, the values (months, years, rounds) whose rows differ from
    those the last successful Spark build read: new, changed or gone; '*' (all) where that
    build is not known or the table's layout changed. The incremental models rewrite only
    these (dbt/macros/changed_partitions.sql)."""
    root = paths(settings).raw
    changed: dict[str, list[str] | str] = {}
    for table in PARTITIONS:
        folder = root / f"raw.{table}"
        if not (folder / FINGERPRINTS).exists():
            continue
        now = json.loads((folder / FINGERPRINTS).read_text())
        before = json.loads((folder / BUILT).read_text()) if (folder / BUILT).exists() else {}
        if before.get("layout") != now["layout"] or json.loads(now["layout"])["partition"] is None:
            changed[table] = "*"
            continue
        old, new = before["partitions"], now["partitions"]
        changed[table] = sorted(v for v in set(old) | set(new) if old.get(v) != new.get(v))
    return changed


def mark_built(settings: Settings) -> None:
    """After a successful `dbt build --target spark`: the exported fingerprints are what the
    Spark tables now hold."""
    root = paths(settings).raw
    for stamp in root.glob(f"*/{FINGERPRINTS}"):
        shutil.copyfile(stamp, stamp.with_name(BUILT))


def dbt_vars(settings: Settings) -> list[str]:
    """The `--vars` of `dbt build --target spark`."""
    return [
        "--vars",
        json.dumps(
            {
                "maalbar_max_org_depth": sweep_depth(settings),
                "maalbar_changed_partitions": changed_partitions(settings),
            }
        ),
    ]


def prepare(settings: Settings):
    """Before `dbt build --target spark`: the sources exported and registered in the
    process's session. Returns (session, what was written)."""
    written = export_sources(settings)
    session = prepare_session(settings)
    register_sources(session, settings)
    return session, written


def table_location(session, schema: str, name: str) -> Path | None:
    """Where the files of a Spark table lie; None for a view."""
    rows = session.sql(f"DESCRIBE TABLE EXTENDED {schema}.{_tick(name)}").collect()
    details = {row[0]: row[1] for row in rows}
    if (details.get("Type") or "").upper() == "VIEW":
        return None
    location = details.get("Location")
    if not location:
        return None
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(location).path))


def bring_back(
    settings: Settings,
    built: Iterable[tuple[str, str]],
    contracts: Mapping[str, list[tuple[str, str]]],
    constraints: Mapping[tuple[str, str], list[tuple]],
) -> tuple[list[str], list[str]]:
    """The tables dbt built on Spark ((schema, name) pairs) into the DuckDB warehouse, read
    from their Parquet files; a published mart's columns in its contract's types. Views are
    left in Spark: nothing after dbt reads them. Spark's Parquet tables enforce none of the
    contracts' constraints, so each table's are checked here, as DuckDB checks them when dbt
    writes it there. Returns the tables written and the constraints they break."""
    session = prepare_session(settings)
    copied, broken = [], []
    with warehouse.connect(settings) as con:
        con.execute("BEGIN")
        for schema, name in built:
            location = table_location(session, schema, name)
            if location is None:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            files = sorted(str(p) for p in location.rglob("*.parquet") if p.stat().st_size)
            target = f"{_quote(schema)}.{_quote(name)}"
            typed = dict(contracts.get(name, [])) if schema == "marts" else {}
            if files:
                source = f"read_parquet({files!r}{_hive_options(session, schema, name)})"
                columns = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
                names = [row[0] for row in columns]
            else:  # an empty result Spark wrote no file for: its schema from Spark
                fields = session.table(f"{schema}.{_tick(name)}").schema.fields
                names = [field.name for field in fields]
                source = None
            select = ", ".join(
                f"CAST({_quote(column)} AS {typed[column]}) AS {_quote(column)}"
                if column in typed
                else _quote(column)
                for column in names
            )
            if source is None:
                schema_of = session.table(f"{schema}.{_tick(name)}").schema
                ddl = ", ".join(
                    f"{_quote(f.name)} {typed.get(f.name) or _duckdb_type(f.dataType)}"
                    for f in schema_of.fields
                )
                con.execute(f"CREATE OR REPLACE TABLE {target} ({ddl})")
            else:
                con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {select} FROM {source}")
            copied.append(f"{schema}.{name}")
            broken += broken_constraints(con, target, constraints.get((schema, name), []))
        con.execute("COMMIT")
    return copied, broken


def broken_constraints(con, table: str, constraints: Iterable[tuple]) -> list[str]:
    """The constraints (type, columns, expression) the rows of a DuckDB table break, each
    with the number of offending rows. A check holds where its expression is not false, as
    in SQL."""
    broken = []
    for kind, columns, expression in constraints:
        listed = ", ".join(_quote(column) for column in columns)
        any_null = " OR ".join(f"{_quote(column)} IS NULL" for column in columns)
        if kind == "not_null":
            query = f"SELECT count(*) FROM {table} WHERE {any_null}"
        elif kind in ("primary_key", "unique"):
            duplicates = (
                f"(SELECT count(*) FROM (SELECT {listed} FROM {table} GROUP BY ALL "
                "HAVING count(*) > 1))"
            )
            nulls = f"(SELECT count(*) FROM {table} WHERE {any_null})"
            query = f"SELECT {duplicates}" + (f" + {nulls}" if kind == "primary_key" else "")
        elif kind == "check" and expression:
            query = f"SELECT count(*) FROM {table} WHERE NOT coalesce(({expression}), true)"
        else:
            continue
        (count,) = con.execute(query).fetchone()
        if count:
            described = f"{kind} ({', '.join(columns)})" if columns else f"{kind} {expression}"
            broken.append(f"{table}: {described} broken by {count} row(s)")
    return broken


def _hive_options(session, schema: str, name: str) -> str:
    """read_parquet's options for a table partitioned in folders (the incremental models):
    the partition columns live in the folder names, typed as Spark types them."""
    columns = session.catalog.listColumns(name, schema)
    partitions = {c.name: c.dataType for c in columns if c.isPartition}
    if not partitions:
        return ""
    types = ", ".join(
        f"'{column}': '{_duckdb_type_name(kind)}'" for column, kind in partitions.items()
    )
    return f", hive_partitioning = true, hive_types = {{{types}}}"


def _duckdb_type(data_type) -> str:
    """A Spark type as DuckDB names it (for an empty table without files)."""
    return _duckdb_type_name(data_type.simpleString())


def _duckdb_type_name(name: str) -> str:
    """A Spark type's simple string (`string`, `decimal(38,2)`) as DuckDB names the type."""
    mapping = {
        "string": "VARCHAR",
        "boolean": "BOOLEAN",
        "tinyint": "TINYINT",
        "smallint": "SMALLINT",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "float": "FLOAT",
        "double": "DOUBLE",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "timestamp_ntz": "TIMESTAMP",
    }
    if name.startswith("decimal"):
        return name.upper()
    return mapping.get(name, "VARCHAR")


def rows(settings: Settings, query: str, limit: int) -> tuple[list[str], list[tuple]]:
    """The first rows of a query run on Spark (a warning test's compiled SQL)."""
    session = prepare_session(settings)
    frame = session.sql(f"SELECT * FROM ({query}) LIMIT {limit}")
    names = frame.columns
    return names, [tuple(row) for row in frame.collect()]
