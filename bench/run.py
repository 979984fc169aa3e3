"""`python -m bench.run [--scales S,M,L] [--out bench/work]`: time `maalbar run` against its floor.

For each scale: write the demo municipality (reused while its stamp matches), hold back the
newest month, and measure three runs of `maalbar run` as a child process: cold (empty data
folder), incremental (the held-back month lands) and no change (run again). Beside each run,
the floor (see `bench/floor.py`). A failed run is recorded with its exit code and the tail of
its output, and the harness carries on. Results go to `results.json` and `results.md`.

Exit code: 0 when every run succeeded, 3 when a run failed (the results are still written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import measure, report
from bench.floor import manifest_of

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_TARGET_ROOT = PROJECT_ROOT / "dbt" / "target"
DEMO_DIR = PROJECT_ROOT / "dagster_project" / "demo"
# The fixed demo key of the Makefile; used only when the caller has not set one.
DEMO_KEY = "maalbar-demo-key-not-secret"
SCALES = ("S", "M", "L")
RUN_FAILED = 3

POSTINGS_FILE = re.compile(r"posteringer_(\d{6})\.csv")
ABSENCE_FILE = re.compile(r"fravaer_(\d{4})_(\d{8})\.csv")

# Run in a child process so that a broken import in the project fails the scale, not the harness.
GENERATE = """
import json, sys
from pathlib import Path
from dagster_project.demo import generate
print(json.dumps(generate(Path(sys.argv[1]), scale=sys.argv[2], seed=int(sys.argv[3]))))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------------- the demo


