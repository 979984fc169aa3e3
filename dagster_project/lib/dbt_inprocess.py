"""dbt run inside the Dagster process, behind the face of the dbt process dagster-dbt reads.

A `dbt build` in a process of its own spends some 7 s before its first model: the Python
start, dbt's imports (4-5 s) and the parse. The Dagster process has imported most of dbt
already (dagster-dbt needs it), and dbt starts from the manifest object of the run's parse
(`lib/dbt_manifest.py`), so here dbt starts in about 2 s. dagster-dbt still does all
it does for a dbt process: it reads dbt's structured log lines from `stdout` (here a pipe fed
by a dbt callback with the lines `dbt --log-format json` prints) and the exit code, and turns
them into materialisations and check results.

Work that needs a model the moment dbt has built it can listen (`models_built`): the
listener is called on dbt's thread with the model's name and a way to read dbt's database
(dbt's connection, which works whether or not the run holds the warehouse open; when it
does not, the file is dbt's while dbt runs and no other connection can open it).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence

# Levels `dbt --log-format json` prints at its default log level.
_PRINTED_LEVELS = frozenset({"info", "warn", "error"})

# Called with (model name, connect) for each model a dbt command built without error.
ModelListener = Callable[[str, Callable], None]
_listeners: list[ModelListener] = []


_importing: threading.Thread | None = None


def import_dbt_beside() -> None:
    """Import dbt's command module (some 1 s of Python) on a thread of its own, beside the
    run's first steps, which wait on DuckDB and the GX worker for most of their time. The dbt
    command waits for it before it starts (a failed import is repeated there, and raises)."""
    global _importing
    if _importing is None:
        _importing = threading.Thread(target=_import_dbt, name="dbt-import", daemon=True)
        _importing.start()


def _import_dbt() -> None:
    with contextlib.suppress(Exception):
        import dbt.cli.main  # noqa: F401


@contextlib.contextmanager
def models_built(listener: ModelListener) -> Iterator[None]:
    """For a dbt command started in this block: `listener(model, connect)` on dbt's thread as
    soon as each model is built without error, where `connect()` is a context manager giving
    a connection to the database dbt writes. The model's rows are then final for the
    command: dbt builds each model once. The listener must return soon (dbt's thread waits)
    and raise nothing (an error raised in a dbt event callback fails the node)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


@contextlib.contextmanager
def dbt_connection() -> Iterator:
    """A connection to dbt-duckdb's database while a dbt command runs in this process: a
    cursor of its DuckDB instance, set up as dbt's own are."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    handle = DuckDBConnectionManager._ENV.handle()
    try:
        yield handle.cursor()
    finally:
        handle.close()


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
        self._listeners = tuple(_listeners)
        # dbt reads DBT_* settings (target and log paths, project and profiles folders, the
        # indirect selection of tests) from the environment when it parses its arguments.
        self._env = {key: value for key, value in env.items() if key.startswith("DBT_")}
        # Every event dbt would print reaches dagster-dbt through the pipe, and dagster-dbt
        # writes each to the run log. dbt's own console and file loggers are not set up: each
        # renders every event, SQL statements and all, before its level is looked at (3 s of
        # the dbt step of an incremental month at M, bench/README.md).
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

    def _model_built(self, msg) -> None:
        """dbt's callback for each event: a model built without error goes to the listeners."""
        if msg.info.name != "NodeFinished":
            return
        try:
            node = msg.data.node_info
            if node.resource_type != "model" or msg.data.run_result.status != "success":
                return
            for listener in self._listeners:
                listener(node.node_name, dbt_connection)
        except Exception:  # nothing raised here may reach dbt; the run log says what failed
            self._write_text(traceback.format_exc())

    def _write_text(self, text: str) -> None:
        with contextlib.suppress(OSError):
            self._out.write(text.encode() + b"\n")

    def _run(self) -> None:
        saved = {key: os.environ.get(key) for key in self._env}
        code = 2
        try:
            os.environ.update(self._env)
            if _importing is not None:
                _importing.join()
            from dbt.cli.main import dbtRunner

            from dagster_project.lib.dbt_manifest import parsed_manifest

            callbacks = [self._line] + ([self._model_built] if self._listeners else [])
            # The manifest of the run's own parse (lib/dbt_manifest.py): dbt neither loads
            # its parse state nor writes the manifest again.
            manifest = parsed_manifest() if self.args[1:2] != ["parse"] else None
            # args[0] is the dbt executable a process would have run.
            args = self.args[1:]
            target = self._env.get("DBT_TARGET_PATH")
            building = args[:1] == ["build"] and target is not None
            if building:
                # A build's JSON artifacts are the manifest again and the graph (some 1 s)
                # besides the run results, which are written below from dbt's own result.
                args.append("--no-write-json")
            result = dbtRunner(manifest=manifest, callbacks=callbacks).invoke(args)
            if building and hasattr(result.result, "write"):
                result.result.write(os.path.join(target, "run_results.json"))
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
    """dbt-duckdb keeps its DuckDB instance open in the process after the command, with its
    own settings; later steps could then not open the warehouse read-only, nor could another
    process open it. Closed here, as a dbt process would have by exiting."""
    from dbt.adapters.factory import cleanup_connections

    cleanup_connections()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
