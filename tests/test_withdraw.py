"""`maalbar withdraw` and `maalbar restore`: a wrong delivery out of the raw tables, its slot
back on the previous version (from the raw copy), never loaded again until restored. The
slow tests run `maalbar` on the S demo: after a withdrawal, the next run publishes what a
cold run without the file publishes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import cli
from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.maal import INDIKATORVAERDIER
from dagster_project.defs.ingest.oekonomi import BUDGET, POSTERINGER
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.lib import ledger, loader, runner
from dagster_project.lib.status import print_status
from dagster_project.lib.withdraw import Refused, restore, withdraw
from tests.conftest import (
    MAALBAR,
    ORGANISATION_HEADER,
    ORGANISATION_ROWS,
    POSTINGS_HEADER,
    maalbar_env,
    maalbar_run,
    write_export,
)
from tests.test_reliability import _dbt_commands, marts_content

BUDGET_HEADER = "aar;omkostningssted;funktion;dranst;art;budgettype;beloeb"
INDICATOR_VALUES_HEADER = "indikator_id;omkostningssted;periode;vaerdi;taeller;naevner"


def _load(settings, *specs):
    """Each spec's new landing files, as a run's ingest loads them: {file: status}."""
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        loader.ensure_tables(con, ALL_SPECS)
        return {
            outcome.file_name: outcome.status
            for spec in specs
            for outcome in loader.ingest(con, spec, settings, "run-test", log=lambda m: None)
        }
    finally:
        con.close()


def _query(settings, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _postings(settings, month: str, rows: list[str]):
    return write_export(
        settings.landing_dir / "oekonomi" / f"posteringer_{month}.csv", POSTINGS_HEADER, rows
    )


def _months(settings) -> list[tuple]:
    return _query(
        settings,
        "SELECT regnskabsmaaned, _file_sha256, count(*), sum(beloeb)::DOUBLE "
        "FROM raw.posteringer GROUP BY 1, 2 ORDER BY 1",
    )


@pytest.fixture
def organisation(data_settings):
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    _load(data_settings, ORGANISATION)
    return data_settings


def test_a_redelivered_month_falls_back_to_its_first_delivery_until_restored(organisation):
    settings = organisation
    first = _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    first_sha = loader.sha256_of(first)
    _postings(settings, "202502", ["2;05-02-2025;0111;5.25.11;1;;200;b"])
    _load(settings, POSTERINGER)
    wrong = _postings(
        settings,
        "202501",
        ["1;05-01-2025;0111;5.25.11;1;;150;a", "3;06-01-2025;0112;5.25.11;1;;7;c"],
    )
    wrong_sha = loader.sha256_of(wrong)
    _load(settings, POSTERINGER)
    february = _months(settings)[1]

    done = withdraw(settings, "posteringer_202501.csv", "bilag 3 belongs to 0121", by="jens")
    assert (done.sha256, done.was, done.rows_removed) == (wrong_sha, "loaded", 2)
    assert done.reloaded == [("posteringer_202501.csv", 1)]
    # The first delivery stands again, from its raw copy; the other month is untouched.
    assert _months(settings) == [("2025-01", first_sha, 1, 100.0), february]
    assert _query(
        settings,
        "SELECT file_sha256, status, withdrawn_by, withdrawn_reason, withdrawn_at IS NOT NULL "
        "FROM meta.file_ledger WHERE file_name = 'posteringer_202501.csv' ORDER BY status",
    ) == [
        (first_sha, "loaded", None, None, False),
        (wrong_sha, "withdrawn", "jens", "bilag 3 belongs to 0121", True),
    ]

    # The withdrawn bytes stay in the landing folder and are not loaded again.
    assert _load(settings, POSTERINGER)["posteringer_202501.csv"] == "unchanged"
    assert _months(settings)[0] == ("2025-01", first_sha, 1, 100.0)

    said = restore(settings, "posteringer_202501.csv", by="jens")
    assert said[-1] == "the next `maalbar run` loads it again"
    assert _load(settings, POSTERINGER)["posteringer_202501.csv"] == "loaded"
    assert _months(settings)[0] == ("2025-01", wrong_sha, 2, 157.0)
    # The ledger still tells that it was withdrawn once, and by whom it came back.
    assert _query(
        settings,
        "SELECT file_sha256, status, withdrawn_by, restored_by FROM meta.file_ledger "
        "WHERE file_name = 'posteringer_202501.csv' ORDER BY status",
    ) == [(wrong_sha, "loaded", "jens", "jens"), (first_sha, "superseded", None, None)]


def test_a_month_delivered_once_falls_back_to_nothing(organisation):
    settings = organisation
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    _postings(settings, "202502", ["2;05-02-2025;0111;5.25.11;1;;200;b"])
    _load(settings, POSTERINGER)
    january = _months(settings)[0]
    done = withdraw(settings, "posteringer_202502.csv", "a test export", by="jens")
    assert done.rows_removed == 1 and done.reloaded == []
    assert "posteringer:2025-02 holds nothing now" in "\n".join(done.lines())
    assert _months(settings) == [january]


def test_a_budget_year_falls_back_to_the_newest_earlier_extraction(organisation):
    """Also one that arrived after the withdrawn one and was never loaded (older than it):
    a cold run without the withdrawn file would have loaded it last."""
    settings = organisation
    folder = settings.landing_dir / "oekonomi"
    write_export(folder / "budget_2025_20250110.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;1"])
    write_export(folder / "budget_2025_20250610.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;3"])
    _load(settings, BUDGET)
    write_export(folder / "budget_2025_20250301.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;2"])
    assert _load(settings, BUDGET)["budget_2025_20250301.csv"] == "superseded"

    done = withdraw(settings, "budget_2025_20250610.csv", "extracted before the TB", by="jens")
    assert done.reloaded == [("budget_2025_20250301.csv", 1)]
    assert _query(settings, "SELECT _file_name, beloeb::DOUBLE FROM raw.budget") == [
        ("budget_2025_20250301.csv", 2.0)
    ]
    assert dict(
        _query(
            settings, "SELECT file_name, status FROM meta.file_ledger WHERE raw_table = 'budget'"
        )
    ) == {
        "budget_2025_20250110.csv": "superseded",
        "budget_2025_20250301.csv": "loaded",
        "budget_2025_20250610.csv": "withdrawn",
    }


def test_a_previous_version_whose_raw_copy_is_gone_is_passed_over(organisation):
    settings = organisation
    folder = settings.landing_dir / "oekonomi"
    write_export(folder / "budget_2025_20250110.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;1"])
    _load(settings, BUDGET)
    write_export(folder / "budget_2025_20250301.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;2"])
    _load(settings, BUDGET)
    write_export(folder / "budget_2025_20250610.csv", BUDGET_HEADER, ["2025;0111;5.25.11;1;;OPR;3"])
    _load(settings, BUDGET)
    [copy] = (settings.raw_copy_dir / "oekonomi").glob("*_budget_2025_20250301.csv")
    copy.unlink()
    done = withdraw(settings, "budget_2025_20250610.csv", "wrong year", by="jens")
    assert [name for name, _ in done.passed_over] == ["budget_2025_20250301.csv"]
    assert "raw copy" in done.passed_over[0][1]
    assert done.reloaded == [("budget_2025_20250110.csv", 1)]
    assert _query(settings, "SELECT beloeb::DOUBLE FROM raw.budget") == [(1.0,)]


def _indicator_values(settings, name: str, rows: list[str]) -> None:
    write_export(settings.landing_dir / "indikatorer" / name, INDICATOR_VALUES_HEADER, rows)


@pytest.mark.parametrize(
    ("withdrawn", "left"),
    [
        # The newer extraction replaced February; without it, the older one's value returns.
        ("indikatorvaerdier_X_20250601.csv", [("2025-01", 1.0), ("2025-02", 2.0)]),
        # Without the older one, what the newer did not deliver is gone.
        ("indikatorvaerdier_X_20250301.csv", [("2025-02", 3.0), ("2025-03", 4.0)]),
    ],
)
def test_indicator_values_are_applied_again_oldest_first(organisation, withdrawn, left):
    settings = organisation
    _indicator_values(
        settings, "indikatorvaerdier_X_20250301.csv", ["I1;0110;2025-01;1;;", "I1;0110;2025-02;2;;"]
    )
    _indicator_values(settings, "indikatorvaerdier_Y_20250301.csv", ["I1;0110;2025-01;9;;"])
    _load(settings, INDIKATORVAERDIER)
    _indicator_values(
        settings, "indikatorvaerdier_X_20250601.csv", ["I1;0110;2025-02;3;;", "I1;0110;2025-03;4;;"]
    )
    _load(settings, INDIKATORVAERDIER)
    withdraw(settings, withdrawn, "wrong unit", by="jens")
    rows = "SELECT periode, vaerdi FROM raw.indikatorvaerdier WHERE kilde = ? ORDER BY 1"
    assert _query(settings, rows, ["X"]) == left
    assert _query(settings, rows, ["Y"]) == [("2025-01", 9.0)]


def test_a_path_names_the_version_by_its_bytes(organisation, tmp_path):
    settings = organisation
    first = _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    kept = tmp_path / "posteringer_202501.csv"
    kept.write_bytes(first.read_bytes())
    _load(settings, POSTERINGER)
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;150;a"])
    _load(settings, POSTERINGER)
    # The superseded first delivery is withdrawn: nothing in raw changes, and it is no
    # longer a version to fall back to.
    done = withdraw(settings, str(kept), "a test export", by="jens")
    assert (done.sha256, done.was) == (loader.sha256_of(kept), "superseded")
    assert _months(settings)[0][3] == 150.0
    done = withdraw(settings, "posteringer_202501.csv", "also wrong", by="jens")
    assert done.was == "loaded" and done.reloaded == [] and _months(settings) == []


def test_what_cannot_be_withdrawn_is_one_line_and_exit_1(organisation, capsys, monkeypatch):
    settings = organisation
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    _load(settings, POSTERINGER)

    def fails(*argv: str) -> str:
        capsys.readouterr()
        assert cli.main(list(argv)) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1, err
        return err

    assert "posteringer_209901.csv is not in the ledger" in fails(
        "withdraw", "posteringer_209901.csv", "--reason", "x"
    )
    assert "looks like a CPR number" in fails(
        "withdraw", "posteringer_202501.csv", "--reason", "line 2 has 010190-1234"
    )
    assert "must say something" in fails("withdraw", "posteringer_202501.csv", "--reason", " ")
    assert "is not withdrawn (it is loaded)" in fails("restore", "posteringer_202501.csv")
    assert cli.main(["withdraw", "posteringer_202501.csv", "--reason", "wrong month"]) == 0
    assert "is withdrawn already (by " in fails(
        "withdraw", "posteringer_202501.csv", "--reason", "x"
    )
    monkeypatch.setenv("MAALBAR_DATA_DIR", str(settings.data_dir.parent / "elsewhere"))
    assert "no warehouse yet" in fails("withdraw", "posteringer_202501.csv", "--reason", "x")


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_withdrawal_waits_for_no_run(organisation):
    """A run holding the run lock, or a run of the Dagster UI holding the warehouse: the
    withdrawal says so and changes nothing."""
    settings = organisation
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    _load(settings, POSTERINGER)
    with (
        runner.exclusive_run(settings),
        pytest.raises(Refused, match="another run is in progress"),
    ):
        withdraw(settings, "posteringer_202501.csv", "wrong", by="jens")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.warehouse_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(Refused, match="a run is writing the warehouse"):
            withdraw(settings, "posteringer_202501.csv", "wrong", by="jens")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    statuses = "SELECT status FROM meta.file_ledger WHERE raw_table = 'posteringer'"
    assert _query(settings, statuses) == [("loaded",)]


def test_status_shows_the_withdrawal_and_its_reason(organisation, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    settings = organisation
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    _load(settings, POSTERINGER)
    withdraw(settings, "posteringer_202501.csv", "the export of 3 January was wrong", by="jens")
    capsys.readouterr()
    assert print_status(settings) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "posteringer" in line]
    assert "withdrawn" in line and "withdrawn by jens at " in line
    assert "the export of 3 January was wrong" in line


def test_the_next_run_rebuilds_what_the_withdrawn_tables_reach(organisation, tmp_path):
    """The build state of the last publication is older than the withdrawal: the withdrawn
    file's tables count as changed (a workbook's: every sheet's table)."""
    from dagster_project.defs.ingest.maal import MAALKATALOG
    from dagster_project.defs.transform import STATE_DDL, changed_tables, state_key
    from tests.test_maal_ingest import GOOD_INDICATORS, _workbook

    settings = organisation
    _workbook(settings.landing_dir / "maal" / "maalkatalog_20250105.xlsx", GOOD_INDICATORS)
    _postings(settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    assert set(_load(settings, MAALKATALOG, POSTERINGER).values()) == {"loaded"}
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(STATE_DDL)
    con.execute("INSERT INTO meta.dbt_state VALUES (?, 'r1', now()::TIMESTAMP)", [state_key()])
    con.close()
    assert changed_tables(settings, []) == set()
    withdraw(settings, "posteringer_202501.csv", "wrong", by="jens")
    assert changed_tables(settings, []) == {"posteringer"}
    withdraw(settings, "maalkatalog_20250105.xlsx", "wrong", by="jens")
    assert changed_tables(settings, []) == {
        "posteringer",
        "udvalg",
        "maal",
        "indikatorer",
        "indsatser",
    }


OLD_LEDGER = """
CREATE SCHEMA meta;
CREATE TABLE meta.file_ledger (
    file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL, source VARCHAR NOT NULL,
    raw_table VARCHAR, slot VARCHAR, version VARCHAR, size_bytes BIGINT, encoding VARCHAR,
    rows_read BIGINT, rows_accepted BIGINT, rows_rejected BIGINT, status VARCHAR NOT NULL,
    reason VARCHAR, warnings VARCHAR, run_id VARCHAR, seen_at TIMESTAMP, raw_copy VARCHAR,
    PRIMARY KEY (file_name, file_sha256)
);
INSERT INTO meta.file_ledger (file_name, file_sha256, source, status, seen_at)
VALUES ('organisation_20250105.csv', 'abc', 'organisation', 'loaded', now()::TIMESTAMP);
"""


def test_a_warehouse_from_before_withdrawals_is_read_and_migrated(
    data_settings, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "250")
    con = duckdb.connect(str(data_settings.warehouse_path))
    con.execute(OLD_LEDGER)
    con.close()
    assert print_status(data_settings) == 0  # read-only: the columns are not there yet
    assert "organisation_20250105.csv" in capsys.readouterr().out
    con = duckdb.connect(str(data_settings.warehouse_path))
    ledger.ensure(con)
    ledger.ensure(con)  # again, as every run does
    assert con.execute(
        "SELECT file_name, status, withdrawn_by, restored_at FROM meta.file_ledger"
    ).fetchall() == [("organisation_20250105.csv", "loaded", None, None)]
    con.close()


# End to end: real `maalbar` processes on the S demo, as in tests/test_reliability.py.


@pytest.fixture(scope="module")
def demo(demo_landing, reference_run):
    """The S demo's landing folder, the session's cold run on it, and the marts it
    published (tests copy the run's data folder before they change anything)."""
    published = reference_run / "published" / "maalbar.duckdb"
    return demo_landing, reference_run, marts_content(published)


def _copy_of(run: Path, target: Path) -> Path:
    """A data folder as the run left it: warehouse, raw copies and publication."""
    for part in ("warehouse", "raw", "published"):
        shutil.copytree(run / part, target / part, symlinks=True)
    return target


def _maalbar(data: Path, landing: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAALBAR, *args],
        env={**maalbar_env(data, landing), "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_withdrawing_a_redelivered_month_publishes_its_first_delivery_again(tmp_path, demo):
    demo_landing, demo_run, reference = demo
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing, landing)
    data = _copy_of(demo_run, tmp_path / "data")
    published = data / "published" / "maalbar.duckdb"
    month = landing / "oekonomi" / "posteringer_202605.csv"
    lines = month.read_bytes().splitlines(keepends=True)
    month.write_bytes(b"".join(lines[: len(lines) // 2]))  # a delivery cut off half-way
    result = maalbar_run(data, landing)
    assert result.returncode == 0, result.stderr[-3000:]
    assert marts_content(published) != reference

    withdrawn = _maalbar(data, landing, "withdraw", month.name, "--reason", "cut off half-way")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert f"loaded again from its raw copy: {month.name}" in withdrawn.stdout
    result = maalbar_run(data, landing)
    assert result.returncode == 0, result.stderr[-3000:]
    # Only what postings reach is rebuilt, and the publication is that of the first delivery:
    # a cold run over the landing folder as it was before the re-delivery.
    rebuilt = _dbt_commands(data)[-1]
    assert "fqn:*" not in rebuilt and "kpi_values" in rebuilt and "trivsel" not in rebuilt
    assert marts_content(published) == reference


@pytest.mark.slow
def test_a_withdrawn_month_is_published_as_never_delivered_until_restored(tmp_path, demo):
    demo_landing, demo_run, reference = demo
    month = demo_landing / "oekonomi" / "posteringer_202609.csv"
    without = tmp_path / "without"
    shutil.copytree(demo_landing, without)
    (without / "oekonomi" / month.name).unlink()
    cold = tmp_path / "cold"
    result = maalbar_run(cold, without)
    assert result.returncode == 0, result.stderr[-3000:]
    never_delivered = marts_content(cold / "published" / "maalbar.duckdb")
    assert never_delivered != reference

    data = _copy_of(demo_run, tmp_path / "data")
    published = data / "published" / "maalbar.duckdb"
    withdrawn = _maalbar(data, demo_landing, "withdraw", str(month), "--reason", "not closed")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert "posteringer:2026-09 holds nothing now" in withdrawn.stdout
    result = maalbar_run(data, demo_landing)
    assert result.returncode == 0, result.stderr[-3000:]
    assert marts_content(published) == never_delivered
    # Its bytes are still in the landing folder: the next run finds nothing new.
    again = maalbar_run(data, demo_landing)
    assert again.returncode == 0 and "the publication is current" in again.stdout
    con = duckdb.connect(str(data / "warehouse" / "maalbar.duckdb"), read_only=True)
    try:
        assert con.execute(
            "SELECT count(*) FROM raw.posteringer WHERE regnskabsmaaned = '2026-09'"
        ).fetchone() == (0,)
    finally:
        con.close()
    status = _maalbar(data, demo_landing, "status")
    [line] = [line for line in status.stdout.splitlines() if month.name in line]
    assert "withdrawn" in line and "not closed" in line
    quality_report = (data / "published" / "rapport" / "kvalitet.html").read_text(encoding="utf-8")
    assert "trukket tilbage af " in quality_report and "not closed" in quality_report

    restored = _maalbar(data, demo_landing, "restore", month.name)
    assert restored.returncode == 0, restored.stderr
    result = maalbar_run(data, demo_landing)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "files: 1 loaded" in result.stdout
    assert marts_content(published) == reference
