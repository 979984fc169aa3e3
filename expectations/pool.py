"""GX validations in worker processes beside the pipeline.

GX is Python through and through: its import (3-5 s) and the metric graph it builds per
expectation (about 25 ms) hold the interpreter, while the pipeline's own process has DuckDB
and dbt to drive. Validations therefore run in a small pool of processes, started when a
run starts: the GX import happens beside Dagster's start-up (once, in the fork server the
workers are forked from, where the platform has one), a raw table's batches are validated
while the next landing files load, and the marts' suites use both cores.

Frames travel as Arrow tables and become the same pandas frame in the worker
(`dagster_project.lib.warehouse.to_frame`). A table of a megabyte or more is written as an
Arrow IPC file in shared memory (`/dev/shm`, else the temporary folder), which the worker
maps without copying; pickled through the pool's pipe instead, a million postings (some
200 MB) held the pipeline's interpreter for 0.14-0.24 s, and the worker unpickled a copy
(0.02-0.11 s). A smaller table, or one the folder has no room for, is pickled. The worker
returns GX's result (`runner.SuiteResult`), which the calling step stores and reports as
before. `MAALBAR_GX_WORKERS=0` validates in the calling process instead.

This module imports nothing heavy: `maalbar run` starts the pool before it imports Dagster.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

WORKERS_VARIABLE = "MAALBAR_GX_WORKERS"

_lock = threading.Lock()
_workers: list[ProcessPoolExecutor] = []  # one process each, the least busy takes a task
_busy: dict[int, int] = {}  # tasks in flight per worker (by id)
# Tasks in flight, at most two per started worker (the one it runs, one waiting): a fast
# ingest waits for the validations instead of piling frames up in memory.
_room = threading.Condition(_lock)


class ValidationProcessFailed(RuntimeError):
    """A worker process ended in the middle of a validation (killed, or out of memory)."""


def workers() -> int:
    """How many worker processes: MAALBAR_GX_WORKERS, else one per core up to two (on two
    cores one validates while the other drives DuckDB; more would only add GX imports)."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value:
        try:
            count = int(value)
        except ValueError:
            raise ValueError(f"{WORKERS_VARIABLE} must be a whole number, not {value!r}") from None
        if count < 0:
            raise ValueError(f"{WORKERS_VARIABLE} must be 0 or more, not {count}")
        return count
    return max(1, min(2, os.cpu_count() or 1))


def start(count: int = 1) -> None:
    """Start workers (once per process) up to count, at most workers(); returns at once,
    while GX loads. A run starts one, which validates the raw tables as they load; the dbt
    step starts the rest (`grow`), for the marts' suites after it."""
    with _lock:
        while len(_workers) < min(count, workers()):
            worker = ProcessPoolExecutor(1, mp_context=_process_context(), initializer=warm)
            # The process starts now, not at the first task. Under the fork server its start
            # waits until the server has loaded GX: a thread of its own waits for that.
            threading.Thread(
                target=_start_process, args=(worker,), name="gx-worker-start", daemon=True
            ).start()
            _workers.append(worker)
            _busy[id(worker)] = 0
        _room.notify_all()


def _process_context():
    """The workers are forked from a server process that loaded GX and validated once
    (`expectations.preload`), where the platform has one (Linux, macOS): GX is imported once
    per run, not once per worker, and a worker started later (`grow`, or after one died) is
    ready at once instead of importing GX beside dbt. Elsewhere each worker is spawned and
    loads GX itself (`warm`)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context


def _start_process(worker: ProcessPoolExecutor) -> None:
    # Shut down before its process started: the next validation starts another.
    with contextlib.suppress(RuntimeError):
        worker.submit(_ready)


def grow() -> None:
    """Start every worker workers() allows."""
    start(workers())


def shutdown() -> None:
    """Stop the workers (idle ones end at once; waiting tasks are cancelled); the next
    validation starts new ones."""
    with _lock:
        stopping = _workers[:]
        _workers.clear()
        _busy.clear()
        _room.notify_all()
    for worker in stopping:
        worker.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def submit(function: Callable, *args) -> Future:
    """function(*args) in the least busy worker (function and arguments must pickle:
    module-level functions, functools.partial of them, Arrow tables, plain data). With
    MAALBAR_GX_WORKERS=0, in the calling process."""
    if workers() == 0:
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as err:  # noqa: BLE001 - handed to whoever waits, as a pool does
            future.set_exception(err)
        return future
    while True:
        start()  # again after a worker died and was let go
        with _room:
            if _workers and sum(_busy.values()) < 2 * len(_workers):
                worker = min(_workers, key=lambda w: _busy[id(w)])
                _busy[id(worker)] += 1
                break
            if _workers:
                _room.wait()
    try:
        future = worker.submit(function, *args)
    except BaseException as err:
        with _room:
            if id(worker) in _busy:
                _busy[id(worker)] -= 1
            _room.notify_all()
        if isinstance(err, BrokenProcessPool):
            _let_go(worker)
            raise ValidationProcessFailed(_died(err)) from err
        raise
    future.add_done_callback(lambda done: _done(worker, done))
    return future


def _done(worker: ProcessPoolExecutor, future: Future) -> None:
    """A task ended: room for the next; a worker whose process died is let go (the others
    carry on with their tasks), and the next submit starts a new one if none is left."""
    with _room:
        if id(worker) in _busy:
            _busy[id(worker)] -= 1
        _room.notify_all()
    if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
        _let_go(worker)


def _let_go(worker: ProcessPoolExecutor) -> None:
    with _room:
        if worker in _workers:
            _workers.remove(worker)
            del _busy[id(worker)]
        _room.notify_all()


def _died(err: BaseException) -> str:
    return (
        "a GX validation process ended unexpectedly (killed, or out of memory; "
        f"{WORKERS_VARIABLE}=1 runs one at a time, 0 in the pipeline's process): {err}"
    )


def result(future: Future):
    """The future's result; a worker that died is reported as such (and was let go)."""
    try:
        return future.result()
    except BrokenProcessPool as err:
        raise ValidationProcessFailed(_died(err)) from err


