"""The job's resources: dbt (lib/dbt_inprocess.py) and the run's GX workers."""

from __future__ import annotations

import dagster as dg
from pydantic import PrivateAttr

from dagster_project.lib.raw_validation import PendingBatches
from expectations.pool import ValidationPool


class GxWorkers(dg.ConfigurableResource):
    """The run's GX validation processes (`expectations/pool.py`, MAALBAR_GX_WORKERS), and
    the raw tables' batches the ingest steps hand them, which the raw tables' checks collect
    (`lib/raw_validation.py`). Started with the run's first step that needs it, stopped when
    the run ends: the in-process executor sets a resource up once per run."""

    _pool: ValidationPool | None = PrivateAttr(default=None)
    _pending: PendingBatches | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._pool = ValidationPool()
        # One worker at once: it imports GX while the files load; the marts' checks grow it.
        self._pool.start()
        self._pending = PendingBatches(self._pool)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._pending is not None:
            self._pending.discard()
        if self._pool is not None:
            self._pool.shutdown()

    @property
    def pool(self) -> ValidationPool:
        if self._pool is None:  # used outside a run (a test, a one-off check)
            self._pool = ValidationPool()
            self._pending = PendingBatches(self._pool)
        return self._pool

    @property
    def pending(self) -> PendingBatches:
        self.pool  # noqa: B018 - made with the pool
        return self._pending
