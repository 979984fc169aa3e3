"""The floor: the least work a run has to do, in one DuckDB process with no orchestration.

- ingest: every landing file read with DuckDB's `read_csv` (all columns text, `;`) into a
  table of one fresh database file; the goal catalogue's workbooks with openpyxl.
- transform: the SQL dbt executed for every model of a run (`target/.../run/`), in DAG order
  from the manifest it ran from (`manifest_of`), against a fresh copy of the warehouse's
  source tables; the seeds loaded with `read_csv`. The dbt tests' compiled SQL is timed
  beside it, for information only: it is not part of the floor.
- hash: the SHA-256 of every landing file, which is all a rerun with no new files needs
  (on one thread per core, up to four, as the run hashes them).

Run as `python -m bench.floor SPEC.json RESULT.json`, so that its memory is measured apart
from the harness and from the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------------------------- ingest


def _table_name(index: int, path: Path) -> str:
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem.lower())
    return f"f{index:04d}_{stem}"


def _read_csv(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    options = "delim = ';', header = true, all_varchar = true, strict_mode = false"
    try:
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv({sql_string(str(path))}, {options})"
        )
    except duckdb.Error:
        # Windows exports arrive in cp1252; DuckDB reads them as Latin-1 without extensions.
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM "
            f"read_csv({sql_string(str(path))}, {options}, encoding = 'latin-1')"
        )


def _read_workbook(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    import openpyxl
    import pyarrow as pa

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for number, sheet in enumerate(book.worksheets):
            rows = list(sheet.iter_rows(values_only=True))
            if not rows:
                continue
            header = [str(cell or f"column{i}") for i, cell in enumerate(rows[0])]
            columns = {
                name: [None if row[i] is None else str(row[i]) for row in rows[1:]]
                for i, name in enumerate(dict.fromkeys(header))
            }
            arrow = pa.table(
                {name: pa.array(values, pa.string()) for name, values in columns.items()}
            )
            con.register("sheet_rows", arrow)
            con.execute(f"CREATE TABLE {table}_s{number} AS SELECT * FROM sheet_rows")
            con.unregister("sheet_rows")
    finally:
        book.close()


def ingest_floor(files: Iterable[Path], database: Path) -> dict:
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    read, skipped, rows = 0, [], 0
    started = time.perf_counter()
    for index, path in enumerate(sorted(files)):
        table = _table_name(index, path)
        suffix = path.suffix.lower()
        if suffix in (".csv", ".txt"):
            _read_csv(con, table, path)
        elif suffix in (".xlsx", ".xlsm"):
            _read_workbook(con, table, path)
        else:
            skipped.append(path.name)
            continue
        read += 1
    seconds = time.perf_counter() - started
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        rows += con.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0]
    con.close()
    return {"seconds": round(seconds, 3), "files": read, "rows": rows, "skipped": skipped}


def hash_floor(files: Iterable[Path]) -> dict:
    """The files hashed on one thread per core (up to four), as `maalbar run` hashes them:
    hashlib and file reads release the interpreter."""

    def sha256(path: Path) -> str:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    started = time.perf_counter()
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as hashing:
        count = len(list(hashing.map(sha256, list(files))))
    return {"seconds": round(time.perf_counter() - started, 3), "files": count}


# ------------------------------------------------------------------------------- transform


def dag_order(nodes: dict[str, dict]) -> list[str]:
    """Node ids so that every node comes after the nodes it depends on (ties by id)."""
    parents = {
        uid: sorted(dep for dep in node.get("depends_on", {}).get("nodes", []) if dep in nodes)
        for uid, node in nodes.items()
    }
    order: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        if uid in visiting:
            raise ValueError(f"dependency cycle through {uid}")
        visiting.add(uid)
        for parent in parents[uid]:
            visit(parent)
        visiting.discard(uid)
        done.add(uid)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    return order


def executable_nodes(manifest: dict) -> dict[str, dict]:
    """Models that dbt materialises in the database, and seeds; ephemeral models are inlined."""
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if (node["resource_type"] == "model" and node["config"].get("materialized") != "ephemeral")
        or node["resource_type"] == "seed"
    }


def _relation(node: dict) -> str:
    return ".".join(quote(part) for part in (node["database"], node["schema"], node["alias"]))


def _artifact(target: Path, folder: str, node: dict) -> Path | None:
    base = target / folder / node["package_name"] / node["original_file_path"]
    for candidate in (base, base / node.get("path", "")):
        if candidate.is_file():
            return candidate
    return None


def _copy_sources(con, warehouse: Path, schemas: set[str], database: str) -> dict[str, int]:
    """The warehouse's source schemas, copied so the floor reads what the run read."""
    con.execute(f"ATTACH {sql_string(str(warehouse))} AS bench_source (READ_ONLY)")
    copied = {}
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
            "'bench_source'"
        ).fetchall()
        for schema, table in tables:
            if schema not in schemas:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(database)}.{quote(schema)}")
            target = f"{quote(database)}.{quote(schema)}.{quote(table)}"
            source = f"bench_source.{quote(schema)}.{quote(table)}"
            con.execute(f"CREATE TABLE {target} AS SELECT * FROM {source}")
            count = con.execute(f"SELECT count(*) FROM {target}").fetchone()
            copied[f"{schema}.{table}"] = count[0]
    finally:
        con.execute("DETACH bench_source")
    return copied


