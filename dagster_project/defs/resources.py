"""The job's resources: dbt (lib/dbt_inprocess.py) and the run's GX workers."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from dagster_project.lib.raw_validation import PendingBatches
from expectations.pool import ValidationPool


class GxWorkers:
    """The run's GX validation processes (`expectations/pool.py`, MAALBAR_GX_WORKERS), and
    the raw tables' batches the ingest steps hand them, which the raw tables' checks collect
    (`lib/raw_validation.py`). `maalbar run` starts the pool before it imports Dagster, so
    that the workers' GX import overlaps Dagster's start-up, and hands it to the job
    (lib/runner.py); a run started elsewhere (the UI, a test) gets one from `gx_workers`."""

    def __init__(self, pool: ValidationPool) -> None:
        self.pool = pool
        self.pending = PendingBatches(pool)

    def discard_pending(self) -> None:
        """Cancel the batches no check collected (a run that ended before its checks)."""
        self.pending.discard()


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
