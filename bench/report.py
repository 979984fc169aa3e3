"""The machine, the versions, the targets of issue 7, and the results as table, Markdown, JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ["duckdb", "dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "great_expectations"]
RUNS = [("cold", "cold"), ("incremental", "incremental month"), ("no_change", "no-change rerun")]
# The targets of issue 7, on the 2-core, 24 GiB reference machine.
M_FLOOR_RATIO = 2.0
INCREMENTAL_SHARE = 0.25
NO_CHANGE_S_SECONDS = 20.0
L_PEAK_MIB = 8 * 1024
# Issue 33: publishing the M demo's marts to PostgreSQL.
POSTGRES_M_SECONDS = 15.0
# Issue 28: the report (HTML and a PDF per page) of the M demo's publication.
M_REPORT_SECONDS = 10.0


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": None,
        "memory_gib": None,
        "system": f"{platform.system()} {platform.release()}",
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    return info


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def project_state(root: Path) -> dict:
    """The commit measured, and whether the working tree differed from it."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_changes": bool(status)}


# ----------------------------------------------------------------------------------- targets


def _run(results: dict, scale: str, run: str) -> dict | None:
    return results["scales"].get(scale, {}).get("runs", {}).get(run)


def _ok(run: dict | None) -> bool:
    """The run, and every repetition of it, exited 0."""
    return bool(run) and all(
        measured.get("exit_code") == 0 and not measured.get("timed_out")
        for measured in [run, *run.get("repeats", [])]
    )


def _peak(run: dict) -> float | None:
    """The highest peak of the run and its repetitions: memory is a limit, not a typical."""
    values = [
        value
        for value in (_highest(run, "peak_group_mib"), _highest(run, "peak_rss_mib"))
        if value is not None
    ]
    return max(values) if values else None


def _highest(run: dict, key: str) -> float | None:
    values = [m.get(key) for m in [run, *run.get("repeats", [])] if m.get(key) is not None]
    return max(values) if values else None


def _repeats(measured: dict, key: str, unit: str = "s") -> str:
    """'; the 3 measurements: 27.2, 28.1, 30.0 s' for a repeated figure, else ''."""
    values = [m.get(key) for m in measured.get("repeats", [])]
    if len(values) < 2:
        return ""
    shown = ", ".join(
        "failed" if v is None else f"{v:.2f}" if v < 1 else f"{v:.1f}" for v in values
    )
    return f"; the {len(values)} measurements, in order: {shown} {unit} (the median is kept)"


