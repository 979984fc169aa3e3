"""The benchmark harness of `make bench`: it runs at scale S and records every run.

No figure is asserted: timings belong in bench/results.md, not in the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.floor import dag_order
from bench.run import plan_landing, repeated

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_dag_order_puts_every_model_after_its_parents():
    nodes = {
        "model.p.mart": {"depends_on": {"nodes": ["model.p.int", "seed.p.codes"]}},
        "model.p.int": {"depends_on": {"nodes": ["model.p.stg", "source.p.raw.x"]}},
        "model.p.stg": {"depends_on": {"nodes": ["source.p.raw.x"]}},
        "seed.p.codes": {"depends_on": {"nodes": []}},
    }
    order = dag_order(nodes)
    assert sorted(order) == sorted(nodes)
    for uid, node in nodes.items():
        for parent in node["depends_on"]["nodes"]:
            if parent in nodes:
                assert order.index(parent) < order.index(uid)


def test_the_incremental_month_is_the_newest_postings_and_activity_month(tmp_path):
    for name in (
        "oekonomi/posteringer_202609.csv",
        "oekonomi/posteringer_202610.csv",
        "reference/aktivitet_202610.csv",
        "personale/fravaer_2025_20261105.csv",
        "personale/fravaer_2026_20261105.csv",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    plan = plan_landing(tmp_path)
    assert {p.name for p in plan["held_back"]} == {
        "posteringer_202610.csv",
        "aktivitet_202610.csv",
    }
    assert [p.name for p in plan["redelivered"]] == ["fravaer_2026_20261105.csv"]
    assert {p.name for p in plan["cold"]}.isdisjoint({p.name for p in plan["held_back"]})


def test_a_repeated_measurement_keeps_the_median_or_a_failure():
    restored = []
    walls = iter([30.0, 10.0, 20.0])
    kept = repeated(
        3,
        lambda n: {"wall_seconds": next(walls), "ok": True, "n": n},
        "wall_seconds",
        restore=lambda: restored.append(True),
    )
    assert kept["n"] == 3 and kept["wall_seconds"] == 20.0
    assert [each["wall_seconds"] for each in kept["repeats"]] == [30.0, 10.0, 20.0]
    assert len(restored) == 2  # before the second and the third
    outcomes = iter([{"wall_seconds": 5.0, "ok": True}, {"wall_seconds": 1.0, "ok": False}])
    assert repeated(2, lambda n: next(outcomes), "wall_seconds")["ok"] is False
    # Of an even count, the lower of the two middle ones.
    walls = iter([4.0, 1.0, 3.0, 2.0])
    assert (
        repeated(4, lambda n: {"wall_seconds": next(walls)}, "wall_seconds")["wall_seconds"] == 2.0
    )


@pytest.mark.slow
def test_bench_runs_at_scale_s(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--scales",
            "S",
            "--out",
            str(tmp_path / "work"),
            "--results-dir",
            str(tmp_path),
            "--repeat",
            "2",
            # The harness's own test; the Spark engine's runs are tests/test_spark.py's.
            "--spark-scales",
            "",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    # 3 means a pipeline run failed and was recorded as failed; anything else is the harness.
    assert done.returncode in (0, 3), done.stdout[-4000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    runs = results["scales"]["S"]["runs"]
    assert set(runs) == {"cold", "incremental", "no_change"}
    for run in runs.values():
        assert isinstance(run["exit_code"], int) or run["timed_out"]
        # Each run measured twice, from the same state; the kept one is one of the two.
        assert len(run["repeats"]) == 2
        assert run["wall_seconds"] in [each["wall_seconds"] for each in run["repeats"]]
    # The second incremental run started from the cold run's state again: it built as much.
    month = [each["dbt_nodes"] for each in runs["incremental"]["repeats"]]
    assert month[0] and month[0] == month[1], month
    for floor in results["scales"]["S"]["floor"].values():
        assert len(floor["repeats"]) == 2
        assert floor["total_seconds"] in [each["total_seconds"] for each in floor["repeats"]]
    # The floor's transform ran the run's own dbt SQL (a skipped one would halve the floor).
    floors = results["scales"]["S"]["floor"]
    for name in ("cold", "incremental"):
        assert "transform_skipped" not in floors[name], floors[name]
        assert floors[name]["target_is_the_runs_own"]
        assert floors[name]["transform"]["from_run_sql"] > 0
        assert not floors[name]["transform"]["failed"]
    # The stack's start: measured after an untimed first call, each part timed inside the
    # process, whose own wall time (interpreter start and exit included) is more than their sum.
    stack = results["stack"]
    assert stack["ok"], stack.get("error")
    assert len(stack["repeats"]) == 2
    assert [name for name, _ in stack["phases"]][0] == "import Dagster"
    assert [name for name, _ in stack["phases"]][-1] == "dbt build selecting no node"
    assert all(seconds > 0 for _, seconds in stack["phases"])
    assert sum(seconds for _, seconds in stack["phases"]) < stack["wall_seconds"]
    # Its dbt build selected nothing: it never opened its scratch warehouse.
    assert not (tmp_path / "work" / "stack" / "scratch.duckdb").exists()
    # The PostgreSQL publication of the scale's publication, on a server of its own.
    from tests.postgres_server import binaries

    publication = results["scales"]["S"]["postgres"]
    if binaries() is not None:
        assert publication["ok"], publication
        assert len(publication["repeats"]) == 2 and publication["tables"] > 0
        assert publication["seconds"] in publication["repeats"]
    markdown = (tmp_path / "results.md").read_text()
    assert markdown.startswith("# Benchmark results")
    assert "## The stack's start" in markdown
