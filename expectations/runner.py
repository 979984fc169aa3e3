"""Run a suite on a pandas frame through GX's pandas data source.

GX through SQLAlchemy fails on DuckDB, so frames are read from DuckDB (Arrow) and
validated here in an ephemeral context: no files, no store, one batch per call.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

# GX shows progress bars by default; a pipeline log wants none.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    passed: bool
    observed: str


def validate(
    frame: pd.DataFrame, suite_name: str, build: Callable[[pd.DataFrame], Sequence]
) -> list[ExpectationOutcome]:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    batch_definition = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for expectation in build(frame):
        suite.add_expectation(expectation)
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        observed = {
            key: details[key]
            for key in ("observed_value", "unexpected_count", "partial_unexpected_list")
            if key in details and details[key] not in (None, [], 0)
        }
        if item.exception_info and item.exception_info.get("raised_exception"):
            observed["exception"] = item.exception_info.get("exception_message")
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column") or _columns(config.kwargs),
                passed=bool(item.success),
                observed=json.dumps(observed, default=str, ensure_ascii=False)[:2000],
            )
        )
    return outcomes


def _columns(kwargs) -> str | None:
    for key in ("column_list", "column_A"):
        if key in kwargs:
            value = kwargs[key]
            return ",".join(value) if isinstance(value, list) else f"{value},{kwargs['column_B']}"
    return None
