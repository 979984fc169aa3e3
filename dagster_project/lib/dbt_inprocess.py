"""dbt in the Dagster process: the one place where Maalbar reaches into dagster-dbt and dbt.

The stock `DbtCliResource` runs each dbt command as a process of its own, which spends some
7 s before its first model at scale M: the Python start, dbt's imports, the parse, and
dagster-dbt's own `dbt --version` process and dbt adapter. The Dagster process has imported
most of dbt already (dagster-dbt needs it), so here dbt runs on a thread of the same process,
from the manifest object of the run's parse (`lib/dbt_manifest.py`). dagster-dbt still does
everything it does for a dbt process: it reads dbt's JSON log lines from `stdout` (here a pipe
fed by a dbt callback with the lines `dbt --log-format json` prints) and the exit code, and
turns them into materialisations and check results.

`MAALBAR_DBT_INPROCESS=0` selects the stock resource, unchanged. It is the fallback when an
upgrade of dagster-dbt or dbt breaks what this module relies on: dagster-dbt's private
`DbtCliInvocation.run`, `_cli_version` and `_initialize_dbt_core_adapter`; dbt's
`dbtRunner(manifest=...)`; and dbt-duckdb releasing its database
(`close_all_connections`). CI runs the end-to-end test in both modes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from functools import cached_property
from importlib.metadata import version as package_version
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.core.dbt_cli_invocation import PARTIAL_PARSE_FILE_NAME, DbtCliInvocation
from packaging.version import Version

from dagster_project.lib.config import DBT_PROJECT_DIR, PROJECT_ROOT

SWITCH = "MAALBAR_DBT_INPROCESS"


def in_process() -> bool:
    """dbt in the Dagster process unless MAALBAR_DBT_INPROCESS is 0 (or false, no, off)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    """The dbt resource of the job: in this process, or the stock one (MAALBAR_DBT_INPROCESS=0)."""
    from dagster_project.lib import config

    resource = InProcessDbtCliResource if in_process() else DbtCliResource
    return resource(
        project_dir=project or str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
        # The profile's target of the engine (MAALBAR_ENGINE): its default (DuckDB) or spark.
        target=dbt_target(config.engine()),
    )


def dbt_target(engine: str) -> str | None:
    """The target of dbt/profiles.yml an engine builds with; None for the profile's default."""
    return None if engine == "duckdb" else engine


def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so neither the CLI nor `dagster dev`
    (whose code server may start without the virtualenv on PATH) needs PATH set-up."""
    for candidate in (
        Path(sys.executable).parent / "dbt",
        Path(sys.prefix) / "bin" / "dbt",
        PROJECT_ROOT / ".venv" / "bin" / "dbt",
    ):
        if candidate.exists():
            return str(candidate)
    return shutil.which("dbt") or "dbt"


class InProcessDbtCliResource(DbtCliResource):
    """`DbtCliResource` with each command run in this process (`InProcessDbt`)."""

    @cached_property
    def _cli_version(self) -> Version:
        """dagster-dbt asks `dbt --version` (a dbt process of some 3 s); the dbt beside this
        interpreter is the installed dbt-core package, whose metadata says it at once."""
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return Version(package_version("dbt-core"))
        return super()._cli_version

    def cli(self, args, **kwargs):
        """As dagster-dbt's: it builds the command, its selection and environment, and
        reads dbt's events and artifacts; the command itself runs in this process."""
        from dagster_dbt.core import resource as dagster_dbt_resource

        dagster_dbt_resource.DbtCliInvocation = InProcessDbtCliInvocation
        try:
            return super().cli(args, **kwargs)
        finally:
            dagster_dbt_resource.DbtCliInvocation = DbtCliInvocation

    def _initialize_dbt_core_adapter(self, args):
        """dagster-dbt also loads the project and profile and opens a dbt adapter (2-4 s a
        run), used only by `fetch_row_counts()` and `fetch_column_metadata()`, which Maalbar
        does not call: the GX suites check every published mart's rows and columns."""
        return None


class InProcessDbtCliInvocation(DbtCliInvocation):
    """dagster-dbt's invocation of a dbt command, the command run in this process."""

    @classmethod
    def run(cls, args, env, manifest, dagster_dbt_translator, project_dir, target_path, **rest):
        target_path = Path(project_dir, target_path)
        # dbt resolves these against the working directory, which a dbt process would have
        # had in the project folder; this one stays where it is.
        env = {**env, "DBT_TARGET_PATH": str(target_path), "DBT_LOG_PATH": str(target_path)}
        # Partial parsing, as dagster-dbt's own run() prepares it: the project's parse state
        # copied into the invocation's fresh target folder.
        state = Path(project_dir, "target", PARTIAL_PARSE_FILE_NAME)
        if state.exists() and not (target_path / PARTIAL_PARSE_FILE_NAME).exists():
            target_path.mkdir(parents=True, exist_ok=True)
            shutil.copy(state, target_path / PARTIAL_PARSE_FILE_NAME)
        dg.get_dagster_logger().info(f"Running dbt command: `{' '.join(args)}`.")
        return cls(
            process=InProcessDbt(args, env),
            manifest=manifest,
            dagster_dbt_translator=dagster_dbt_translator,
            project_dir=Path(project_dir),
            target_path=target_path,
            raise_on_error=rest["raise_on_error"],
            context=rest["context"],
            adapter=rest["adapter"],
            cli_version=rest["cli_version"],
            project=rest.get("dbt_project"),
        )