def _copy_models(con, warehouse: Path, nodes: list[dict]) -> None:
    con.execute(f"ATTACH {sql_string(str(warehouse))} AS bench_models (READ_ONLY)")
    try:
        for node in nodes:
            source = f"bench_models.{quote(node['schema'])}.{quote(node['alias'])}"
            con.execute(f"CREATE TABLE {_relation(node)} AS SELECT * FROM {source}")
    finally:
        con.execute("DETACH bench_models")


def _load_seed(con, node: dict, project_dir: Path) -> None:
    path = Path(node.get("root_path") or project_dir) / node["original_file_path"]
    types = node["config"].get("column_types") or {}
    options = "header = true"
    if types:
        listed = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in types.items())
        options += f", types = {{{listed}}}"
    con.execute(
        f"CREATE TABLE {_relation(node)} AS SELECT * FROM "
        f"read_csv({sql_string(str(path))}, {options})"
    )


def _relation_kind(con, node: dict, alias: str) -> str | None:
    found = con.execute(
        "SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE database_name = ? "
        "AND schema_name = ? AND view_name = ?",
        [node["database"], node["schema"], alias] * 2,
    ).fetchone()
    return found[0] if found else None


def _run_model(con, node: dict, target: Path) -> str:
    """Execute the model's SQL as dbt ran it; returns which SQL was used."""
    run_sql = _artifact(target, "run", node)
    if run_sql is not None:
        con.execute(run_sql.read_text())
        # dbt builds `<name>__dbt_tmp` and renames it in a statement of its own.
        temporary = node["alias"] + "__dbt_tmp"
        kind = _relation_kind(con, node, temporary)
        if kind is not None:
            schema = f"{quote(node['database'])}.{quote(node['schema'])}"
            con.execute(f"DROP {kind} IF EXISTS {_relation(node)}")
            con.execute(
                f"ALTER {kind} {schema}.{quote(temporary)} RENAME TO {quote(node['alias'])}"
            )
        return "run"
    compiled = _artifact(target, "compiled", node)
    if compiled is None:
        return "missing"
    kind = "VIEW" if node["config"].get("materialized") == "view" else "TABLE"
    con.execute(f"CREATE OR REPLACE {kind} {_relation(node)} AS {compiled.read_text()}")
    return "compiled"


def manifest_of(target: Path, project_dir: Path) -> Path | None:
    """The manifest a dbt invocation ran from: its own, or (a build writes only its run
    results) the project's, whose parse the pipeline's dbt commands start from."""
    for path in (target / "manifest.json", project_dir / "target" / "manifest.json"):
        if path.is_file():
            return path
    return None


