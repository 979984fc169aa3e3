"""The stack's start: what a `maalbar run` costs before it touches any data.

`python -m bench.stack <folder> <result.json>` does, in one fresh process, only what every run
of the pipeline does before its first step and whatever the landing folder holds, and times
each part from the interpreter's start:

1. import Dagster, dagster-dbt (which imports dbt's adapters) and dbt's command module;
2. open the Dagster instance the run opens: `maalbar`'s dagster.yaml, its SQLite storage
   (created by an untimed first call, so the timed ones open an existing one, as a run does);
3. run a job of one asset that does nothing, through that instance;
4. load dbt's manifest object of the last `maalbar prepare`;
5. run `dbt build` in this process on that manifest, selecting no node.

The harness (`bench/run.py`) times the whole process from outside as well. The figure says how
much of a run no change to Maalbar's own work can remove while the pipeline runs on Dagster and
dbt in one process; `bench/README.md` sets it beside the incremental month.
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# A tag no node carries: the build selects nothing.
NO_NODE = "tag:maalbar-bench-selects-nothing"


def main(folder: Path, result_path: Path) -> None:
    phases: list[list] = []
    last = STARTED

    def done(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases.append([name, round(now - last, 3)])
        last = now

    home = folder / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    done("import Dagster")
    import dagster_dbt  # noqa: F401

    done("import dagster-dbt, dbt's adapters with it")
    import dbt.cli.main

    done("import dbt's command module")
    from dagster_project.cli import write_dagster_yaml

    write_dagster_yaml(home)
    instance = dg.DagsterInstance.get()
    done("open the Dagster instance (SQLite storage)")

    @dg.asset
    def nothing() -> None:
        return None

    job = dg.Definitions(assets=[nothing]).resolve_implicit_global_asset_job_def()
    if not job.execute_in_process(instance=instance).success:
        raise SystemExit("the one-asset job failed")
    done("run a job of one asset")

    from dagster_project.lib.config import DBT_PROJECT_DIR
    from dagster_project.lib.dbt_manifest import PARSED

    # The manifest object as `maalbar prepare` kept it. It was parsed for the run's warehouse
    # path; a build that selects nothing opens no connection, so the scratch path below is
    # never written.
    _, manifest = pickle.loads(PARSED.read_bytes())
    done("load dbt's manifest object")
    target = folder / "dbt-target"
    os.environ.update(
        MAALBAR_WAREHOUSE_PATH=str(folder / "scratch.duckdb"),
        DBT_TARGET_PATH=str(target),
        DBT_LOG_PATH=str(target),
        DBT_LOG_LEVEL="none",
        DBT_LOG_LEVEL_FILE="none",
    )
    built = dbt.cli.main.dbtRunner(manifest=manifest).invoke(
        [
            "build",
            "--select",
            NO_NODE,
            "--no-write-json",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ]
    )
    if not built.success:
        raise SystemExit(f"the empty dbt build failed: {built.exception}")
    done("dbt build selecting no node")
    result_path.write_text(
        json.dumps({"phases": phases, "seconds": round(last - STARTED, 3)}, indent=2)
    )
    sys.stdout.flush()
    # As `maalbar` does: no teardown of what Dagster and dbt built (bench/README.md).
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
