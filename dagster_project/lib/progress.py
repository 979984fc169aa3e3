"""Progress of a run on an operator's terminal: steps done, rows, time.

A Dagster logger whose handler reads the events of the run (steps finishing, assets
materialised with their row counts) and prints one line per finished step with rich. It
prints nothing when the output is not a terminal or CI is set, so logs stay quiet.
"""

from __future__ import annotations

import logging
import os
import sys
import time

import dagster as dg


def wanted() -> bool:
    return sys.__stderr__.isatty() and not os.environ.get("CI")


class ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        from rich.console import Console

        self.console = Console(file=sys.__stderr__, highlight=False)
        self.started = time.perf_counter()
        self.steps_done = 0
        self.rows: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            if count is not None:
                self.rows[event.step_key] = self.rows.get(event.step_key, 0) + int(count.value)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.steps_done += 1
            mark = {"STEP_SUCCESS": "[green]ok[/]", "STEP_FAILURE": "[red]failed[/]"}.get(
                kind, "[yellow]skipped[/]"
            )
            rows = self.rows.get(event.step_key)
            self.console.print(
                f"{time.perf_counter() - self.started:6.1f} s  step {self.steps_done:>3}  "
                f"{mark}  {event.step_key}" + (f"  ({rows:,} rows)" if rows else "")
            )


@dg.logger(description="Progress lines on the operator's terminal.")
def progress_logger(init_context) -> logging.Logger:
    logger = logging.getLogger("maalbar.progress")
    logger.handlers = [ProgressHandler()]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger
