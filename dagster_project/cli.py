"""The `maalbar` command line (docs/published.md, Commands): `run` runs the pipeline on the
landing folder and `report` renders the publication; `demo` writes a demo municipality's
exports; `status`, `explain`, `withdraw` and `restore` read and correct what the ledger holds;
`prepare` parses the dbt project when it changed."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

from dagster_project.lib import config

# One event-log database for all runs, written through one pooled connection
# (`lib/history.py`): Dagster's default writes every asset event twice (the run's own
# database and an index) and opens a new connection per event. MAALBAR_EVENT_LOG=stock
# selects Dagster's own consolidated SQLite storage (the same database file).
# A dagster.yaml that starts with this marker is ours and is rewritten when it differs; any
# other dagster.yaml in DAGSTER_HOME is the operator's and is left alone.
DAGSTER_YAML_MARKER = "# written by maalbar"
DAGSTER_YAML = """\
{marker}: the Dagster instance of `maalbar run` (docs/operations.md)
telemetry:
  enabled: false
event_log_storage:
  module: {module}
  class: {storage}
  config:
    base_dir: {history}
"""
EVENT_LOG_VARIABLE = "MAALBAR_EVENT_LOG"
EVENT_LOG_STORAGES = {
    "pooled": ("dagster_project.lib.history", "PooledSqliteEventLogStorage"),
    "stock": ("dagster._core.storage.event_log", "ConsolidatedSqliteEventLogStorage"),
}
# What earlier versions wrote, without the marker: replaced like our own.
_EARLIER_DAGSTER_YAML = """\
telemetry:
  enabled: false
event_log_storage:
  module: dagster._core.storage.event_log
  class: ConsolidatedSqliteEventLogStorage
  config:
    base_dir: {history}
