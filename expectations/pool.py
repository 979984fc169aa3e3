"""GX validations in worker processes beside the pipeline.

GX is Python through and through: its import (3-5 s) and the metric graph it builds per
expectation hold the interpreter, while the pipeline's own process has DuckDB and dbt to
drive. Validations therefore run in a small pool of processes (`ValidationPool`): a raw
table's batches are validated while the next landing files load, and the marts' suites use
both cores. A run's pool is the Dagster resource `gx` (dagster_project/defs/resources.py):
`maalbar run` starts it before it imports Dagster, and stops it when the run ends.

Workers are forked from a fork server that imported GX once (`PRELOAD`), and each validates
a two-row frame when it starts (`warm`), so the first real validation finds GX ready.

Frames travel as Arrow tables (pickled through the pool's pipe) and become the same pandas
frame in the worker (`dagster_project.lib.warehouse.to_frame`). The worker returns GX's
result (`runner.SuiteResult`), which the calling step stores and reports.
`MAALBAR_GX_WORKERS=0` validates in the calling process instead.

This module imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

WORKERS_VARIABLE = "MAALBAR_GX_WORKERS"


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


class ValidationPool:
    """Up to `size` worker processes, each a ProcessPoolExecutor of one process; the least
    busy takes a task. With size 0, tasks run in the calling process."""

    def __init__(self, size: int | None = None) -> None:
        self.size = workers() if size is None else size
        self._workers: list[ProcessPoolExecutor] = []
        self._busy: dict[int, int] = {}  # tasks in flight per worker (by id)
        # Tasks in flight, at most two per started worker (the one it runs, one waiting): a
        # fast ingest waits for the validations instead of piling frames up in memory.
        self._room = threading.Condition(threading.Lock())

    def __enter__(self) -> ValidationPool:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def start(self, count: int = 1) -> None:
        """Start workers up to count (at most `size`); returns at once, while GX loads. A
        run starts one, which validates the raw tables as they load; the marts' suites after
        dbt start the rest (`grow`)."""
        with self._room:
            while len(self._workers) < min(count, self.size):
                worker = ProcessPoolExecutor(1, mp_context=_process_context(), initializer=warm)
                # The process starts now, not at the first task, and loads GX while the
                # run's steps go on.
                threading.Thread(
                    target=_start_process, args=(worker,), name="gx-worker-start", daemon=True
                ).start()
                self._workers.append(worker)
                self._busy[id(worker)] = 0
            self._room.notify_all()

    def grow(self) -> None:
        """Start every worker `size` allows."""
        self.start(self.size)

    def shutdown(self) -> None:
        """Stop the workers (idle ones end at once; waiting tasks are cancelled)."""
        with self._room:
            stopping = self._workers[:]
            self._workers.clear()
            self._busy.clear()
            self._room.notify_all()
        # Side by side: each worker's interpreter takes some 0.8 s to tear GX down.
        stops = [
            threading.Thread(target=worker.shutdown, kwargs={"cancel_futures": True})
            for worker in stopping
        ]
        for stop in stops:
            stop.start()
        for stop in stops:
            stop.join()

    def submit(self, function: Callable, *args) -> Future:
        """function(*args) in the least busy worker (function and arguments must pickle:
        module-level functions, functools.partial of them, Arrow tables, plain data)."""
        if self.size == 0:
            future: Future = Future()
            try:
                future.set_result(function(*args))
            except BaseException as err:  # noqa: BLE001 - handed to whoever waits, as a pool does
                future.set_exception(err)
            return future
        while True:
            self.start()  # again after a worker died and was let go
            with self._room:
                if self._workers and sum(self._busy.values()) < 2 * len(self._workers):
                    worker = min(self._workers, key=lambda w: self._busy[id(w)])
                    self._busy[id(worker)] += 1
                    break
                if self._workers:
                    self._room.wait()
        try:
            future = worker.submit(function, *args)
        except BaseException as err:
            self._finished(worker)
            if isinstance(err, BrokenProcessPool):
                self._let_go(worker)
                raise ValidationProcessFailed(_died(err)) from err
            raise
        future.add_done_callback(lambda done: self._done(worker, done))
        return future

    def validate(
        self,
        table,
        suite_name: str,
        build: Callable,
        batch: str | None = None,
        index_columns: Sequence[str] = (),
    ) -> Future:
        """Validate an Arrow table with the expectations build(frame) returns, in a worker.
        The future holds the runner.SuiteResult."""
        return self.submit(_validate, table, suite_name, build, batch, tuple(index_columns))

    @staticmethod
    def result(future: Future):
        """The future's result; a worker that died is reported as such (and was let go)."""
        try:
            return future.result()
        except BrokenProcessPool as err:
            raise ValidationProcessFailed(_died(err)) from err

    def workers_started(self) -> int:
        with self._room:
            return len(self._workers)

    def _finished(self, worker: ProcessPoolExecutor) -> None:
        with self._room:
            if id(worker) in self._busy:
                self._busy[id(worker)] -= 1
            self._room.notify_all()

    def _done(self, worker: ProcessPoolExecutor, future: Future) -> None:
        """A task ended: room for the next; a worker whose process died is let go (the others
        carry on with their tasks), and the next submit starts a new one if none is left."""
        self._finished(worker)
        if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
            self._let_go(worker)

    def _let_go(self, worker: ProcessPoolExecutor) -> None:
        with self._room:
            if worker in self._workers:
                self._workers.remove(worker)
                del self._busy[id(worker)]
            self._room.notify_all()


# What the workers' fork server imports before it forks the first worker: GX and the
# suites, once per run instead of once per worker (some 3 s of a core each).
PRELOAD = [
    "expectations.runner",  # first: it turns GX's analytics off before GX loads
    "pandas",
    "great_expectations",
    "great_expectations.expectations",
    "expectations.marts",
    "expectations.raw_sources",
]


def _process_context():
    """Workers are forked from a server process (multiprocessing's forkserver) that has
    imported GX (PRELOAD): never from the pipeline's own process, whose Dagster and dbt
    threads make forking it unsafe, and a worker started later (`grow`, or after one died)
    is ready at once instead of importing GX beside dbt. Where the platform has no fork
    server, each worker is a spawned interpreter that imports GX itself."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _start_process(worker: ProcessPoolExecutor) -> None:
    # Shut down before its process started: the next validation starts another.
    with contextlib.suppress(RuntimeError):
        worker.submit(os.getpid)


def _died(err: BaseException) -> str:
    return (
        "a GX validation process ended unexpectedly (killed, or out of memory; "
        f"{WORKERS_VARIABLE}=1 runs one at a time, 0 in the pipeline's process): {err}"
    )


def _validate(table, suite_name, build, batch, index_columns):
    from dagster_project.lib.warehouse import to_frame
    from expectations.runner import run_suite

    return run_suite(to_frame(table), suite_name, build, batch, index_columns)


def warm() -> None:
    """Each worker's start: import GX and validate a two-row frame, so that the first real
    validation finds GX's modules and registries loaded."""
    import pandas as pd

    import expectations.marts  # noqa: F401 - the suites' modules, loaded once
    import expectations.raw_sources  # noqa: F401
    from expectations.runner import run_suite

    run_suite(pd.DataFrame({"x": [1, 2]}), "warm", _warm_suite)


def _warm_suite(frame) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column="x")]