def transform_floor(target: Path, warehouse: Path, work_dir: Path, project_dir: Path) -> dict:
    manifest = json.loads(manifest_of(target, project_dir).read_text())
    nodes = executable_nodes(manifest)
    order = dag_order(nodes)
    databases = {node["database"] for node in nodes.values()}
    if len(databases) != 1:
        raise ValueError(f"expected one database in the manifest, found {sorted(databases)}")
    database = databases.pop()
    source_schemas = {source["schema"] for source in manifest["sources"].values()}

    # The file is named after the database so that dbt's fully qualified names resolve.
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"{database}.duckdb"
    for stale in (path, path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    # The functions the models call that DuckDB lacks, as dbt's plugin registers them.
    from dagster_project.lib.dbt_functions import register

    register(con)
    copied = _copy_sources(con, warehouse, source_schemas, database)
    for schema in sorted({node["schema"] for node in nodes.values()}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(database)}.{quote(schema)}")
    # A run that built only what its new files reach leaves the other models as they were:
    # the floor starts from them too (copied untimed, like the sources) and does the same work.
    carried = [
        uid
        for uid in order
        if nodes[uid]["resource_type"] != "seed"
        and _artifact(target, "run", nodes[uid]) is None
        and _artifact(target, "compiled", nodes[uid]) is None
    ]
    if carried:
        _copy_models(con, warehouse, [nodes[uid] for uid in carried])
        order = [uid for uid in order if uid not in set(carried)]

    per_node: dict[str, float] = {}
    used: dict[str, str] = {}
    failed: dict[str, str] = {}
    started = time.perf_counter()
    for uid in order:
        node = nodes[uid]
        node_started = time.perf_counter()
        try:
            if node["resource_type"] == "seed":
                _load_seed(con, node, project_dir)
                used[uid] = "seed"
            else:
                used[uid] = _run_model(con, node, target)
        except duckdb.Error as err:
            failed[uid] = " ".join(str(err).split())[:300]
            used[uid] = "failed"
        per_node[uid] = round(time.perf_counter() - node_started, 4)
    seconds = time.perf_counter() - started

    tests = _tests_floor(con, manifest, target)
    con.close()
    slowest = sorted(per_node.items(), key=lambda item: item[1], reverse=True)[:10]
    return {
        "seconds": round(seconds, 3),
        "target": str(target),
        "nodes": len(order),
        "from_run_sql": sum(1 for how in used.values() if how == "run"),
        "from_compiled_sql": sum(1 for how in used.values() if how == "compiled"),
        "seeds": sum(1 for how in used.values() if how == "seed"),
        "missing": sorted(uid for uid, how in used.items() if how == "missing"),
        "carried_from_warehouse": len(carried),
        "failed": failed,
        "source_rows": copied,
        "slowest": slowest,
        "tests": tests,
    }


def _tests_floor(con, manifest: dict, target: Path) -> dict:
    """The data tests' compiled SQL, each as a count of failing rows (dbt's own wrapping)."""
    ran, failed = 0, 0
    started = time.perf_counter()
    for uid in sorted(manifest["nodes"]):
        node = manifest["nodes"][uid]
        if node["resource_type"] != "test":
            continue
        compiled = _artifact(target, "compiled", node)
        if compiled is None:
            continue
        try:
            con.execute(f"SELECT count(*) FROM ({compiled.read_text()}) AS failures").fetchone()
            ran += 1
        except duckdb.Error:
            failed += 1
    return {"seconds": round(time.perf_counter() - started, 3), "ran": ran, "errors": failed}


# ------------------------------------------------------------------------------------ main


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text())
    result: dict = {}
    files = [Path(name) for name in spec.get("files", [])]
    work_dir = Path(spec["work_dir"])
    work_dir.mkdir(parents=True, exist_ok=True)
    if spec.get("ingest"):
        result["ingest"] = ingest_floor(files, work_dir / "ingest.duckdb")
        (work_dir / "ingest.duckdb").unlink(missing_ok=True)
    if spec.get("hash"):
        result["hash"] = hash_floor(files)
    if spec.get("target") and spec.get("warehouse"):
        result["transform"] = transform_floor(
            Path(spec["target"]),
            Path(spec["warehouse"]),
            work_dir / "transform",
            Path(spec["project_dir"]),
        )
    Path(argv[1]).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