"""


def write_dagster_yaml(home: Path) -> None:
    """The dagster.yaml of `maalbar run` in `home`, unless an operator wrote their own."""
    choice = os.environ.get(EVENT_LOG_VARIABLE, "pooled").strip().lower() or "pooled"
    if choice not in EVENT_LOG_STORAGES:
        raise SystemExit(
            f"{EVENT_LOG_VARIABLE} must be one of {', '.join(EVENT_LOG_STORAGES)}, not {choice!r}"
        )
    module, storage = EVENT_LOG_STORAGES[choice]
    path = home / "dagster.yaml"
    wanted = DAGSTER_YAML.format(
        marker=DAGSTER_YAML_MARKER, module=module, storage=storage, history=home / "history"
    )
    current = path.read_text() if path.exists() else None
    ours = current is None or current.startswith(DAGSTER_YAML_MARKER)
    earlier = current == _EARLIER_DAGSTER_YAML.format(history=home / "history")
    if (ours or earlier) and current != wanted:
        path.write_text(wanted)


def _prepare_environment() -> config.Settings:
    """Resolve paths once and hand them to every step (and to the dbt process) absolute."""
    settings = config.settings()
    settings.ensure_dirs()
    os.environ["MAALBAR_DATA_DIR"] = str(settings.data_dir)
    os.environ["MAALBAR_LANDING_DIR"] = str(settings.landing_dir)
    os.environ["MAALBAR_WAREHOUSE_PATH"] = str(settings.warehouse_path)
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home)))
    home.mkdir(parents=True, exist_ok=True)
    write_dagster_yaml(home)
    return settings


def engine_problem() -> str | None:
    """Why the engine MAALBAR_ENGINE names cannot run here (unknown, or Spark or Java
    missing), naming what to do; None when it can."""
    try:
        engine = config.engine()
    except ValueError as err:
        return str(err)
    if engine != "spark":
        return None
    from dagster_project.lib import spark
    from dagster_project.lib.dbt_inprocess import SWITCH, in_process

    problem = spark.missing()
    if problem is None and not in_process():
        # The t quantile is registered on the pipeline's SparkSession, which dbt then takes.
        problem = f"MAALBAR_ENGINE=spark runs dbt in the pipeline's process: unset {SWITCH}"
    return problem


def cmd_demo(args: argparse.Namespace) -> int:
    from dagster_project.demo import generate

    started = time.perf_counter()
    counts = generate(Path(args.out), scale=args.scale, seed=args.seed)
    summary = ", ".join(f"{value:,} {name}" for name, value in counts.items())
    print(
        f"demo municipality (scale {args.scale}, seed {args.seed}) written to {args.out}: "
        f"{summary} in {time.perf_counter() - started:.1f} s"
    )
    return 0


def _landing_is_empty(landing: Path) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))


def cmd_prepare(args: argparse.Namespace) -> int:
    from dagster_project.lib.dbt_manifest import ensure_manifest

    _prepare_environment()  # parsed for the warehouse the runs of this data folder use
    problem = engine_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    parsed = ensure_manifest()
    print("dbt manifest parsed" if parsed else "dbt manifest is up to date")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _prepare_environment()
    problem = engine_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    from dagster_project.lib import demo_landing

    if args.demo_if_empty and _landing_is_empty(settings.landing_dir):
        print(f"landing folder {settings.landing_dir} is empty: writing the demo municipality")
        cmd_demo(argparse.Namespace(out=str(settings.landing_dir), scale="S", seed=42))
        demo_landing.record(settings)
    if not settings.landing_dir.is_dir():
        print(f"error: landing folder {settings.landing_dir} does not exist", file=sys.stderr)
        return 1
    if args.demo_key and config.pseudonym_key() is None:
        foreign = demo_landing.foreign_files(settings)
        if foreign:
            print(
                "error: MAALBAR_PSEUDONYM_KEY is not set, and the landing folder holds files "
                f"the demo did not write ({', '.join(foreign[:3])}"
                f"{f' and {len(foreign) - 3} more' if len(foreign) > 3 else ''}). The demo "
                "key is public and only pseudonymises the demo: set the municipality's own "
                "key (docs/operations.md, Configure) and run again.",
                file=sys.stderr,
            )
            return 1
        print("landing folder holds the demo municipality only: using the public demo key")
        os.environ["MAALBAR_PSEUDONYM_KEY"] = config.DEMO_PSEUDONYM_KEY
    from dagster_project.lib.landing import unknown_files

    for path in unknown_files(settings):
        print(f"warning: {path} matches no file pattern of sources.md; ignored")

    from dagster_project.lib import retention

    try:
        retention.months()
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    from dagster_project.lib.dbt_manifest import ensure_manifest

    ensure_manifest()
    from dagster_project.lib.pseudonym import MissingKey
    from dagster_project.lib.runner import RunInProgress, run_pipeline

    try:
        outcome = run_pipeline(settings)
    except (RunInProgress, MissingKey) as err:
        # MissingKey: kept copies an earlier version wrote wait for the key to be pseudonymised.
        print(f"error: {err}", file=sys.stderr)
        return 1
    for warning in outcome.warnings:
        print(f"warning: {warning}")
    if outcome.success:
        from dagster_project import report

        rapport = settings.published_dir / "rapport"
        if not report.is_current(settings.published_path, rapport):
            # A run that found nothing new ran no job: the report of a publication made
            # before the report existed, or of one whose report was removed, is written here.
            report.build(settings.published_path, rapport)
        print(f"published database: {settings.published_path}")
        print(f"data quality:       {rapport / 'kvalitet.html'}")
        print(f"dbt docs:           {settings.docs_dir / 'dbt' / 'static_index.html'}")
        print(f"GX data docs:       {settings.docs_dir / 'gx' / 'index.html'}")
        for line in outcome.notes:
            print(line)
        # Last, where a person looks first: the pages to open.
        print(f"report:             {rapport / 'index.html'}")
        return 0
    for line in outcome.notes:
        print(line, file=sys.stderr)
    print("run failed; the previous publication is unchanged. Reasons:", file=sys.stderr)
    for reason in outcome.reasons:
        print(f"  - {reason}", file=sys.stderr)
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    from dagster_project import report

    settings = config.settings()
    out = Path(args.out) if args.out else settings.published_dir / "rapport"
    try:
        done = report.build(settings.published_path, out)
    except (FileNotFoundError, FileExistsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"report ({done.pages} pages, each with a PDF) in {done.seconds:.1f} s: {done.index}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from dagster_project.lib.status import print_status

    return print_status(config.settings(), limit=args.limit, wide=args.wide)


def cmd_explain(args: argparse.Namespace) -> int:
    from dagster_project.lib.explain import print_explanation

    return print_explanation(config.settings(), args.id, args.node, args.period, args.all)


def cmd_withdraw(args: argparse.Namespace) -> int:
    from dagster_project.lib.pseudonym import MissingKey
    from dagster_project.lib.withdraw import Refused, withdraw

    try:
        done = withdraw(config.settings(), args.file, args.reason, args.by)
    except (Refused, MissingKey) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in done.lines():
        print(line)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from dagster_project.lib.withdraw import Refused, restore

    try:
        said = restore(config.settings(), args.file, args.by)
    except Refused as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in said:
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maalbar", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="write a demo municipality's source exports")
    demo.add_argument("--out", required=True, help="the landing folder to write into")
    demo.add_argument("--scale", choices=["S", "M", "L"], default="S")
    demo.add_argument("--seed", type=int, default=42)
    demo.set_defaults(func=cmd_demo)

    run = commands.add_parser("run", help="run the whole pipeline on $MAALBAR_LANDING_DIR")
    run.add_argument(
        "--demo-if-empty",
        action="store_true",
        help="write the demo municipality into the landing folder first if it is empty",
    )
    run.add_argument(
        "--demo-key",
        action="store_true",
        help="without MAALBAR_PSEUDONYM_KEY, use the public demo key, but only while the "
        "landing folder holds the demo municipality's files and nothing else",
    )
    run.set_defaults(func=cmd_run)

    report = commands.add_parser(
        "report",
        help="write the POLIS, STRALIS and VIRKLIS report (HTML and PDF) of the publication",
    )
    report.add_argument(
        "--out",
        help="the folder to write, replaced as a whole (default: "
        "$MAALBAR_DATA_DIR/published/rapport)",
    )
    report.set_defaults(func=cmd_report)

    status = commands.add_parser("status", help="recent files of the ledger and their state")
    status.add_argument("--limit", type=int, default=30)
    status.add_argument(
        "--wide", action="store_true", help="one line per file, whatever the terminal's width"
    )
    status.set_defaults(func=cmd_status)

    explain = commands.add_parser(
        "explain", help="trace a published figure back to the files and rows that fed it"
    )
    explain.add_argument("id", help="a KPI id (sygefravaer_pct) or a goal indicator id (I04)")
    explain.add_argument("node", help="cost centre (omkostningssted) as published")
    explain.add_argument("period", help="YYYY-MM, YYYY, or YYYY-Qn for a quarterly indicator")
    explain.add_argument(
        "--all", action="store_true", help="list every row used, not only the first 20 of each file"
    )
    explain.set_defaults(func=cmd_explain)

    withdraw = commands.add_parser(
        "withdraw",
        help="take a wrong delivery out of the warehouse; the next run publishes without it",
    )
    withdraw.add_argument("file", help="the file as the ledger names it, or a path to it")
    withdraw.add_argument("--reason", required=True, help="why, for the ledger (published)")
    withdraw.add_argument("--by", help="who withdraws it (default: the OS user)")
    withdraw.set_defaults(func=cmd_withdraw)

    restore = commands.add_parser(
        "restore", help="clear a withdrawal: the next run loads the file again as if new"
    )
    restore.add_argument("file", help="the file as the ledger names it, or a path to it")
    restore.add_argument("--by", help="who restores it (default: the OS user)")
    restore.set_defaults(func=cmd_restore)

    prepare = commands.add_parser("prepare", help="parse the dbt project if it changed")
    prepare.set_defaults(func=cmd_prepare)

    args = parser.parse_args(argv)
    # Every file and folder a command creates is readable by its owner only (docs/privacy.md):
    # the warehouse and the kept copies hold person-level rows. The publication is the one
    # thing a municipality may open to others (docs/operations.md).
    os.umask(0o077)
    return args.func(args)


def console() -> None:
    """The `maalbar` command."""
    code = main()
    # Python's exit runs full garbage collections over every object the libraries left (Dagster,
    # dbt, pandas): 1.3 s after a run at M (bench/README.md). By now every file and connection
    # is closed and the atexit handlers still run, so the objects are frozen (gc.freeze, outside
    # the collector's reach) and left to the OS.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    console()