# Levels `dbt --log-format json` prints at its default log level.
_PRINTED_LEVELS = frozenset({"info", "warn", "error"})


class InProcessDbt:
    """A dbt command running on a thread of this process, with the attributes and methods of
    `subprocess.Popen` that dagster-dbt uses: `args`, `stdout`, `returncode`, `poll()`,
    `wait()`, `terminate()` and `send_signal()`."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]):
        self.args = list(args)
        self.returncode: int | None = None
        read, write = os.pipe()
        self.stdout = os.fdopen(read, "rb")
        self._out = os.fdopen(write, "wb", buffering=0)
        self._stopped = threading.Event()
        # dbt reads DBT_* settings (target and log paths, project and profiles folders, the
        # indirect selection of tests) from the environment when it parses its arguments.
        self._env = {key: value for key, value in env.items() if key.startswith("DBT_")}
        # Every event dbt would print reaches dagster-dbt through the pipe, and dagster-dbt
        # writes each to the run log. dbt's own console and file loggers are not set up: each
        # renders every event, SQL statements and all, before its level is looked at.
        self._env["DBT_LOG_LEVEL"] = "none"
        self._env["DBT_LOG_LEVEL_FILE"] = "none"
        # The lines end in the run log, a plain-text file: no terminal colour codes.
        self._env["DBT_USE_COLORS"] = "false"
        self._thread = threading.Thread(target=self._run, name="dbt", daemon=True)
        self._thread.start()

    def _line(self, msg) -> None:
        """dbt's callback for each event: nothing raised here may reach dbt."""
        if self._stopped.is_set() or msg.info.level not in _PRINTED_LEVELS:
            return
        from dbt_common.events.functions import msg_to_dict

        try:
            line = json.dumps(msg_to_dict(msg), default=str)
        except Exception:  # printed as text, which dagster-dbt passes on to the run log
            line = str(msg.info.msg)
        try:
            self._out.write(line.encode() + b"\n")
        except OSError:  # the reader has gone: nothing more to say
            self._stopped.set()

    def _write_text(self, text: str) -> None:
        with contextlib.suppress(OSError):
            self._out.write(text.encode() + b"\n")

    def _run(self) -> None:
        saved = {key: os.environ.get(key) for key in self._env}
        code = 2
        try:
            os.environ.update(self._env)
            from dbt.cli.main import dbtRunner

            from dagster_project.lib.dbt_manifest import parsed_manifest

            # The manifest of the run's own parse (lib/dbt_manifest.py): dbt neither loads
            # its parse state nor writes the manifest again. args[0] is the dbt executable
            # a process would have run.
            manifest = parsed_manifest() if self.args[1:2] != ["parse"] else None
            result = dbtRunner(manifest=manifest, callbacks=[self._line]).invoke(self.args[1:])
            # dbt's own exit codes: 0 success, 1 a node failed, 2 dbt itself failed.
            code = 0 if result.success else (2 if result.exception is not None else 1)
            if result.exception is not None:
                self._write_text(f"dbt failed: {result.exception}")
        except BaseException:
            self._write_text(traceback.format_exc())
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            try:
                _release_warehouse()
            except Exception:  # the warehouse may still be held: the step must fail
                self._write_text(traceback.format_exc())
                code = code or 2
            # The exit code first, then the end of the output the reader waits for.
            self.returncode = code
            self._out.close()

    def poll(self) -> int | None:
        return None if self._thread.is_alive() else self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def terminate(self) -> None:
        """dbt on a thread cannot be stopped from outside: it stops printing (a line it is
        writing fails on the closed pipe), and the caller waits for it to end."""
        self._stopped.set()
        with contextlib.suppress(OSError):
            self.stdout.close()

    def send_signal(self, sig) -> None:
        self.terminate()


def _release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB database open in the process after the command; the next
    step could then not open the file with its own settings. Released here, as a dbt process
    would by exiting: dbt's connections closed, and dbt-duckdb's database let go
    (`close_all_connections`, what dbt-duckdb runs at exit)."""
    import gc

    from dbt.adapters.factory import cleanup_connections

    cleanup_connections()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    DuckDBConnectionManager.close_all_connections()
    # The database closes when the last reference to it goes; dbt's objects hold some in
    # reference cycles.
    gc.collect()