def generator_digest() -> str:
    """Changes whenever the demo generator's code changes, so a stale demo is rewritten."""
    digest = hashlib.sha256()
    for path in sorted(DEMO_DIR.rglob("*.py")):
        digest.update(path.relative_to(DEMO_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_demo(scale: str, seed: int, demo_dir: Path) -> dict:
    stamp_path = demo_dir.with_name("demo.stamp.json")
    wanted = {"scale": scale, "seed": seed, "generator": generator_digest()}
    if stamp_path.exists() and demo_dir.is_dir():
        stamp = json.loads(stamp_path.read_text())
        if {key: stamp.get(key) for key in wanted} == wanted:
            return {**stamp, "reused": True}
    stamp_path.unlink(missing_ok=True)
    shutil.rmtree(demo_dir, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", GENERATE, str(demo_dir), scale, str(seed)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the demo generator failed (exit {done.returncode}): {done.stderr[-2000:]}"
        )
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    stamp = {
        **wanted,
        "counts": counts,
        "files": counts.get("files"),
        "bytes": counts.get("bytes"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    stamp_path.write_text(json.dumps(stamp, indent=2))
    return {**stamp, "reused": False}


def plan_landing(demo_dir: Path) -> dict[str, list[Path]]:
    """Which files land cold, which arrive as the new month, which are re-delivered as is."""
    files = sorted(p.relative_to(demo_dir) for p in demo_dir.rglob("*") if p.is_file())
    months = [m.group(1) for p in files if (m := POSTINGS_FILE.fullmatch(p.name))]
    held_back: list[Path] = []
    if months:
        newest = max(months)
        names = {f"posteringer_{newest}.csv", f"aktivitet_{newest}.csv"}
        held_back = [p for p in files if p.name in names]
    absences = [(m.groups(), p) for p in files if (m := ABSENCE_FILE.fullmatch(p.name))]
    redelivered = [max(absences)[1]] if absences else []
    return {
        "cold": [p for p in files if p not in held_back],
        "held_back": held_back,
        "redelivered": redelivered,
    }


def build_landing(demo_dir: Path, landing: Path, files: list[Path]) -> None:
    """A fresh landing folder of links to the demo's files (Maalbar never writes there)."""
    shutil.rmtree(landing, ignore_errors=True)
    for relative in files:
        target = landing / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(demo_dir / relative, target)
        except OSError:
            shutil.copy2(demo_dir / relative, target)


def deliver(demo_dir: Path, landing: Path, files: list[Path]) -> None:
    """Copy files in as a new delivery: new inode and modification time, same bytes."""
    for relative in files:
        target = landing / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never write through a link into the demo
        shutil.copyfile(demo_dir / relative, target)


# ------------------------------------------------------------------------------------- runs


def maalbar_command() -> list[str]:
    script = Path(sys.executable).parent / "maalbar"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dagster_project.cli"]


def child_env(data_dir: Path, landing: Path, engine: str = "duckdb") -> dict[str, str]:
    env = dict(os.environ)
    # Each scale keeps its own run history and warehouse, whatever the caller's shell holds.
    for name in ("DAGSTER_HOME", "MAALBAR_WAREHOUSE_PATH", "DAGSTER_IS_DEV_CLI"):
        env.pop(name, None)
    env["MAALBAR_ENGINE"] = engine
    env["MAALBAR_DATA_DIR"] = str(data_dir)
    env["MAALBAR_LANDING_DIR"] = str(landing)
    env.setdefault("MAALBAR_PSEUDONYM_KEY", DEMO_KEY)
    return env


def dagster_runs(data_dir: Path) -> dict[str, float]:
    """run id -> time of its last event, from the data folder's DAGSTER_HOME: one event-log
    database for all runs (what `maalbar run` configures), or one per run (Dagster's
    default)."""
    consolidated = data_dir / "dagster" / "history" / "event_log.db"
    if consolidated.exists():
        try:
            with sqlite3.connect(f"file:{consolidated}?mode=ro", uri=True) as con:
                return dict(
                    con.execute(
                        "SELECT run_id, max(unixepoch(timestamp)) FROM event_logs "
                        "WHERE run_id IS NOT NULL AND run_id <> '' GROUP BY run_id"
                    ).fetchall()
                )
        except sqlite3.Error:
            return {}
    folder = data_dir / "dagster" / "history" / "runs"
    if not folder.is_dir():
        return {}
    return {p.stem: p.stat().st_mtime for p in folder.glob("*.db") if p.stem != "index"}


def step_category(step_key: str) -> str:
    if step_key.endswith(("_gx_suite", "_suites", "_reconciles_with_postings")):
        return "GX checks"
    if "dbt" in step_key:
        return "dbt build"
    if step_key.startswith(("ingest", "raw__")):
        return "ingest"
    if "rapport" in step_key:
        return "report"
    if "publish" in step_key:
        return "publish"
    return "other steps"


def step_times(data_dir: Path, run_id: str, measured: measure.Measurement) -> dict | None:
    """Seconds by kind of step, from the run's Dagster event log, plus what lies around it."""
    path = data_dir / "dagster" / "history" / "event_log.db"
    if not path.exists():
        path = data_dir / "dagster" / "history" / "runs" / f"{run_id}.db"
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            rows = con.execute(
                "SELECT dagster_event_type, step_key, event FROM event_logs WHERE "
                "dagster_event_type IN ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE', "
                "'PIPELINE_START', 'PIPELINE_SUCCESS', 'PIPELINE_FAILURE', 'RUN_START', "
                "'RUN_SUCCESS', 'RUN_FAILURE') AND run_id = ? ORDER BY id",
                [run_id],
            ).fetchall()
    except sqlite3.Error:
        return None
    started: dict[str, float] = {}
    per_step: dict[str, float] = {}
    failures: list[str] = []
    run_start = run_end = None
    for kind, step, event in rows:
        entry = json.loads(event)
        stamp = entry.get("timestamp")
        if kind in ("PIPELINE_START", "RUN_START"):
            run_start = stamp
        elif kind.startswith(("PIPELINE_", "RUN_")):
            run_end = stamp
        elif kind == "STEP_START":
            started[step] = stamp
        elif step in started:
            per_step[step] = stamp - started.pop(step)
        if kind == "STEP_FAILURE":
            failures.append(f"{step}: {_innermost_error(entry)}")
    if run_start is None:
        return None
    by_kind: dict[str, float] = {"start-up before the run": run_start - measured.started_at}
    for step, seconds in per_step.items():
        category = step_category(step)
        by_kind[category] = by_kind.get(category, 0.0) + seconds
    if run_end is not None:
        by_kind["Dagster between steps"] = run_end - run_start - sum(per_step.values())
        ended = measured.started_at + measured.wall_seconds
        by_kind["after the run"] = ended - run_end
    slowest = sorted(per_step.items(), key=lambda item: item[1], reverse=True)[:8]
    return {
        "by_kind": {name: round(seconds, 2) for name, seconds in by_kind.items()},
        "slowest_steps": [[step, round(seconds, 2)] for step, seconds in slowest],
        "failures": failures,
    }


def _innermost_error(entry: dict) -> str:
    """The root cause of a failed step, as Dagster recorded it."""
    try:
        error = entry["dagster_event"]["event_specific_data"]["error"]
    except (KeyError, TypeError):
        return "no error recorded"
    while error.get("cause"):
        error = error["cause"]
    return " ".join((error.get("message") or "").split())[:400]


def manifest_stamp() -> float | None:
    manifest = DBT_TARGET_ROOT / "manifest.json"
    return manifest.stat().st_mtime if manifest.exists() else None


def dbt_target_of(run_id: str | None) -> Path | None:
    """dagster-dbt writes each invocation to target/<op>-<run id[:7]>-<hash>/."""
    if not run_id:
        return None
    found = [p for p in DBT_TARGET_ROOT.glob(f"*-{run_id[:7]}-*") if p.is_dir()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def usable_target(target: Path | None) -> bool:
    return (
        bool(target)
        and (target / "run").is_dir()
        and manifest_of(target, DBT_TARGET_ROOT.parent) is not None
    )


def newest_usable_target() -> Path | None:
    if not DBT_TARGET_ROOT.is_dir():
        return None
    found = [p for p in DBT_TARGET_ROOT.iterdir() if p.is_dir() and usable_target(p)]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def dbt_summary(target: Path | None) -> dict | None:
    """dbt's own account of the invocation: seconds per kind of node and the slowest ones."""
    if target is None or not (target / "run_results.json").is_file():
        return None
    results = json.loads((target / "run_results.json").read_text())
    by_type: dict[str, float] = {}
    statuses: dict[str, int] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + result["execution_time"]
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    slowest = sorted(results["results"], key=lambda r: r["execution_time"], reverse=True)[:8]
    return {
        "elapsed_seconds": round(results.get("elapsed_time") or 0.0, 2),
        "nodes": len(results["results"]),
        "seconds_by_type": {kind: round(sec, 2) for kind, sec in by_type.items()},
        "statuses": statuses,
        "slowest": [[r["unique_id"], round(r["execution_time"], 2)] for r in slowest],
    }


def pipeline_run(
    label: str, paths: dict[str, Path], args, use_gnu_time: bool, engine: str = "duckdb"
) -> dict:
    data_dir = paths["data"]
    before = dagster_runs(data_dir)
    manifest_before = manifest_stamp()
    measured = measure.run_measured(
        [*maalbar_command(), "run"],
        env=child_env(data_dir, paths["landing"], engine),
        cwd=PROJECT_ROOT,
        output_path=paths["scale"] / "output" / f"{label}.txt",
        timeout=args.timeout,
        use_gnu_time=use_gnu_time,
    )
    result = measured.to_dict()
    result["ok"] = measured.ok
    new_runs = {run: at for run, at in dagster_runs(data_dir).items() if run not in before}
    run_id = max(new_runs, key=new_runs.get) if new_runs else None
    target = dbt_target_of(run_id)
    dbt = dbt_summary(target)
    result.update(
        run_id=run_id,
        steps=step_times(data_dir, run_id, measured) if run_id else None,
        dbt_target=str(target) if target else None,
        dbt=dbt,
        dbt_nodes=(dbt or {}).get("nodes"),
        # A re-parse inside the run is start-up time a settled project does not pay.
        dbt_manifest_rewritten=manifest_stamp() != manifest_before,
    )
    state = "ok" if measured.ok else ("TIMED OUT" if measured.timed_out else "FAILED")
    log(
        f"  {label}: {state}, exit {measured.exit_code}, {measured.wall_seconds:.1f} s, "
        f"peak {measured.peak_group_mib} MiB (all) / {measured.peak_rss_mib} MiB (largest)"
    )
    if measured.leftover:
        log(f"  {label}: left running after exit: {'; '.join(measured.leftover)}")
    for failure in (result["steps"] or {}).get("failures", []):
        log(f"  {label}: step failed: {failure}")
    if not measured.ok:
        for line in measured.output_tail.splitlines()[-8:]:
            log(f"    | {line}")
    return result


def repeated(count: int, measure_once, key: str, restore=None) -> dict:
    """Measure count times (restore() before each but the first): the median measurement by
    key (of an odd count the middle one, else the lower of the two middle ones), with every
    measurement's figures beside it under "repeats". A failed measurement is the one kept,
    so that the failure is reported. This machine's speed drifts from run to run; a median
    of several says more than one run."""
    measured = []
    for number in range(1, count + 1):
        if number > 1 and restore is not None:
            restore()
        measured.append(measure_once(number))
    failed = [m for m in measured if m.get(key) is None or not m.get("ok", True)]
    ranked = sorted(measured, key=lambda m: m[key])
    chosen = failed[0] if failed else ranked[(len(ranked) - 1) // 2]
    chosen = dict(chosen)
    chosen["repeats"] = [
        {name: m.get(name) for name in REPEAT_FIGURES if name in m} for m in measured
    ]
    return chosen


# The figures of each measurement kept beside the median one.
REPEAT_FIGURES = (
    "wall_seconds",
    "dbt_nodes",
    "dbt_target",
    "total_seconds",
    "exit_code",
    "timed_out",
    "peak_group_mib",
    "peak_rss_mib",
    "peak_mib",
)


def label_of(name: str, number: int, count: int) -> str:
    return name if count == 1 else f"{name}-{number}"


# ------------------------------------------------------------------------------------ floor


def floor_run(label: str, paths: dict[str, Path], spec: dict, args, use_gnu_time) -> dict:
    folder = paths["scale"] / "floor" / label
    folder.mkdir(parents=True, exist_ok=True)
    spec = {**spec, "work_dir": str(folder), "project_dir": str(PROJECT_ROOT / "dbt")}
    spec_path, result_path = folder / "spec.json", folder / "result.json"
    spec_path.write_text(json.dumps(spec, indent=2))
    result_path.unlink(missing_ok=True)
    measured = measure.run_measured(
        [sys.executable, "-m", "bench.floor", str(spec_path), str(result_path)],
        env=dict(os.environ),
        cwd=PROJECT_ROOT,
        output_path=folder / "output.txt",
        timeout=args.timeout,
        use_gnu_time=use_gnu_time,
    )
    floor: dict = {
        "exit_code": measured.exit_code,
        "peak_mib": max(v or 0 for v in (measured.peak_group_mib, measured.peak_rss_mib)),
        "target_is_the_runs_own": spec.get("target_is_the_runs_own"),
    }
    if not measured.ok or not result_path.exists():
        floor["error"] = measured.output_tail
        floor["summary"] = "failed: " + (measured.output_tail.splitlines() or ["?"])[-1]
        log(f"  floor {label}: FAILED (exit {measured.exit_code})")
        return floor
    parts = json.loads(result_path.read_text())
    floor.update(parts)
    total, words = 0.0, []
    if "ingest" in parts:
        ingest = parts["ingest"]
        total += ingest["seconds"]
        words.append(
            f"ingest {ingest['seconds']:.2f} s ({ingest['files']} files, {ingest['rows']:,} rows)"
        )
    if "hash" in parts:
        total += parts["hash"]["seconds"]
        words.append(f"SHA-256 of {parts['hash']['files']} files {parts['hash']['seconds']:.2f} s")
    transform = parts.get("transform")
    if transform:
        total += transform["seconds"]
        own = "this run's" if spec.get("target_is_the_runs_own") else "the newest (not this run's)"
        words.append(
            f"transform {transform['seconds']:.2f} s ({transform['from_run_sql']} models from "
            f"{own} dbt run SQL, {transform['from_compiled_sql']} from compiled SQL, "
            f"{transform['seeds']} seeds, {len(transform['missing'])} missing, "
            f"{len(transform['failed'])} failed, {transform.get('carried_from_warehouse', 0)} "
            "not rebuilt by the run and copied untimed)"
        )
    elif spec.get("transform_skipped"):
        words.append(f"transform skipped: {spec['transform_skipped']}")
    floor["total_seconds"] = round(total, 3)
    summary = " + ".join(words) + f" = {total:.2f} s; peak {floor['peak_mib']:,.0f} MiB"
    if transform and transform["tests"]["ran"]:
        tests = transform["tests"]
        summary += (
            f"; dbt data tests' SQL {tests['seconds']:.2f} s for {tests['ran']} tests "
            "(not part of the floor)"
        )
    floor["summary"] = summary
    log(f"  floor {label}: {summary}")
    return floor


def transform_spec(dbt_target: str | None, warehouse: Path) -> dict:
    target = Path(dbt_target) if dbt_target else None
    own = usable_target(target)
    if not own:
        target = newest_usable_target()
    if target is None:
        return {"transform_skipped": "no dbt target with run/ and a manifest"}
    if not warehouse.exists():
        return {"transform_skipped": f"no warehouse at {warehouse}"}
    return {"target": str(target), "warehouse": str(warehouse), "target_is_the_runs_own": own}


def raw_rows(warehouse: Path) -> dict[str, int]:
    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return {}
    try:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1"
        ).fetchall()
        return {
            name: con.execute(f'SELECT count(*) FROM raw."{name}"').fetchone()[0]
            for (name,) in tables
        }
    finally:
        con.close()


# ------------------------------------------------------------------------------------ stack


def stack_run(label: str, folder: Path, args, use_gnu_time: bool) -> dict:
    """One measurement of the stack's start (`bench/stack.py`) in a process of its own."""
    result_path = folder / f"{label}.json"
    result_path.unlink(missing_ok=True)
    measured = measure.run_measured(
        [sys.executable, "-m", "bench.stack", str(folder), str(result_path)],
        env=dict(os.environ),
        cwd=PROJECT_ROOT,
        output_path=folder / "output" / f"{label}.txt",
        timeout=args.timeout,
        use_gnu_time=use_gnu_time,
    )
    result = {
        "ok": measured.ok and result_path.exists(),
        "exit_code": measured.exit_code,
        "wall_seconds": round(measured.wall_seconds, 3),
        "peak_mib": max(v or 0 for v in (measured.peak_group_mib, measured.peak_rss_mib)),
    }
    if result["ok"]:
        result.update(json.loads(result_path.read_text()))
    else:
        result["error"] = measured.output_tail
    return result


def bench_stack(args, use_gnu_time: bool) -> dict:
    """The stack's start, measured `--repeat` times after an untimed first call (which
    creates the Dagster instance's storage, as the first run on a machine does)."""
    folder = Path(args.out).resolve() / "stack"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log("the stack's start (imports, Dagster instance, a one-asset run, an empty dbt build)")
    first = stack_run("first", folder, args, use_gnu_time)
    if not first["ok"]:
        log(f"  first call: FAILED (exit {first['exit_code']})")
        return first
    kept = repeated(
        args.repeat,
        lambda number: stack_run(
            label_of("stack", number, args.repeat), folder, args, use_gnu_time
        ),
        "wall_seconds",
    )
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in kept.get("phases", []))
    log(f"  stack: {kept['wall_seconds']:.2f} s ({phases})")
    return kept


# ----------------------------------------------------------------------------------- report


def report_run(label: str, paths: dict[str, Path], args, use_gnu_time: bool) -> dict:
    """`maalbar report` on the data folder the cold run left, into a folder of its own:
    HTML and a PDF per page, from the publication only."""
    out = paths["scale"] / "rapport"
    measured = measure.run_measured(
        [*maalbar_command(), "report", "--out", str(out)],
        env=child_env(paths["data"], paths["landing"]),
        cwd=PROJECT_ROOT,
        output_path=paths["scale"] / "output" / f"{label}.txt",
        timeout=args.timeout,
        use_gnu_time=use_gnu_time,
    )
    result = measured.to_dict()
    result["ok"] = measured.ok
    result["pages"] = len(list(out.glob("*.html"))) if measured.ok else None
    result["pdfs"] = len(list(out.glob("*.pdf"))) if measured.ok else None
    state = "ok" if measured.ok else "FAILED"
    log(
        f"  {label}: {state}, {measured.wall_seconds:.1f} s, {result['pages']} pages, "
        f"peak {measured.peak_group_mib} MiB (all)"
    )
    if not measured.ok:
        for line in measured.output_tail.splitlines()[-8:]:
            log(f"    | {line}")
    return result


# ------------------------------------------------------------------------------------ scale


def bench_scale(scale: str, args, use_gnu_time: bool) -> dict:
    scale_dir = Path(args.out).resolve() / scale
    scale_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "scale": scale_dir,
        "demo": scale_dir / "demo",
        "landing": scale_dir / "landing",
        "data": scale_dir / "data",
    }
    log(f"{scale}: demo municipality (seed {args.seed})")
    demo = ensure_demo(scale, args.seed, paths["demo"])
    plan = plan_landing(paths["demo"])
    entry: dict = {
        "demo": demo,
        "landing": {
            "cold_files": len(plan["cold"]),
            "held_back": [p.as_posix() for p in plan["held_back"]],
            "redelivered": [p.as_posix() for p in plan["redelivered"]],
        },
        "runs": {},
        "floor": {},
        "ratios": {},
    }

    # A changed dbt project is parsed here, so the parse does not land in the cold run.
    started = time.perf_counter()
    prepared = subprocess.run(
        [*maalbar_command(), "prepare"],
        env=child_env(paths["data"], paths["landing"]),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    entry["prepare"] = {
        "exit_code": prepared.returncode,
        "seconds": round(time.perf_counter() - started, 2),
        "output_tail": (prepared.stdout + prepared.stderr)[-2000:],
    }

    build_landing(paths["demo"], paths["landing"], plan["cold"])
    shutil.rmtree(paths["data"], ignore_errors=True)
    warehouse = paths["data"] / "warehouse" / "maalbar.duckdb"
    landed = [paths["landing"] / p for p in plan["cold"]]

    count = args.repeat

    def cold_once(number: int) -> dict:
        shutil.rmtree(paths["data"], ignore_errors=True)
        log(f"{scale}: cold run ({len(landed)} files){_nth(number, count)}")
        return pipeline_run(label_of("cold", number, count), paths, args, use_gnu_time)

    def floors(name: str, spec: dict) -> dict:
        return repeated(
            count,
            lambda number: floor_run(
                label_of(name, number, count), paths, spec, args, use_gnu_time
            ),
            "total_seconds",
        )

    def ingest_and_transform(files: list[Path], run: dict) -> dict:
        # Each build keeps only its own dbt target: the last repetition's is there, and its
        # SQL is every repetition's.
        return {
            "files": [str(p) for p in files],
            "ingest": True,
            **transform_spec(run["repeats"][-1].get("dbt_target"), warehouse),
        }

    cold = entry["runs"]["cold"] = repeated(count, cold_once, "wall_seconds")
    entry["raw_rows"] = raw_rows(warehouse) if warehouse.exists() else {}
    if cold.get("ok"):

        def report_once(number: int) -> dict:
            log(f"{scale}: the report of the cold run's publication{_nth(number, count)}")
            return report_run(label_of("report", number, count), paths, args, use_gnu_time)

        entry["report"] = repeated(count, report_once, "wall_seconds")
    entry["floor"]["cold"] = floors("cold", ingest_and_transform(landed, cold))

    # Each incremental run starts from the data folder the cold run left.
    after_cold = paths["scale"] / "data.after-cold"
    shutil.rmtree(after_cold, ignore_errors=True)
    if count > 1:
        shutil.copytree(paths["data"], after_cold, symlinks=True)

    def back_to_after_cold() -> None:
        shutil.rmtree(paths["data"])
        shutil.copytree(after_cold, paths["data"], symlinks=True)

    deliver(paths["demo"], paths["landing"], plan["held_back"] + plan["redelivered"])

    def month_once(number: int) -> dict:
        held_back = ", ".join(p.name for p in plan["held_back"])
        log(f"{scale}: incremental run (+ {held_back}){_nth(number, count)}")
        return pipeline_run(label_of("incremental", number, count), paths, args, use_gnu_time)

    month = entry["runs"]["incremental"] = repeated(
        count, month_once, "wall_seconds", restore=back_to_after_cold
    )
    shutil.rmtree(after_cold, ignore_errors=True)
    new_files = [paths["landing"] / p for p in plan["held_back"]]
    entry["floor"]["incremental"] = floors("incremental", ingest_and_transform(new_files, month))

    def rerun_once(number: int) -> dict:
        log(f"{scale}: no-change rerun{_nth(number, count)}")
        return pipeline_run(label_of("no_change", number, count), paths, args, use_gnu_time)

    entry["runs"]["no_change"] = repeated(count, rerun_once, "wall_seconds")
    every_file = [str(p) for p in sorted(paths["landing"].rglob("*")) if p.is_file()]
    entry["floor"]["no_change"] = floors("no_change", {"files": every_file, "hash": True})

    entry["postgres"] = postgres_publication(scale, paths, args)
    if scale in args.spark_scales:
        entry["spark"] = spark_runs(scale, paths, plan, args, use_gnu_time)

    for run_name, run in entry["runs"].items():
        floor = entry["floor"].get(run_name, {}).get("total_seconds")
        if run.get("ok") and floor:
            entry["ratios"][run_name] = round(run["wall_seconds"] / floor, 2)
    return entry


def spark_runs(scale: str, paths: dict[str, Path], plan: dict, args, use_gnu_time) -> dict:
    """The same three runs with MAALBAR_ENGINE=spark (docs/scale.md), in a data folder of their
    own on the same landing files, each measured --spark-repeat times. Not measured where the
    spark extra or Java is missing."""
    from dagster_project.lib import spark

    problem = spark.missing()
    if problem:
        log(f"{scale}: Spark not measured: {problem}")
        return {"not_measured": problem, "runs": {}}
    spark_paths = {**paths, "data": paths["scale"] / "data-spark"}
    count = args.spark_repeat
    build_landing(paths["demo"], paths["landing"], plan["cold"])
    after_cold = paths["scale"] / "data-spark.after-cold"

    def cold_once(number: int) -> dict:
        shutil.rmtree(spark_paths["data"], ignore_errors=True)
        log(f"{scale}: Spark cold run{_nth(number, count)}")
        return pipeline_run(
            label_of("spark_cold", number, count), spark_paths, args, use_gnu_time, "spark"
        )

    def back_to_after_cold() -> None:
        shutil.rmtree(spark_paths["data"])
        shutil.copytree(after_cold, spark_paths["data"], symlinks=True)

    def month_once(number: int) -> dict:
        log(f"{scale}: Spark incremental run{_nth(number, count)}")
        return pipeline_run(
            label_of("spark_incremental", number, count), spark_paths, args, use_gnu_time, "spark"
        )

    def rerun_once(number: int) -> dict:
        log(f"{scale}: Spark no-change rerun{_nth(number, count)}")
        return pipeline_run(
            label_of("spark_no_change", number, count), spark_paths, args, use_gnu_time, "spark"
        )

    runs = {"cold": repeated(count, cold_once, "wall_seconds")}
    shutil.rmtree(after_cold, ignore_errors=True)
    if count > 1:
        shutil.copytree(spark_paths["data"], after_cold, symlinks=True)
    deliver(paths["demo"], paths["landing"], plan["held_back"] + plan["redelivered"])
    runs["incremental"] = repeated(count, month_once, "wall_seconds", restore=back_to_after_cold)
    shutil.rmtree(after_cold, ignore_errors=True)
    runs["no_change"] = repeated(count, rerun_once, "wall_seconds")
    return {"runs": runs}


def postgres_publication(scale: str, paths: dict[str, Path], args) -> dict:
    """The PostgreSQL publication of the scale's last publication, on a server of its own
    (`bench/postgres.py`): the first into an empty database, then `--repeat` times over the
    previous one, of which the median is kept. Not measured without PostgreSQL's binaries."""
    from tests.postgres_server import binaries

    published = paths["data"] / "published" / "maalbar.duckdb"
    if binaries() is None:
        return {"ok": False, "not_measured": "PostgreSQL's server binaries are not installed"}
    if not published.exists():
        return {"ok": False, "not_measured": "no publication to publish"}
    result_path = paths["scale"] / "postgres.json"
    result_path.unlink(missing_ok=True)
    log(f"{scale}: PostgreSQL publication (1 + {args.repeat} times)")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.postgres",
            str(published),
            str(result_path),
            "--repeat",
            str(args.repeat),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=args.timeout,
    )
    if done.returncode != 0 or not result_path.exists():
        return {
            "ok": False,
            "exit_code": done.returncode,
            "error": (done.stdout + done.stderr)[-2000:],
        }
    result = json.loads(result_path.read_text())
    log(
        f"  {result['seconds']:.2f} s over the previous publication (first: "
        f"{result['first_seconds']:.2f} s), {result['rows']:,} rows in {result['tables']} tables"
    )
    return result


def _nth(number: int, count: int) -> str:
    return "" if count == 1 else f", {number} of {count}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="S,M,L", help="comma-separated, of S, M, L")
    parser.add_argument("--out", default="bench/work", help="working folder (demo, data, floors)")
    parser.add_argument(
        "--results-dir", default=str(PROJECT_ROOT / "bench"), help="where results.* are written"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds before a run is ended as failed"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="measure each run and floor this many times and report the median (default 3)",
    )
    parser.add_argument(
        "--spark-scales",
        default="S,M",
        help="the scales also run with MAALBAR_ENGINE=spark (default S,M; '' for none)",
    )
    parser.add_argument(
        "--spark-repeat", type=int, default=1, help="measure each Spark run this many times"
    )
    args = parser.parse_args(argv)
    args.spark_scales = {s.strip().upper() for s in args.spark_scales.split(",") if s.strip()}
    scales = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown or not scales:
        parser.error(f"unknown scale(s) {unknown}; choose from {', '.join(SCALES)}")
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")

    use_gnu_time = measure.gnu_time_available()
    results: dict = {
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": report.machine(),
        "versions": report.versions(),
        "project": report.project_state(PROJECT_ROOT),
        "settings": {
            "scales": scales,
            "seed": args.seed,
            "timeout_seconds": args.timeout,
            "repeat": args.repeat,
            "memory_method": measure.memory_method(use_gnu_time),
            "command": " ".join([*maalbar_command(), "run"]),
        },
        "scales": {},
    }
    log(f"peak memory: {results['settings']['memory_method']}")
    for scale in scales:
        try:
            results["scales"][scale] = bench_scale(scale, args, use_gnu_time)
        except Exception as err:  # the other scales still run; the error is in the results
            log(f"{scale}: the harness could not measure this scale: {err}")
            results.setdefault("errors", {})[scale] = f"{type(err).__name__}: {err}"
        results["finished_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        results["targets"] = report.targets(results)
        report.write(results, Path(args.results_dir))

    # After the scales: their `maalbar prepare` has parsed the dbt project as it is.
    results["stack"] = bench_stack(args, use_gnu_time)
    json_path, md_path = report.write(results, Path(args.results_dir))
    report.print_table(results)
    print(f"\nwrote {md_path} and {json_path}")
    runs = [run for entry in results["scales"].values() for run in entry["runs"].values()]
    runs += [
        run
        for entry in results["scales"].values()
        for run in entry.get("spark", {}).get("runs", {}).values()
    ]
    runs += [entry["report"] for entry in results["scales"].values() if "report" in entry]
    failed = (
        results.get("errors")
        or any(not run.get("ok") for run in runs)
        or not results["stack"].get("ok")
    )
    return RUN_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
