"""GX validations in worker processes (expectations/pool.py), and the raw tables' batches
handed to them while files load (dagster_project/lib/raw_validation.py)."""

import os
import time
from datetime import datetime

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.transform import STATE_DDL
from dagster_project.lib import loader, raw_validation, warehouse
from expectations import pool, raw_sources
from expectations.pool import ValidationPool
from expectations.runner import run_suite

INDEX = ("_file_name", "_line_number")


@pytest.fixture
def one_worker():
    with ValidationPool(1) as workers:
        yield workers


@pytest.fixture
def pending(one_worker):
    batches = raw_validation.PendingBatches(one_worker)
    yield batches
    batches.discard()


def _udvalg_rows(con):
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES "
        "('OEU', 'Økonomiudvalget', 'k.xlsx', 'abc', 2), "
        "('OEU', NULL, 'k.xlsx', 'abc', 3), "
        "('BUU', 'Børne- og Ungeudvalget', 'k.xlsx', 'abc', 4)"
        ") v(fagudvalg, navn, _file_name, _file_sha256, _line_number)"
    )
    return warehouse.arrow(con, "SELECT * FROM t")


def test_a_suite_validated_in_a_worker_reports_what_it_reports_here(one_worker):
    con = duckdb.connect()
    rows = _udvalg_rows(con)
    here = run_suite(warehouse.to_frame(rows), "raw.udvalg", raw_sources.udvalg, "k.xlsx", INDEX)
    workers = one_worker
    there = workers.result(
        workers.validate(rows, "raw.udvalg", raw_sources.udvalg, "k.xlsx", INDEX)
    )
    assert workers.result(workers.submit(os.getpid)) != os.getpid()  # it ran elsewhere
    assert (there.suite, there.batch, there.rows) == ("raw.udvalg", "k.xlsx", 3)
    assert there.outcomes == here.outcomes
    failed = {o.column for o in there.outcomes if not o.passed}
    assert failed == {"fagudvalg", "navn"}  # the duplicate and the missing name
    # Where each unexpected value stands, as the check reports it.
    assert '"k.xlsx"' in next(o.observed for o in there.outcomes if o.column == "navn")
    assert there.result_document["statistics"] == here.result_document["statistics"]
    assert [(e["type"], e["kwargs"]) for e in there.suite_document["expectations"]] == [
        (e["type"], e["kwargs"]) for e in here.suite_document["expectations"]
    ]


def test_no_workers_validates_in_the_calling_process(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "0")
    workers = ValidationPool()
    assert workers.result(workers.submit(os.getpid)) == os.getpid()
    with pytest.raises(ZeroDivisionError):
        workers.result(workers.submit(divmod, 1, 0))


def test_a_worker_that_dies_is_reported_and_the_next_task_gets_a_new_one(one_worker):
    workers = one_worker
    with pytest.raises(pool.ValidationProcessFailed, match="GX validation process ended"):
        workers.result(workers.submit(os._exit, 3))
    assert workers.result(workers.submit(os.getpid)) != os.getpid()


def test_the_other_worker_carries_on_when_one_dies():

    with ValidationPool(2) as workers:
        workers.grow()
        slow = workers.submit(time.sleep, 2)  # on one worker; the next task goes to the other
        with pytest.raises(pool.ValidationProcessFailed):
            workers.result(workers.submit(os._exit, 3))
        assert workers.result(slow) is None  # finished, not cancelled
        assert workers.workers_started() == 1
        assert workers.result(workers.submit(os.getpid)) != os.getpid()  # the one left works on


def _start_state() -> tuple[int, int, bool]:
    """A worker's process and parent, and whether GX was loaded before the task came."""
    import sys

    return os.getpid(), os.getppid(), "great_expectations" in sys.modules


