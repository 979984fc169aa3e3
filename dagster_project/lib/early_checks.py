"""Checks on dbt's models begun while dbt still builds the others.

A run's dbt step builds one model after another, on two threads whose Python holds one core
for most of the step; the GX workers wait for the checks after it. A check that reads only
models dbt has built (or does not rebuild in this run) can read its rows the moment the last
of them is built: dbt builds each model once per run, so those rows are the ones the check
would read after the step. It reads them on dbt's thread, from dbt's own database (dbt holds
the warehouse file; `lib/dbt_inprocess.py`), and hands them to the GX workers, which validate
while dbt builds the rest. The check's step takes what was begun (`take`) and reads the rows
itself when nothing was: a model it reads failed, the reading failed (the step then fails
with the reason), or validations run in the pipeline's own process (`MAALBAR_GX_WORKERS=0`),
where beginning early would only delay dbt.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# How the checks' queries name dbt's relations: schema-qualified (tests/test_early_checks.py
# holds every query to it with DuckDB's own parser).
_MODEL_REFERENCE = re.compile(r"\b(?:staging|intermediate|marts)\.([A-Za-z_][A-Za-z0-9_]*)\b")


def models_read(*queries: str) -> frozenset[str]:
    """The dbt models the queries read."""
    return frozenset(name for query in queries for name in _MODEL_REFERENCE.findall(query))


@dataclass(frozen=True)
class Early:
    """A check that can begin during dbt: `begin(connection)` reads its rows and hands them
    to the GX workers, returning what the check's step awaits."""

    name: str
    model: str  # the model the check belongs to: it begins only in a run that rebuilds it
    reads: frozenset[str]  # every model its rows come from, the model itself included
    begin: Callable


class _RunChecks:
    def __init__(self, rebuilt: Iterable[str], checks: Iterable[Early]):
        rebuilt = set(rebuilt)
        self._lock = threading.Lock()
        self._built: set[str] = set()
        # What each check waits for: the models it reads that this run rebuilds.
        self._waiting = {
            check.name: (check, check.reads & rebuilt) for check in checks if check.model in rebuilt
        }
        self.begun: dict[str, object] = {}

    def model_built(self, model: str, connect: Callable) -> None:
        """dbt built `model`: the checks with nothing more to wait for read their rows now."""
        with self._lock:
            self._built.add(model)
            ready = [check for check, waits in self._waiting.values() if waits <= self._built]
            for check in ready:
                del self._waiting[check.name]
        if not ready:
            return
        with connect() as con:
            for check in ready:
                try:
                    begun = check.begin(con)
                except Exception:  # the check's step reads the rows itself and reports why
                    continue
                with self._lock:
                    self.begun[check.name] = begun


_runs: dict[str, _RunChecks] = {}
_runs_lock = threading.Lock()


def register(run_id: str, rebuilt: Iterable[str], checks: Iterable[Early]) -> Callable:
    """The run's checks that can begin early; the listener for dbt's built models."""
    run = _RunChecks(rebuilt, checks)
    with _runs_lock:
        _runs[run_id] = run
    return run.model_built


def take(run_id: str, name: str):
    """What `begin` returned for the check in this run, once; None if it did not begin."""
    with _runs_lock:
        run = _runs.get(run_id)
    if run is None:
        return None
    with run._lock:
        return run.begun.pop(name, None)


def discard(run_id: str) -> None:
    """Forget the run's checks (a run that stopped before its checks took them)."""
    with _runs_lock:
        _runs.pop(run_id, None)
