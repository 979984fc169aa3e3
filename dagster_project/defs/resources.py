"""The job's resources: dbt (lib/dbt_inprocess.py) and the run's GX workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import dagster as dg

from dagster_project.lib.raw_validation import PendingBatches
from expectations.pool import ValidationPool


class GxWorkers:
    """The run's GX validation processes (`expectations/pool.py`, MAALBAR_GX_WORKERS); the
    raw tables' batches the ingest steps hand them, which the raw tables' checks collect
    (`lib/raw_validation.py`); and the marts' checks the dbt step begins as dbt builds the
    marts, which the marts' check steps collect (`defs/quality.py`). `maalbar run` starts the
    pool before it imports Dagster, so that the workers' GX import overlaps Dagster's
    start-up, and hands it to the job (lib/runner.py); a run started elsewhere (the UI, a
    test) gets one from `gx_workers`."""

    def __init__(self, pool: ValidationPool) -> None:
        self.pool = pool
        self.pending = PendingBatches(pool)
        self._lock = threading.Lock()
        self._begun: dict[tuple[str, str], list[Future]] = {}

    def begin(self, mart: str, check: str, futures: list[Future]) -> None:
        """A mart's check begun before its step: its validations' futures."""
        with self._lock:
            self._begun[(mart, check)] = futures

    def begun(self) -> set[tuple[str, str]]:
        with self._lock:
            return set(self._begun)

    def take(self, mart: str, check: str) -> list[Future] | None:
        """The futures of a mart's check begun before its step (None: not begun)."""
        with self._lock:
            return self._begun.pop((mart, check), None)

    def discard_pending(self) -> None:
        """Cancel what no check collected (a run that ended before its checks)."""
        self.pending.discard()
        with self._lock:
            futures = [future for begun in self._begun.values() for future in begun]
            self._begun.clear()
        for future in futures:
            future.cancel()


@dg.resource(description="The run's GX worker processes and the raw batches waiting for checks.")
def gx_workers(context: dg.InitResourceContext) -> Iterator[GxWorkers]:
    """One worker at the run's start, which imports GX while the files load; the dbt step
    starts the rest for the marts' checks after it. Stopped when the run ends."""
    with ValidationPool() as pool:
        pool.start()
        workers = GxWorkers(pool)
        try:
            yield workers
        finally:
            workers.discard_pending()