@pytest.mark.skipif(
    "forkserver" not in __import__("multiprocessing").get_all_start_methods(),
    reason="the platform has no fork server",
)
def test_workers_are_forks_of_one_server_that_loaded_gx():
    with ValidationPool(2) as workers:
        workers.grow()
        slow = workers.submit(__import__("time").sleep, 1)  # keeps one worker busy
        first = workers.result(workers.submit(_start_state))
        workers.result(slow)
        states = {first, *(workers.result(workers.submit(_start_state)) for _ in range(4))}
        assert len({worker for worker, _, _ in states}) == 2
        parents = {parent for _, parent, _ in states}
        # Both workers have the same parent, the fork server, not this process.
        assert len(parents) == 1 and os.getpid() not in parents
        assert all(loaded for _, _, loaded in states)
        assert workers.workers_started() == 2


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_shutdown_ends_every_worker_process():
    """The pool stops its workers side by side, and none outlives it."""
    with ValidationPool(2) as workers:
        workers.grow()
        # Two tasks at once: one each.
        pids = {workers.result(f) for f in [workers.submit(_pid_after, 0.5) for _ in range(2)]}
        workers.shutdown()
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_job_run_from_the_definitions_gets_gx_workers_of_its_own(
    data_settings, demo_landing, monkeypatch
):
    """A run started by Dagster (the UI, a schedule) has no pool handed to it: the `gx`
    resource starts the workers, the raw suite is validated in them, and they stop with
    the run."""
    import dagster as dg

    from dagster_project.definitions import defs

    monkeypatch.setenv("MAALBAR_LANDING_DIR", str(demo_landing))
    monkeypatch.setenv("MAALBAR_PSEUDONYM_KEY", "test-key-not-secret")
    # The cost centres' suite is a step of its own; the budget's is collected with the
    # other late tables' in one step (defs/quality.py, raw_suites).
    selected = [dg.AssetKey(["raw", "organisation"]), dg.AssetKey(["raw", "budget"])]
    result = defs.resolve_job_def("maalbar").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=selected
    )
    evaluations = {
        e.asset_key: e for e in result.get_asset_check_evaluations() if e.check_name == "gx_suite"
    }
    assert set(evaluations) == set(selected)
    for evaluation in evaluations.values():
        assert evaluation.passed
        assert evaluation.metadata["rows_validated"].value > 0


def test_the_worker_count_is_checked(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "two")
    with pytest.raises(ValueError, match="MAALBAR_GX_WORKERS must be a whole number"):
        pool.workers()
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "-1")
    with pytest.raises(ValueError, match="0 or more"):
        pool.workers()


def _land(con, name: str, committees: list[str], run_id: str = "r1", seen_at=None) -> None:
    con.execute(
        "INSERT INTO meta.file_ledger "
        "(file_name, file_sha256, source, raw_table, status, run_id, seen_at) "
        "VALUES (?, ?, 'maalkatalog', 'udvalg', 'loaded', ?, coalesce(?, now()::TIMESTAMP))",
        [name, f"sha-{name}", run_id, seen_at],
    )
    for line, committee in enumerate(committees, start=2):
        con.execute(
            "INSERT INTO raw.udvalg BY NAME SELECT ? AS fagudvalg, ? AS navn, "
            "? AS _file_name, ? AS _file_sha256, ? AS _line_number",
            [committee, f"udvalg {committee}", name, f"sha-{name}", line],
        )


def test_raw_batches_handed_on_while_loading_are_used_unless_their_rows_changed(
    tmp_path, monkeypatch, pending
):
    monkeypatch.setattr(raw_validation, "BATCH_ROWS", 2)
    submitted = []
    submit = raw_validation.submit

    def counting_submit(con, workers, table, files):
        submitted.append([name for _, name, _ in files])
        return submit(con, workers, table, files)

    monkeypatch.setattr(raw_validation, "submit", counting_submit)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loader.ensure_tables(con, ALL_SPECS)
    batcher = pending.batcher(["udvalg", "maal", "kalender"])
    assert list(batcher.current) == ["udvalg", "maal"]  # tables with a suite
    _land(con, "a.xlsx", ["A1", "A2"])
    batcher.loaded(con, "sha-a.xlsx", "a.xlsx")
    _land(con, "b.xlsx", ["B1", "B2"])
    batcher.loaded(con, "sha-b.xlsx", "b.xlsx")  # a's batch is full: handed on
    batcher.finish(con)  # b's, too; maal got no rows and hands on nothing
    assert submitted == [["a.xlsx"], ["b.xlsx"]]
    # Later in the run, one of b's rows is replaced away, and a file no batch saw arrives.
    con.execute("DELETE FROM raw.udvalg WHERE fagudvalg = 'B2'")
    _land(con, "c.xlsx", ["C1"])
    # A file an earlier run loaded and published.
    _land(con, "other-run.xlsx", ["D1"], run_id="r0", seen_at=datetime(2026, 1, 1, 6))
    con.execute(STATE_DDL)
    con.execute("INSERT INTO meta.dbt_state VALUES ('key', 'r0', TIMESTAMP '2026-01-01 07:00')")

    results = pending.collect(con, "r1", "udvalg")

    assert submitted[2:] == [["b.xlsx", "c.xlsx"]]  # a's batch stood; b's was done again
    assert [(r.batch, r.rows) for r in results] == [
        ("a.xlsx", 2),
        ("b.xlsx to c.xlsx (2 files)", 2),
    ]
    assert all(r.passed for r in results)
    assert pending.collect(con, "r1", "maal") == []
    assert pending.take("udvalg") == []  # nothing left behind


