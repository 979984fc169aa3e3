"""Keep dbt's manifest in step with the dbt sources.

Dagster reads the manifest when the definitions load; a stale one silently drops new
models and tests. Every run path calls `ensure_manifest()` first: it re-parses only when
a file under dbt/ changed since the last parse (a content hash, not timestamps).

The parse also keeps dbt's own manifest object (pickled, with what it was parsed from). A dbt
command run in the pipeline's process starts from it (`parsed_manifest`), as dbt's programmatic
interface allows: dbt then neither loads its partial-parse state nor writes manifest.json
again, some 2.5 s of every command.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_project.lib.config import DBT_PROJECT_DIR

_WATCHED = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "snapshots")
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
_STAMP = DBT_PROJECT_DIR / "target" / ".sources.sha256"
PARSED = DBT_PROJECT_DIR / "target" / "manifest.pickle"
_PARSED_FORMAT = "kept: dbt manifest fields"


def sources_hash(project_dir: Path = DBT_PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for name in _WATCHED:
        root = project_dir / name
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            digest.update(str(path.relative_to(project_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _parsed_from() -> str:
    """What a parse depends on: the dbt sources, the warehouse path (dbt keeps the connection
    settings with its parse state and parses the whole project again in every build whose
    profile differs from the one parsed with, about 8 s a run) and dbt's version."""
    import os
    from importlib.metadata import version

    from dagster_project.lib import config

    engine = config.engine()
    # A node's relation is named for the target parsed with (DuckDB's database, none on Spark).
    target = "" if engine == "duckdb" else f"|{engine} {os.environ.get('MAALBAR_DATA_DIR', '')}"
    return (
        f"{sources_hash()}|{os.environ.get('MAALBAR_WAREHOUSE_PATH', '')}"
        f"|dbt-core {version('dbt-core')}|{_PARSED_FORMAT}{target}"
    )


def ensure_manifest() -> bool:
    """Parse the dbt project if its manifest is missing or stale. True when it parsed."""
    import os

    current = _parsed_from()
    # Checked without loading the kept manifest, which would import dbt (some 1 s): a run
    # with nothing new to load ends before dbt is needed.
    if MANIFEST.exists() and PARSED.exists() and _STAMP.exists() and _STAMP.read_text() == current:
        return False
    from dbt.cli.main import dbtRunner  # imported here: dbt is slow to import

    from dagster_project.lib import config
    from dagster_project.lib.dbt_inprocess import dbt_target

    target = dbt_target(config.engine())
    result = dbtRunner().invoke(
        [
            "parse",
            *(["--target", target] if target else []),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--quiet",
            # No debug log file (some 10 MB a parse): a failed parse raises with dbt's reason.
            "--log-level-file",
            "none",
        ]
    )
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    partial = PARSED.with_suffix(".partial")
    with partial.open("wb") as handle:
        _dump_parsed(handle, current, result.result)
    os.replace(partial, PARSED)
    _STAMP.write_text(current)
    return True


def _dump_parsed(handle, parsed_from: str, manifest) -> None:
    """Pickle (parsed_from, manifest). dbt's own `Manifest.__reduce_ex__` passes the fields
    by position and skips two of them (dbt-core 1.11), which shifts every lookup into the
    wrong field. The manifest is kept as dbt keeps it between parses (its msgpack state): the
    fields without a leading underscore; its lookups and lock are made anew when loaded."""
    import dataclasses
    import pickle

    from dbt.contracts.graph.manifest import Manifest

    class ManifestPickler(pickle.Pickler):
        def reducer_override(self, obj):
            if type(obj) is Manifest:
                state = {
                    field.name: getattr(obj, field.name)
                    for field in dataclasses.fields(obj)
                    if not field.name.startswith("_")
                }
                return _manifest_from_fields, (state,)
            return NotImplemented

    ManifestPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump((parsed_from, manifest))


def _manifest_from_fields(state: dict):
    from dbt.contracts.graph.manifest import Manifest

    return Manifest(**state)