def targets(results: dict) -> list[dict]:
    found = []

    def add(name: str, wanted: str, measured: str | None, passed: bool | None) -> None:
        status = "not measured" if passed is None else ("pass" if passed else "fail")
        found.append({"target": name, "wanted": wanted, "measured": measured, "status": status})

    scales = results["scales"]

    cold_m = _run(results, "M", "cold")
    ratio = scales.get("M", {}).get("ratios", {}).get("cold")
    if cold_m is None:
        add("M end-to-end vs floor", f"≤ {M_FLOOR_RATIO:g}× floor", None, None)
    elif not _ok(cold_m):
        add("M end-to-end vs floor", f"≤ {M_FLOOR_RATIO:g}× floor", "run failed", False)
    else:
        add(
            "M end-to-end vs floor",
            f"≤ {M_FLOOR_RATIO:g}× floor",
            f"{ratio:.2f}×" if ratio else "no floor",
            None if ratio is None else ratio <= M_FLOOR_RATIO,
        )

    month_m = _run(results, "M", "incremental")
    wanted = f"≤ {INCREMENTAL_SHARE:.0%} of the cold run"
    if cold_m is None or month_m is None:
        add("M incremental month", wanted, None, None)
    elif not (_ok(cold_m) and _ok(month_m)):
        add("M incremental month", wanted, "run failed", False)
    else:
        share = month_m["wall_seconds"] / cold_m["wall_seconds"]
        add("M incremental month", wanted, f"{share:.0%}", share <= INCREMENTAL_SHARE)

    rerun_s = _run(results, "S", "no_change")
    wanted = f"≤ {NO_CHANGE_S_SECONDS:g} s"
    if rerun_s is None:
        add("S no-change rerun", wanted, None, None)
    elif not _ok(rerun_s):
        add("S no-change rerun", wanted, "run failed", False)
    else:
        seconds = rerun_s["wall_seconds"]
        add("S no-change rerun", wanted, f"{seconds:.1f} s", seconds <= NO_CHANGE_S_SECONDS)

    runs_l = [_run(results, "L", run) for run, _ in RUNS]
    wanted = f"completes, peak ≤ {L_PEAK_MIB / 1024:g} GiB"
    if not any(runs_l):
        add("L peak memory", wanted, None, None)
    elif not all(_ok(run) for run in runs_l):
        add("L peak memory", wanted, "run failed", False)
    else:
        peak = max(_peak(run) or 0 for run in runs_l)
        add("L peak memory", wanted, f"{peak / 1024:.2f} GiB", peak <= L_PEAK_MIB)

    report_m = results["scales"].get("M", {}).get("report")
    wanted = f"≤ {M_REPORT_SECONDS:g} s"
    if report_m is None:
        add("M report", wanted, None, None)
    elif not _ok(report_m):
        add("M report", wanted, "report failed", False)
    else:
        seconds = report_m["wall_seconds"]
        add("M report", wanted, f"{seconds:.1f} s", seconds <= M_REPORT_SECONDS)

    add(*_growth(results))

    publication = scales.get("M", {}).get("postgres")
    wanted = f"≤ {POSTGRES_M_SECONDS:g} s"
    if not publication or publication.get("not_measured"):
        add("M PostgreSQL publication", wanted, None, None)
    elif not publication.get("ok"):
        add("M PostgreSQL publication", wanted, "failed", False)
    else:
        seconds = publication["seconds"]
        add(
            "M PostgreSQL publication",
            wanted,
            f"{seconds:.1f} s",
            seconds <= POSTGRES_M_SECONDS,
        )
    return found


def _growth(results: dict) -> tuple[str, str, str | None, bool | None]:
    """Cold time per landing byte must not rise from one scale to the next."""
    name, wanted = "time grows no faster than data", "cold s ÷ landing bytes not rising S→M→L"
    points = []
    for scale in ("S", "M", "L"):
        entry = results["scales"].get(scale)
        if not entry:
            continue
        cold = entry.get("runs", {}).get("cold")
        if not _ok(cold):
            return name, wanted, f"{scale} cold run failed", False
        points.append((scale, cold["wall_seconds"], entry["demo"]["bytes"]))
    if len(points) < 2:
        return name, wanted, None, None
    steps, passed = [], True
    for (a, time_a, bytes_a), (b, time_b, bytes_b) in zip(points, points[1:], strict=False):
        time_growth, data_growth = time_b / time_a, bytes_b / bytes_a
        steps.append(f"{a}→{b}: time ×{time_growth:.1f}, data ×{data_growth:.1f}")
        passed = passed and time_growth <= data_growth
    return name, wanted, "; ".join(steps), passed


# ----------------------------------------------------------------------------------- output


def _seconds(run: dict | None) -> str:
    if not run:
        return "–"
    if run.get("timed_out"):
        return "timed out"
    text = f"{run['wall_seconds']:.1f}"
    return text if run.get("exit_code") == 0 else f"{text} FAILED (exit {run.get('exit_code')})"


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _floor_total(entry: dict, run: str) -> float | None:
    return entry.get("floor", {}).get(run, {}).get("total_seconds")