def test_a_file_replaced_within_its_step_leaves_the_batch_valid(tmp_path, monkeypatch, pending):
    """A newer file of the same step replaces an earlier one's rows before the batch is
    handed on: the batch holds the rows as they are then, and the check takes it as it is
    instead of validating the files again."""
    submitted = []
    submit = raw_validation.submit

    def counting_submit(con, workers, table, files):
        submitted.append([(name, rows) for _, name, rows in files])
        return submit(con, workers, table, files)

    monkeypatch.setattr(raw_validation, "submit", counting_submit)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loader.ensure_tables(con, ALL_SPECS)
    batcher = pending.batcher(["udvalg"])
    _land(con, "old.xlsx", ["A1", "A2"], run_id="r2")
    batcher.loaded(con, "sha-old.xlsx", "old.xlsx")
    con.execute("DELETE FROM raw.udvalg WHERE _file_name = 'old.xlsx'")  # the newer replaces all
    _land(con, "new.xlsx", ["A1", "A2", "A3"], run_id="r2")
    batcher.loaded(con, "sha-new.xlsx", "new.xlsx")
    batcher.finish(con)
    assert submitted == [[("new.xlsx", 3)]]

    results = pending.collect(con, "r2", "udvalg")

    assert submitted == [[("new.xlsx", 3)]]  # nothing validated again
    assert [(r.batch, r.rows) for r in results] == [("new.xlsx", 3)]


def test_a_raw_check_validates_every_row_loaded_since_the_last_publication(tmp_path, pending):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loader.ensure_tables(con, ALL_SPECS)
    _land(con, "published.xlsx", ["P1"], run_id="r0")
    _land(con, "failed.xlsx", ["F1", "F1"], run_id="r1")  # its run stopped at this check
    _land(con, "new.xlsx", ["N1"], run_id="r2")
    con.execute("UPDATE meta.file_ledger SET seen_at = TIMESTAMP '2026-11-01 06:00'")
    con.execute(
        "UPDATE meta.file_ledger SET seen_at = TIMESTAMP '2026-11-02 06:00' WHERE run_id <> 'r0'"
    )
    # Before any publication, everything loaded is unpublished.
    assert [r.rows for r in pending.collect(con, "r2", "udvalg")] == [4]
    con.execute(STATE_DDL)
    con.execute("INSERT INTO meta.dbt_state VALUES ('key', 'r0', TIMESTAMP '2026-11-01 07:00')")

    [result] = pending.collect(con, "r2", "udvalg")

    assert (result.batch, result.rows) == ("failed.xlsx to new.xlsx (2 files)", 3)
    assert not result.passed  # the duplicate committee fails again


def test_a_marts_check_begins_during_dbt_once_every_mart_it_reads_is_built(
    data_settings, monkeypatch
):
    """The dbt step begins a mart's GX check when dbt has built the mart and every mart the
    check reads that this build rebuilds; a mart not rebuilt is read as it is."""
    from dagster_project.defs import quality
    from dagster_project.defs.resources import GxWorkers

    begun = []

    def begin(name):
        def _begin(con, _pool):
            con.execute("SELECT 1").fetchall()  # it reads the warehouse
            begun.append(name)
            return []

        return _begin

    monkeypatch.setattr(
        quality,
        "mart_checks",
        lambda: {
            ("a", "gx_schema"): (frozenset({"a"}), begin("a")),
            ("b", "gx_suite"): (frozenset({"a", "b"}), begin("b reads a")),
            ("c", "gx_suite"): (frozenset({"c", "old"}), begin("c reads old")),
            ("d", "gx_suite"): (frozenset({"d"}), begin("d, not selected")),
        },
    )
    gx = GxWorkers(ValidationPool(0))
    selected = {
        quality._check_key(*key)
        for key in [("a", "gx_schema"), ("b", "gx_suite"), ("c", "gx_suite")]
    }
    checks = quality.MartChecksDuringDbt(gx, {"a", "b", "c", "d"}, selected, log=None)
    try:
        checks.built_mart("b")
        assert begun == []  # b's suite reads a, not built yet
        checks.built_mart("c")
        assert begun == ["c reads old"]  # "old" is not rebuilt: read as it is
        checks.built_mart("a")
        assert sorted(begun) == ["a", "b reads a", "c reads old"]
        checks.built_mart("d")
        assert "d, not selected" not in begun
    finally:
        checks.close()
    assert gx.take("b", "gx_suite") == [] and gx.take("b", "gx_suite") is None
    assert gx.take("d", "gx_suite") is None
