"""Run a suite on a pandas frame through GX's pandas data source, and build GX Data Docs.

GX through SQLAlchemy fails on DuckDB, so frames are read from DuckDB (Arrow) and
validated here in an ephemeral context: no files, no store, one batch per call. Each
validation also returns GX's own result document; the pipeline keeps those per run and
renders them into the Data Docs site with `build_data_docs`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd  # annotations only: loading the definitions needs no pandas


# GX shows progress bars by default; a pipeline log wants none.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


# What a failed check does (docs/quality.md): a broken contract invariant blocks the
# publication; a failed plausibility rule is a warning and the run still publishes.
BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    passed: bool
    observed: str
    severity: str = BLOCKING


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    batch: str
    rows: int
    outcomes: list[ExpectationOutcome]
    # GX's validation result and expectation suite as JSON documents, for Data Docs.
    result_document: dict
    suite_document: dict

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def blocked(self) -> bool:
        """A blocking expectation failed: the publication must not be built on this batch."""
        return any(not o.passed and o.severity == BLOCKING for o in self.outcomes)


def _context(docs_dir: Path | None = None):
    """An in-memory GX context; with docs_dir, one Data Docs site there and no other."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    sites = {}
    if docs_dir is not None:
        sites["maalbar"] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            data_docs_sites=sites,
            analytics_enabled=False,
        ),
    )
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


# The one reach into GX's internals, behind this switch: MAALBAR_GX_FINGERPRINT=1 keeps GX's
# own behaviour.
FINGERPRINT_VARIABLE = "MAALBAR_GX_FINGERPRINT"


def _skip_frame_fingerprint() -> None:
    """GX fingerprints every frame under 1 GB by hashing all its cells, a batch marker shown
    in Data Docs (`pandas_data_fingerprint`): 3.5 s of a raw suite's 4 s for a million
    postings, which at scale L held the ingest of the postings for some 50 s while it waited
    for the GX worker (bench/README.md). What a batch holds is named already (its files,
    whose SHA-256 the ledger keeps), so the pipeline sets GX's threshold for it
    (`pandas_execution_engine.HASH_THRESHOLD`, a module constant) to 0. If a GX version drops
    the constant, nothing is set and GX hashes as it does."""
    if os.environ.get(FINGERPRINT_VARIABLE) == "1":
        return
    from great_expectations.execution_engine import pandas_execution_engine

    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0


def run_suite(
    frame: pd.DataFrame,
    suite_name: str,
    build: Callable[[pd.DataFrame], Sequence],
    batch: str | None = None,
    index_columns: Sequence[str] = (),
) -> SuiteResult:
    """Validate frame with the expectations build(frame) returns, as suite suite_name.
    batch names what was validated (files, a mart) in the result and in Data Docs;
    index_columns (say file and line) are reported beside each unexpected value."""
    import great_expectations as gx

    _skip_frame_fingerprint()
    batch = batch or suite_name
    context = _context()
    batch_definition = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(batch)
        .add_batch_definition_whole_dataframe("whole")
    )
    # The suite is stored once with all its expectations: adding them one by one to a stored
    # suite re-serialises it at every addition (a quarter of GX's time for a small frame).
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=build(frame)))
    # A batch is validated first without the places of unexpected values (BASIC: whether
    # each expectation holds, the count and the first values that break it). Where each
    # unexpected value stands (say file and line) is GX's `unexpected_index_list`, which
    # copies the whole frame through a null filter and the unexpected-value mask for every
    # column expectation, passing or not: some 1 s of the GX workers' time in a cold run at
    # M. Only a batch that fails is validated again with those places, so a failure reports
    # them as before.
    found = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = found.validate(
        suite, result_format={"result_format": "BASIC", "partial_unexpected_count": 20}
    )
    if index_columns and not result.success:
        # Without the "unexpected index query" (for a pandas frame a `df.filter(items=[...])`
        # of every unexpected row's index, which nothing here reads): it copies the whole
        # frame once more per expectation.
        result = found.validate(
            suite,
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": 20,
                "return_unexpected_index_query": False,
                "unexpected_index_column_names": list(index_columns),
            },
        )
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        observed = {
            key: details[key]
            for key in ("observed_value", "unexpected_count", "partial_unexpected_list")
            if key in details and details[key] not in (None, [], 0)
        }
        if details.get("partial_unexpected_index_list"):
            # Where each unexpected value stands, which says more than the values alone.
            observed["partial_unexpected_list"] = details["partial_unexpected_index_list"]
        if item.exception_info and item.exception_info.get("raised_exception"):
            observed["exception"] = item.exception_info.get("exception_message")
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column") or _columns(config.kwargs),
                passed=bool(item.success),
                observed=json.dumps(observed, default=str, ensure_ascii=False)[:2000],
                # GX's own severity: `critical` (its default) blocks; `warning` warns.
                severity=BLOCKING if config.severity == "critical" else WARNING,
            )
        )
    return SuiteResult(
        suite=suite_name,
        batch=batch,
        rows=len(frame),
        outcomes=outcomes,
        result_document=_json(result.to_json_dict()),
        suite_document=_json(suite.to_json_dict()),
    )


def validate(
    frame: pd.DataFrame, suite_name: str, build: Callable[[pd.DataFrame], Sequence]
) -> list[ExpectationOutcome]:
    return run_suite(frame, suite_name, build).outcomes


def _json(document: dict) -> dict:
    # Through JSON once: numpy and Arrow scalars in observed values become plain values.
    return json.loads(json.dumps(document, default=str))


def _columns(kwargs) -> str | None:
    for key in ("column_list", "column_A"):
        if key in kwargs:
            value = kwargs[key]
            return ",".join(value) if isinstance(value, list) else f"{value},{kwargs['column_B']}"
    return None


@dataclass(frozen=True)
class StoredValidation:
    run_id: str
    validated_at: datetime
    suite: str
    batch: str
    result_document: dict
    suite_document: dict


def build_data_docs(validations: Iterable[StoredValidation], target: Path) -> Path:
    """The GX Data Docs site of these validations in target (replaced whole): an index,
    one page per validation and one per expectation suite. Returns the index page."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    building = target.with_name(f".{target.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    context = _context(building)
    suites = {}
    for item in validations:
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=item.suite),
            run_id=RunIdentifier(run_name=item.run_id, run_time=item.validated_at),
            batch_identifier=item.batch,
        )
        context.validation_results_store.set(
            key, ExpectationSuiteValidationResult(**item.result_document)
        )
        suites[item.suite] = item.suite_document
    for document in suites.values():
        context.suites.add(gx.ExpectationSuite(**document))
    context.build_data_docs()
    # Swapped in whole, so a reader never finds half a site.
    previous = target.with_name(f".{target.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    building.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    return target / "index.html"