def summary_rows(results: dict) -> list[list[str]]:
    """A row per scale and run; the Spark engine's runs (MAALBAR_ENGINE=spark) beside each
    scale's, with the same floor (DuckDB's, the least work of the run on one machine)."""
    rows = []
    for scale, entry in results["scales"].items():
        counts = entry["demo"]["counts"]
        engines = [("", entry.get("runs", {}), entry.get("ratios", {}))]
        spark_runs = entry.get("spark", {}).get("runs")
        if spark_runs:
            ratios = {
                run: round(measured["wall_seconds"] / _floor_total(entry, run), 2)
                for run, measured in spark_runs.items()
                if measured.get("ok") and _floor_total(entry, run)
            }
            engines.append((" (Spark)", spark_runs, ratios))
        for (engine, runs, ratios), (run, label) in (
            (engine, run) for engine in engines for run in RUNS
        ):
            label = label + engine
            measured = runs.get(run)
            floor = _floor_total(entry, run)
            ratio = ratios.get(run)
            rows.append(
                [
                    scale,
                    f"{counts.get('postings', 0):,}",
                    f"{counts.get('employments', 0):,}",
                    label,
                    _seconds(measured),
                    _mib(measured and _highest(measured, "peak_group_mib")),
                    _mib(measured and _highest(measured, "peak_rss_mib")),
                    "–" if floor is None else f"{floor:.1f}" if floor >= 1 else f"{floor:.2f}",
                    "–" if ratio is None else f"{ratio:.1f}×" if ratio < 100 else f"{ratio:,.0f}×",
                ]
            )
    return rows


HEADER = [
    "scale",
    "postings",
    "employments",
    "run",
    "seconds",
    "peak MiB (all)",
    "peak MiB (largest)",
    "floor s",
    "ratio",
]


