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
from expectations.runner import run_suite

INDEX = ("_file_name", "_line_number")


@pytest.fixture
def one_worker(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "1")
    yield
    pool.shutdown()


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
    there = pool.result(pool.validate(rows, "raw.udvalg", raw_sources.udvalg, "k.xlsx", INDEX))
    assert pool.result(pool.submit(os.getpid)) != os.getpid()  # it ran elsewhere
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


def _large_udvalg(con, rows: int = 40_000):
    """A committee table over pool.FILE_BYTES: a few names missing, one code repeated."""
    con.execute(
        f"CREATE TABLE big AS SELECT 'U' || i AS fagudvalg, "
        f"CASE WHEN i % 10000 = 7 THEN NULL ELSE 'Udvalget for ' || repeat('x', 30) || i END "
        f"AS navn, 'k.xlsx' AS _file_name, 'abc' AS _file_sha256, i + 2 AS _line_number "
        f"FROM range({rows}) t(i) UNION ALL SELECT 'U5', 'igen', 'k.xlsx', 'abc', {rows + 2}"
    )
    return warehouse.arrow(con, "SELECT * FROM big")


def _handed_over(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_a_large_table_reaches_the_worker_as_a_file_removed_after_its_validation(
    one_worker, monkeypatch
):
    handed = []
    hand_over = pool._hand_over
    monkeypatch.setattr(
        pool, "_hand_over", lambda table: handed.append(hand_over(table)) or handed[-1]
    )
    con = duckdb.connect()
    rows = _large_udvalg(con)
    assert rows.nbytes >= pool.FILE_BYTES
    here = run_suite(warehouse.to_frame(rows), "raw.udvalg", raw_sources.udvalg, "k.xlsx", INDEX)
    there = pool.result(pool.validate(rows, "raw.udvalg", raw_sources.udvalg, "k.xlsx", INDEX))
    assert [type(h) for h in handed] == [pool.ArrowFile]
    assert there.outcomes == here.outcomes
    assert there.rows == rows.num_rows
    failed = {o.column for o in there.outcomes if not o.passed}
    assert failed == {"fagudvalg", "navn"}
    # Removed by the future's callback, which runs just after its result is set.
    deadline = time.monotonic() + 10
    while os.path.exists(handed[0].path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not os.path.exists(handed[0].path)


def test_a_table_is_written_for_the_worker_and_read_back_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "_files_folder", lambda: str(tmp_path))
    con = duckdb.connect()
    rows = _large_udvalg(con)
    handed = pool._hand_over(rows)
    assert isinstance(handed, pool.ArrowFile)
    assert _handed_over(tmp_path) == [os.path.basename(handed.path)]
    assert handed.read().equals(rows)
    handed.remove()
    assert _handed_over(tmp_path) == []
    small = warehouse.arrow(con, "SELECT * FROM big LIMIT 10")
    assert pool._hand_over(small) is small  # pickled through the pipe


def test_a_table_the_folder_has_no_room_for_goes_through_the_pipe(tmp_path, monkeypatch):
    import pyarrow as pa

    monkeypatch.setattr(pool, "_files_folder", lambda: str(tmp_path))

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pa.ipc, "new_file", full)
    rows = _large_udvalg(duckdb.connect())
    assert pool._hand_over(rows) is rows
    assert _handed_over(tmp_path) == []  # the partial file removed


def test_folders_of_ended_processes_are_removed(tmp_path):
    import subprocess
    import sys

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"{pool.FOLDER_PREFIX}{ended.stdout.strip()}-a1"
    alive = tmp_path / f"{pool.FOLDER_PREFIX}{os.getpid()}-b2"
    other = tmp_path / "something-else"
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "t.arrow").write_bytes(b"x")
    pool._remove_orphans(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])


def test_no_workers_validates_in_the_calling_process(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "0")
    assert pool.result(pool.submit(os.getpid)) == os.getpid()
    with pytest.raises(ZeroDivisionError):
        pool.result(pool.submit(divmod, 1, 0))


def test_a_worker_that_dies_is_reported_and_the_next_task_gets_a_new_one(one_worker):
    with pytest.raises(pool.ValidationProcessFailed, match="GX validation process ended"):
        pool.result(pool.submit(os._exit, 3))
    assert pool.result(pool.submit(os.getpid)) != os.getpid()


def test_the_other_worker_carries_on_when_one_dies(monkeypatch):
    import time

    monkeypatch.setenv(pool.WORKERS_VARIABLE, "2")
    pool.grow()
    try:
        slow = pool.submit(time.sleep, 2)  # on one worker; the next task goes to the other
        with pytest.raises(pool.ValidationProcessFailed):
            pool.result(pool.submit(os._exit, 3))
        assert pool.result(slow) is None  # finished, not cancelled
        assert len(pool._workers) == 1
        assert pool.result(pool.submit(os.getpid)) != os.getpid()  # the one left works on
    finally:
        pool.shutdown()


def _start_state() -> tuple[int, int, bool, bool]:
    """A worker's process and parent, whether GX was loaded before the task came, and
    whether tqdm (GX's progress bars) had started its monitor thread before the fork."""
    import sys

    from tqdm.auto import tqdm  # the class GX builds its bars with

    loaded = "great_expectations" in sys.modules
    return os.getpid(), os.getppid(), loaded, tqdm.monitor is None