def validate(
    table,
    suite_name: str,
    build: Callable,
    batch: str | None = None,
    index_columns: Sequence[str] = (),
) -> Future:
    """Validate an Arrow table with the expectations build(frame) returns, in a worker.
    The future holds the runner.SuiteResult."""
    handed = _hand_over(table) if workers() else table
    try:
        future = submit(_validate, handed, suite_name, build, batch, tuple(index_columns))
    except BaseException:
        if isinstance(handed, ArrowFile):
            handed.remove()
        raise
    if isinstance(handed, ArrowFile):
        future.add_done_callback(lambda _: handed.remove())
    return future


def _validate(table, suite_name, build, batch, index_columns):
    from dagster_project.lib.warehouse import to_frame
    from expectations.runner import run_suite

    if isinstance(table, ArrowFile):
        table = table.read()
    return run_suite(to_frame(table), suite_name, build, batch, index_columns)


# Tables from this size on go to a worker as an Arrow IPC file, not through the pipe.
FILE_BYTES = 1 << 20
# The folders of handed-over tables: this prefix, then the pid of the process that wrote them.
FOLDER_PREFIX = "maalbar-gx-"
_folder: str | None = None


class ArrowFile:
    """An Arrow table written to a file of its own, for a worker to map (`read`); the
    process that wrote it removes it (`remove`) when the validation has ended."""

    def __init__(self, path: str) -> None:
        self.path = path

    def read(self):
        import pyarrow as pa

        with pa.memory_map(self.path) as source:
            return pa.ipc.open_file(source).read_all()

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _hand_over(table):
    """The table as an ArrowFile in this process's folder of handed-over tables; the table
    itself when it is small, or when the folder has no room for it (it is then pickled
    through the pipe)."""
    if table.nbytes < FILE_BYTES:
        return table
    import pyarrow as pa

    path = None
    try:
        handle, path = tempfile.mkstemp(suffix=".arrow", dir=_files_folder())
        os.close(handle)
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError:  # no room (a small /dev/shm), or no folder
        if path is not None:
            ArrowFile(path).remove()
        return table
    return ArrowFile(path)


def _files_folder() -> str:
    """A folder of this process for the handed-over tables, removed when it exits: in
    shared memory where there is some (the file's pages are then the worker's too). The
    folders of processes that ended without removing theirs (killed) are removed first."""
    global _folder
    with _lock:
        if _folder is None:
            shared = "/dev/shm"
            parent = shared if os.path.isdir(shared) and os.access(shared, os.W_OK) else None
            _remove_orphans(parent or tempfile.gettempdir())
            _folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent)
            atexit.register(shutil.rmtree, _folder, True)
        return _folder


def _remove_orphans(parent: str) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(FOLDER_PREFIX):
                continue
            pid = entry.name[len(FOLDER_PREFIX) :].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _ready() -> int:
    return os.getpid()


PRELOAD = "expectations.preload"
_warmed = False


def warm() -> None:
    """Each worker's start: import GX and validate a two-row frame, so that the first real
    validation finds GX's modules and registries loaded; done once in the fork server, whose
    forks start warm. A worker exits without tearing down GX's objects (as `maalbar` itself
    does); it holds no open file."""
    global _warmed
    if _warmed:
        return
    # GX's modules and registries live as long as the worker: the cycle collector is off
    # while they load, and they are frozen out of its later passes, which would walk them
    # all again and again (as in the run's own start-up, lib/runner.py). Frozen objects are
    # also left alone by the collector in a fork, so their memory stays shared with the
    # server's.
    gc.disable()
    # tqdm, which GX builds its (disabled) progress bars with, starts a monitor thread with
    # its first bar; the fork server must hold no thread when it forks.
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    import pandas as pd

    import expectations.marts  # noqa: F401 - the suites' modules, loaded once
    import expectations.raw_sources  # noqa: F401
    from expectations.runner import run_suite

    atexit.register(os._exit, 0)
    run_suite(pd.DataFrame({"x": [1, 2]}), "warm", _warm_suite)
    gc.freeze()
    gc.enable()
    _warmed = True


def _warm_suite(frame) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column="x")]
