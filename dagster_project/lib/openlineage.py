"""OpenLineage events of a run, written as JSON lines for Marquez or another backend.

One START and one COMPLETE event per job of the run: each ingest table (inputs: the landing
files it loaded), each dbt model (inputs: its parents, from the manifest) and the
publication. Written by hand against the OpenLineage 2-0-2 RunEvent schema: the events are
plain JSON, and the client library would add a dependency for no more than this.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.lib.dbt_manifest import MANIFEST

SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent"
PRODUCER = "https://github.com/maalbar/maalbar"
NAMESPACE = "maalbar"


def _dataset(namespace: str, name: str) -> dict:
    return {"namespace": namespace, "name": name}


def _events(run_id: str, job: str, inputs: list[dict], outputs: list[dict], now: str) -> list:
    # Each job of the run gets its own run id, derived so reruns of the file are stable.
    job_run = str(uuid.uuid5(uuid.UUID(run_id), job)) if _is_uuid(run_id) else str(uuid.uuid4())
    base = {
        "eventTime": now,
        "producer": PRODUCER,
        "schemaURL": SCHEMA,
        "run": {
            "runId": job_run,
            "facets": {
                "parent": {
                    "_producer": PRODUCER,
                    "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/ParentRunFacet.json",
                    "run": {"runId": run_id},
                    "job": {"namespace": NAMESPACE, "name": "maalbar"},
                }
            },
        },
        "job": {"namespace": NAMESPACE, "name": job},
        "inputs": inputs,
        "outputs": outputs,
    }
    return [{**base, "eventType": "START"}, {**base, "eventType": "COMPLETE"}]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False


def write_events(
    target: Path,
    run_id: str,
    warehouse: Path,
    published: Path,
    loaded_files: list[tuple[str, str, str]],
) -> int:
    """loaded_files: (raw table, source folder, file name) of the files this run loaded."""
    now = datetime.now(UTC).isoformat()
    wh = f"duckdb://{warehouse}"
    events = []
    by_table: dict[str, list[dict]] = {}
    for table, source, name in loaded_files:
        by_table.setdefault(table, []).append(_dataset("file://landing", f"{source}/{name}"))
    for table, inputs in sorted(by_table.items()):
        events += _events(run_id, f"ingest.{table}", inputs, [_dataset(wh, f"raw.{table}")], now)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def relation(unique_id: str) -> dict:
        node = nodes[unique_id]
        schema = node.get("config", {}).get("schema") or node.get("schema")
        return _dataset(wh, f"{schema}.{node.get('alias') or node['name']}")

    published_inputs = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] not in ("model", "seed"):
            continue
        inputs = [
            relation(parent) for parent in node["depends_on"].get("nodes", []) if parent in nodes
        ]
        events += _events(run_id, f"dbt.{node['name']}", inputs, [relation(unique_id)], now)
        if node["config"].get("meta", {}).get("published"):
            published_inputs.append(relation(unique_id))
    events += _events(
        run_id, "publish", published_inputs, [_dataset(f"duckdb://{published}", "marts")], now
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    return len(events)