@pytest.mark.skipif(
    "forkserver" not in __import__("multiprocessing").get_all_start_methods(),
    reason="the platform has no fork server",
)
def test_workers_are_forks_of_one_server_that_loaded_gx(monkeypatch):
    monkeypatch.setenv(pool.WORKERS_VARIABLE, "2")
    pool.grow()
    try:
        slow = pool.submit(__import__("time").sleep, 1)  # keeps one worker busy
        first = pool.result(pool.submit(_start_state))
        pool.result(slow)
        states = {first, *(pool.result(pool.submit(_start_state)) for _ in range(4))}
        assert len({worker for worker, _, _, _ in states}) == 2
        parents = {parent for _, parent, _, _ in states}
        # Both workers have the same parent, the fork server, not this process.
        assert len(parents) == 1 and os.getpid() not in parents
        # GX came with the fork, and the server had started no thread (tqdm's monitor).
        assert all(loaded and no_monitor for _, _, loaded, no_monitor in states)
        assert len(pool._workers) == 2
    finally:
        pool.shutdown()


def test_workers_are_spawned_where_the_platform_has_no_fork_server(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert pool._process_context().get_start_method() == "spawn"


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
    tmp_path, monkeypatch, one_worker
):
    monkeypatch.setattr(raw_validation, "BATCH_ROWS", 2)
    submitted = []
    submit = raw_validation.submit

    def counting_submit(con, table, files):
        submitted.append([name for _, name, _ in files])
        return submit(con, table, files)

    monkeypatch.setattr(raw_validation, "submit", counting_submit)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loader.ensure_tables(con, ALL_SPECS)
    batcher = raw_validation.Batcher("r1", ["udvalg", "maal", "kalender"])
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

    results = raw_validation.collect(con, "r1", "udvalg")

    assert submitted[2:] == [["b.xlsx", "c.xlsx"]]  # a's batch stood; b's was done again
    assert [(r.batch, r.rows) for r in results] == [
        ("a.xlsx", 2),
        ("b.xlsx to c.xlsx (2 files)", 2),
    ]
    assert all(r.passed for r in results)
    assert raw_validation.collect(con, "r1", "maal") == []
    assert not raw_validation._pending  # nothing left behind


def test_a_file_replaced_within_its_step_leaves_the_batch_valid(tmp_path, monkeypatch, one_worker):
    """A newer file of the same step replaces an earlier one's rows before the batch is
    handed on: the batch holds the rows as they are then, and the check takes it as it is
    instead of validating the files again."""
    submitted = []
    submit = raw_validation.submit

    def counting_submit(con, table, files):
        submitted.append([(name, rows) for _, name, rows in files])
        return submit(con, table, files)

    monkeypatch.setattr(raw_validation, "submit", counting_submit)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loader.ensure_tables(con, ALL_SPECS)
    batcher = raw_validation.Batcher("r2", ["udvalg"])
    _land(con, "old.xlsx", ["A1", "A2"], run_id="r2")
    batcher.loaded(con, "sha-old.xlsx", "old.xlsx")
    con.execute("DELETE FROM raw.udvalg WHERE _file_name = 'old.xlsx'")  # the newer replaces all
    _land(con, "new.xlsx", ["A1", "A2", "A3"], run_id="r2")
    batcher.loaded(con, "sha-new.xlsx", "new.xlsx")
    batcher.finish(con)
    assert submitted == [[("new.xlsx", 3)]]

    results = raw_validation.collect(con, "r2", "udvalg")

    assert submitted == [[("new.xlsx", 3)]]  # nothing validated again
    assert [(r.batch, r.rows) for r in results] == [("new.xlsx", 3)]


def test_data_docs_begun_early_are_rendered_again_if_a_validation_came_after(
    tmp_path, monkeypatch, one_worker
):
    from dagster_project.defs import docs
    from dagster_project.defs.quality import store_results
    from dagster_project.lib import config

    monkeypatch.setenv("MAALBAR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAALBAR_WAREHOUSE_PATH", raising=False)
    settings = config.settings()
    frame = warehouse.to_frame(_udvalg_rows(duckdb.connect()))
    first, second = (
        run_suite(frame, "raw.udvalg", raw_sources.udvalg, batch, INDEX)
        for batch in ("a.xlsx", "b.xlsx")
    )
    with warehouse.connect(settings) as con:
        store_results(con, "r1", "raw.udvalg", "gx_suite", [first])
    docs.begin_gx_docs(settings, "r1")
    with warehouse.connect(settings) as con:
        store_results(con, "r1", "raw.udvalg", "gx_suite", [second])

    site = docs.build_gx_docs(settings, "r1")

    pages = sorted(p.name for p in (site.parent / "validations").rglob("*.html"))
    assert pages == ["a.xlsx.html", "b.xlsx.html"]
    assert "r1" not in docs._early
    # Begun early and nothing added since: the early site is the site.
    docs.begin_gx_docs(settings, "r1")
    rendering = docs._early["r1"][1]
    assert docs.build_gx_docs(settings, "r1") == rendering.result() == site


def test_a_raw_check_validates_every_row_loaded_since_the_last_publication(
    tmp_path, monkeypatch, one_worker
):
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
    assert [r.rows for r in raw_validation.collect(con, "r2", "udvalg")] == [4]
    con.execute(STATE_DDL)
    con.execute("INSERT INTO meta.dbt_state VALUES ('key', 'r0', TIMESTAMP '2026-11-01 07:00')")

    [result] = raw_validation.collect(con, "r2", "udvalg")

    assert (result.batch, result.rows) == ("failed.xlsx to new.xlsx (2 files)", 3)
    assert not result.passed  # the duplicate committee fails again