def parsed_manifest():
    """dbt's manifest object of the last parse, if it was parsed from the dbt project as it is
    now (sources, warehouse path and dbt version); else None, and dbt parses for itself. The
    stamp is compared before the pickle is loaded: a pickle of another dbt version need not
    even load. A new object each call: dbt changes the manifest while a command runs."""
    import pickle

    current = _parsed_from()
    try:
        if _STAMP.read_text() != current:
            return None
        parsed_from, manifest = pickle.loads(PARSED.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return manifest if parsed_from == current else None


# The contracts spell types in the SQL both engines read (docs/architecture.md); DuckDB
# names them its own way.
DUCKDB_TYPE_NAMES = {"DOUBLE PRECISION": "DOUBLE"}


def published_contracts() -> dict[str, list[tuple[str, str]]]:
    """The marts flagged `meta.published`, each with its contract: (column, data type) in
    the declared order, each type as DuckDB names it."""
    return {
        node["name"]: [
            (name, _duckdb_type_name(column.get("data_type") or ""))
            for name, column in node["columns"].items()
        ]
        for node in _published_nodes(MANIFEST.stat().st_mtime_ns)
    }


def _duckdb_type_name(data_type: str) -> str:
    return DUCKDB_TYPE_NAMES.get(data_type.upper(), data_type.upper())


def published_descriptions() -> dict[str, tuple[str, dict[str, str]]]:
    """The description of each published mart and of each of its columns, as the dbt
    project documents them: the publication carries them as table and column comments."""
    return {
        node["name"]: (
            node.get("description") or "",
            {name: column.get("description") or "" for name, column in node["columns"].items()},
        )
        for node in _published_nodes(MANIFEST.stat().st_mtime_ns)
    }


def enforced_constraints(manifest: Mapping[str, Any]) -> dict[tuple[str, str], list[tuple]]:
    """The constraints of every model with an enforced contract, by (schema, name): each as
    (type, columns, expression), model-level and column-level alike. DuckDB checks them as
    dbt writes a table; an engine that does not (Spark's Parquet tables) has them checked
    on the tables read back (lib/spark.py)."""
    found: dict[tuple[str, str], list[tuple]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["config"].get("contract", {}).get(
            "enforced"
        ):
            continue
        constraints = [
            (c["type"], tuple(c.get("columns") or ()), c.get("expression"))
            for c in node.get("constraints") or []
        ] + [
            (c["type"], (name,), c.get("expression"))
            for name, column in node["columns"].items()
            for c in column.get("constraints") or []
        ]
        if constraints:
            found[(node["schema"], node.get("alias") or node["name"])] = constraints
    return found


class KeyNotDeclared(ValueError):
    """A published mart whose contract declares no primary key, or more than one."""


def published_keys() -> dict[str, tuple[str, ...]]:
    """The primary key of each published mart, as its enforced contract declares it: the
    `primary_key` constraint of the model (or of its one key column). DuckDB checks it as dbt
    writes the table; the publication gives each table the same key. A published mart with
    no declared key, or with more than one, raises KeyNotDeclared."""
    keys, problems = {}, []
    for node in _published_nodes(MANIFEST.stat().st_mtime_ns):
        declared = [
            tuple(constraint["columns"])
            for constraint in node.get("constraints") or []
            if constraint["type"] == "primary_key"
        ] + [
            (name,)
            for name, column in node["columns"].items()
            for constraint in column.get("constraints") or []
            if constraint["type"] == "primary_key"
        ]
        if len(declared) == 1:
            keys[node["name"]] = declared[0]
        else:
            problems.append(f"{node['name']} declares {len(declared)}")
    if problems:
        raise KeyNotDeclared(
            "every published mart declares one primary key in its contract (a constraint of "
            f"type primary_key in its yml): {'; '.join(problems)}"
        )
    return keys


@functools.lru_cache(maxsize=1)
def _published_nodes(manifest_version: int) -> tuple[dict, ...]:
    """The published marts' nodes, by name. Read once per manifest (definitions, checks and
    the publication all ask; the manifest is some 2 MB of JSON, of which these keep 0.6 MiB
    in memory against 5 MiB for all of it)."""
    import json

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(
        node
        for node in sorted(manifest["nodes"].values(), key=lambda node: node["name"])
        if node["resource_type"] == "model"
        and node["config"].get("schema") == "marts"
        and node["config"].get("meta", {}).get("published")
    )