def print_table(results: dict) -> None:
    rows = summary_rows(results)
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(" | ".join(HEADER))
        for row in rows:
            print(" | ".join(row))
        for target in results["targets"]:
            print(f"{target['target']}: {target['status']} ({target['measured']})")
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # a log file should not wrap the table at 80 columns
    table = Table(title="maalbar run vs floor")
    for name in HEADER:
        table.add_column(name, justify="left" if name in ("scale", "run") else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    checks = Table(title="targets (issue 7)")
    for name in ("target", "wanted", "measured", "status"):
        checks.add_column(name)
    for target in results["targets"]:
        checks.add_row(
            target["target"], target["wanted"], target["measured"] or "–", target["status"]
        )
    console.print(checks)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def markdown(results: dict) -> str:
    m, v, p = results["machine"], results["versions"], results["project"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['finished_at']} by `python -m bench.run` (see `bench/README.md` "
        "for what each figure means). Written by the harness; do not edit by hand.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {m['cpu_model']} ({m['cpus']} cores, {m['cpus_usable']} usable)",
        f"- memory: {m['memory_gib']} GiB; {m['system']}",
        "- versions: " + ", ".join(f"{name} {version}" for name, version in v.items()),
        f"- project: commit {p['commit']}"
        + (" with uncommitted changes" if p["uncommitted_changes"] else ""),
        f"- peak memory: {results['settings']['memory_method']}",
        f"- demo seed {results['settings']['seed']}; run timeout "
        f"{results['settings']['timeout_seconds']} s; each run and floor measured "
        f"{results['settings'].get('repeat', 1)} time(s), the median kept (for peak memory, the "
        "highest)",
        "",
        "## Runs and floors",
        "",
        *_md_table(HEADER, summary_rows(results)),
        "",
        *_contention_note(results),
        "## Targets",
        "",
        *_md_table(
            ["target", "wanted", "measured", "status"],
            [
                [t["target"], t["wanted"], t["measured"] or "–", t["status"]]
                for t in results["targets"]
            ],
        ),
        "",
    ]
    lines += _stack_section(results)
    lines += _report_section(results)
    for scale, error in results.get("errors", {}).items():
        lines += [f"## Scale {scale}", "", f"Not measured: the harness stopped on {error}", ""]
    for scale, entry in results["scales"].items():
        lines += _scale_section(scale, entry)
    return "\n".join(lines).rstrip() + "\n"


def _stack_section(results: dict) -> list[str]:
    """The stack's start (`bench/stack.py`), beside the M incremental month it is part of."""
    stack = results.get("stack")
    if not stack:
        return []
    lines = ["## The stack's start", ""]
    if not stack.get("ok"):
        tail = (stack.get("error") or "").strip().splitlines()[-1:] or ["?"]
        return lines + [f"Failed (exit {stack.get('exit_code')}): {tail[0]}", ""]
    lines += [
        "What every `maalbar run` does before it touches any data, in a process of its own "
        "(`bench/stack.py`): "
        f"{stack['wall_seconds']:.2f} s from the process's start to its end"
        f"{_repeats(stack, 'wall_seconds')}; peak {stack['peak_mib']:,.0f} MiB.",
        "",
        *_md_table(
            ["part (the median measurement)", "seconds"],
            [[name, f"{seconds:.2f}"] for name, seconds in stack["phases"]],
        ),
        "",
    ]
    cold, month = _run(results, "M", "cold"), _run(results, "M", "incremental")
    if _ok(cold) and _ok(month):
        quarter = cold["wall_seconds"] * INCREMENTAL_SHARE
        lines += [
            f"Beside the M incremental month ({month['wall_seconds']:.1f} s): the stack's start "
            f"is {stack['wall_seconds'] / month['wall_seconds']:.0%} of it, and "
            f"{stack['wall_seconds'] / quarter:.0%} of the {quarter:.1f} s that "
            f"{INCREMENTAL_SHARE:.0%} of the M cold run allows it.",
            "",
        ]
    return lines


def _report_section(results: dict) -> list[str]:
    """`maalbar report` on each scale's cold publication (bench/README.md)."""
    rows = []
    for scale, entry in results["scales"].items():
        measured = entry.get("report")
        if measured:
            rows.append(
                [
                    scale,
                    _seconds(measured),
                    str(measured.get("pages") or "–"),
                    str(measured.get("pdfs") or "–"),
                    _mib(_highest(measured, "peak_group_mib")),
                    str(measured.get("load_average_before")),
                ]
            )
    if not rows:
        return []
    return [
        "## The report",
        "",
        "`maalbar report` on the publication of the cold run: every page's HTML and its A4 "
        "PDF, in a process of its own.",
        "",
        *_md_table(
            ["scale", "seconds", "pages", "PDFs", "peak MiB (all)", "load average before"],
            rows,
        ),
        "",
    ]


def _contention_note(results: dict) -> list[str]:
    cores = results["machine"]["cpus_usable"] or results["machine"]["cpus"] or 1
    busiest = max(
        (
            run.get("load_average_before") or 0
            for entry in results["scales"].values()
            for run in entry.get("runs", {}).values()
        ),
        default=0,
    )
    if busiest <= cores:
        return []
    return [
        f"The one-minute load average reached {busiest} before a run on {cores} cores: other "
        "work competed for the CPU, so the seconds above are higher than on an idle machine.",
        "",
    ]


def _scale_section(scale: str, entry: dict) -> list[str]:
    demo, landing = entry["demo"], entry["landing"]
    counts = demo["counts"]
    lines = [
        f"## Scale {scale}",
        "",
        f"- demo: {counts.get('postings', 0):,} postings, "
        f"{counts.get('employments', 0):,} employments, "
        f"{counts.get('absence_spells', 0):,} absence spells; {demo['files']} files, "
        f"{demo['bytes'] / 2**20:,.1f} MiB"
        + (" (reused)" if demo.get("reused") else f" (generated in {demo['seconds']:.1f} s)"),
        f"- cold run lands {landing['cold_files']} files; the incremental month adds "
        + ", ".join(landing["held_back"])
        + "; re-delivered unchanged: "
        + (", ".join(landing["redelivered"]) or "none"),
    ]
    if entry.get("raw_rows"):
        lines.append(
            "- raw rows after the cold run: "
            + ", ".join(f"{table} {rows:,}" for table, rows in entry["raw_rows"].items())
        )
    for run, label in RUNS:
        measured = entry.get("runs", {}).get(run)
        if not measured:
            continue
        lines += ["", f"### {label}", ""]
        lines.append(
            f"- exit code {measured['exit_code']}, {measured['wall_seconds']:.1f} s, peak "
            f"{_mib(_highest(measured, 'peak_group_mib'))} MiB (all processes), "
            f"{_mib(_highest(measured, 'peak_rss_mib'))} MiB (largest); load average "
            f"{measured.get('load_average_before')} before, "
            f"{measured.get('load_average_after')} after" + _repeats(measured, "wall_seconds")
        )
        if measured.get("dbt_manifest_rewritten"):
            lines.append(
                "- dbt/target/manifest.json was rewritten during the run: the dbt project "
                "changed since the last parse, so the start-up includes a `dbt parse`"
            )
        if measured.get("leftover"):
            ended = " (ended by the harness)" if measured.get("leftover_ended_by_harness") else ""
            still = "; ".join(f"`{item}`" for item in measured["leftover"])
            lines.append(f"- still running after the command exited{ended}: {still}")
        steps = measured.get("steps")
        if steps:
            kinds = ", ".join(f"{name} {sec:.1f} s" for name, sec in steps["by_kind"].items())
            slowest = ", ".join(f"{step} {sec:.1f} s" for step, sec in steps["slowest_steps"][:5])
            lines.append(f"- where the time went: {kinds}; slowest steps: {slowest}")
        if steps and steps.get("failures"):
            lines.append("- failed steps: " + "; ".join(steps["failures"]))
        dbt = measured.get("dbt")
        if dbt and dbt.get("slowest"):
            kinds = ", ".join(f"{kind} {sec:.1f} s" for kind, sec in dbt["seconds_by_type"].items())
            slowest = ", ".join(f"{_node_label(uid)} {sec:.2f} s" for uid, sec in dbt["slowest"])
            lines.append(
                f"- dbt's own account: {dbt.get('elapsed_seconds') or 0:.1f} s for "
                f"{dbt.get('nodes', 0)} nodes ({kinds}); slowest: {slowest}"
            )
        floor = entry.get("floor", {}).get(run)
        if floor:
            lines.append("- floor: " + floor.get("summary", "") + _repeats(floor, "total_seconds"))
        if not measured.get("ok"):
            lines += ["", "Tail of its output:", "", "```", measured.get("output_tail", ""), "```"]
    publication = entry.get("postgres")
    if publication:
        lines += ["", "### PostgreSQL publication", ""]
        if publication.get("ok"):
            lines.append(
                f"- {publication['seconds']:.2f} s over the previous publication (load, swap, "
                f"drop of the previous marts), first into an empty database "
                f"{publication['first_seconds']:.2f} s; {publication['rows']:,} rows in "
                f"{publication['tables']} tables, {publication['leaders']} leaders; PostgreSQL "
                f"{publication['server']}"
                + _repeats({"repeats": [{"s": v} for v in publication["repeats"]]}, "s")
            )
        else:
            reason = publication.get("not_measured") or publication.get("error", "")[-300:]
            lines.append(f"- not measured: {reason}")
    return lines + [""]


def _node_label(unique_id: str) -> str:
    """A generic test's id ends in a hash; its name is the part before it."""
    parts = unique_id.split(".")
    name = parts[2] if parts[0] == "test" and len(parts) > 3 else parts[-1]
    return f"{parts[0]} {name}"


def write(results: dict, results_dir: Path) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = results_dir / "results.json", results_dir / "results.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path
