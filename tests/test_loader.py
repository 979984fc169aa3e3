"""The loader: identity by name and SHA-256, replace rules, rejected rows and quarantine."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.oekonomi import BUDGET, POSTERINGER
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.lib import loader
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, POSTINGS_HEADER, write_export


@pytest.fixture
def con(data_settings):
    connection = duckdb.connect(str(data_settings.warehouse_path))
    loader.ensure_tables(connection, ALL_SPECS)
    yield connection
    connection.close()


def _org(settings, rows=ORGANISATION_ROWS, name="organisation_20250105.csv", encoding="cp1252"):
    return write_export(
        settings.landing_dir / "organisation" / name, ORGANISATION_HEADER, rows, encoding
    )


def _postings(settings, month: str, rows: list[str]):
    return write_export(
        settings.landing_dir / "oekonomi" / f"posteringer_{month}.csv", POSTINGS_HEADER, rows
    )


def _ingest(con, settings, spec):
    return loader.ingest(con, spec, settings, "run-test", log=lambda message: None)


def test_windows_1252_organisation_keeps_letters_and_lineage(con, data_settings):
    _org(data_settings)
    [outcome] = _ingest(con, data_settings, ORGANISATION)
    assert outcome.status == "loaded" and outcome.rows_accepted == 6
    assert con.execute(
        "SELECT navn, _line_number FROM raw.organisation WHERE omkostningssted = '0120'"
    ).fetchone() == ("Ældre", 6)
    raw_copy = con.execute("SELECT raw_copy, encoding FROM meta.file_ledger").fetchone()
    assert raw_copy[1] == "cp1252"
    assert (
        Path(raw_copy[0]).read_bytes()
        == (data_settings.landing_dir / "organisation" / "organisation_20250105.csv").read_bytes()
    )


def test_same_bytes_are_loaded_once(con, data_settings):
    _org(data_settings)
    rows = [f"{i};05-01-2025;0111;5.25.11;1;1.1;1.000,50;løn" for i in range(200)]
    _postings(data_settings, "202501", rows)
    _ingest(con, data_settings, ORGANISATION)
    first = _ingest(con, data_settings, POSTINGS)
    second = _ingest(con, data_settings, POSTINGS)
    assert [o.status for o in first] == ["loaded"]
    assert [o.status for o in second] == ["unchanged"]
    assert con.execute("SELECT count(*), sum(beloeb) FROM raw.posteringer").fetchone() == (
        200,
        pytest.approx(200_100),
    )


POSTINGS = POSTERINGER


def test_redelivered_month_replaces_only_that_month(con, data_settings):
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    _postings(data_settings, "202501", ["1;05-01-2025;0111;5.25.11;1;;100;a"])
    _postings(data_settings, "202502", ["2;05-02-2025;0111;5.25.11;1;;200;b"])
    _ingest(con, data_settings, POSTINGS)
    _postings(
        data_settings,
        "202501",
        ["1;05-01-2025;0111;5.25.11;1;;150;a", "3;06-01-2025;0112;5.25.11;1;;7;c"],
    )
    outcomes = _ingest(con, data_settings, POSTINGS)
    assert [o.status for o in outcomes] == ["loaded", "unchanged"]
    assert con.execute(
        "SELECT regnskabsmaaned, sum(beloeb)::DOUBLE, count(*) FROM raw.posteringer "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall() == [("2025-01", 157.0, 2), ("2025-02", 200.0, 1)]
    statuses = dict(
        con.execute(
            "SELECT file_sha256, status FROM meta.file_ledger "
            "WHERE file_name = 'posteringer_202501.csv'"
        ).fetchall()
    )
    assert sorted(statuses.values()) == ["loaded", "superseded"]


def test_newer_budget_extraction_replaces_the_year_older_one_does_not(con, data_settings):
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    header = "aar;omkostningssted;funktion;dranst;art;budgettype;beloeb"
    folder = data_settings.landing_dir / "oekonomi"
    write_export(folder / "budget_2025_20250110.csv", header, ["2025;0111;5.25.11;1;;OPR;1.000"])
    write_export(folder / "budget_2024_20240110.csv", header, ["2024;0111;5.25.11;1;;OPR;900"])
    write_export(
        folder / "budget_2025_20250610.csv",
        header,
        ["2025;0111;5.25.11;1;;OPR;1.000", "2025;0111;5.25.11;1;;TB;250,5"],
    )
    outcomes = {o.file_name: o.status for o in _ingest(con, data_settings, BUDGET)}
    assert outcomes["budget_2025_20250610.csv"] == "loaded"
    assert con.execute(
        "SELECT aar, sum(beloeb)::DOUBLE FROM raw.budget GROUP BY 1 ORDER BY 1"
    ).fetchall() == [(2024, 900.0), (2025, 1250.5)]
    # An older extraction arriving late changes nothing.
    write_export(folder / "budget_2025_20250301.csv", header, ["2025;0111;5.25.11;1;;OPR;1"])
    [late] = [o for o in _ingest(con, data_settings, BUDGET) if o.file_name.endswith("0301.csv")]
    assert late.status == "superseded" and "budget_2025_20250610.csv" in late.reason
    assert (
        con.execute("SELECT sum(beloeb)::DOUBLE FROM raw.budget WHERE aar = 2025").fetchone()[0]
        == 1250.5
    )


def test_slots_load_side_by_side_and_each_slot_in_delivery_order(con, data_settings):
    """Files of different slots load on several connections at once; the files of one slot
    (two extractions of a year) one after another, the newest last. The outcomes come back
    in landing order, and each committed file reached on_loaded on the calling thread, in
    landing order too."""
    import threading

    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    header = "aar;omkostningssted;funktion;dranst;art;budgettype;beloeb"
    folder = data_settings.landing_dir / "oekonomi"
    for year in range(2019, 2025):
        write_export(
            folder / f"budget_{year}_{year}0110.csv", header, [f"{year};0111;5.25.11;1;;OPR;{year}"]
        )
    write_export(folder / "budget_2025_20250110.csv", header, ["2025;0111;5.25.11;1;;OPR;1.000"])
    write_export(folder / "budget_2025_20250610.csv", header, ["2025;0111;5.25.11;1;;OPR;2.000"])
    threads_seen, handed = set(), []
    original = loader._ingest_file

    def recording(*args, **kwargs):
        threads_seen.add(threading.current_thread().name)
        return original(*args, **kwargs)

    loader._ingest_file = recording
    try:
        outcomes = loader.ingest(
            con,
            BUDGET,
            data_settings,
            "run-test",
            log=lambda message: None,
            on_loaded=lambda outcome: handed.append(
                (outcome.file_name, threading.current_thread() is threading.main_thread())
            ),
            threads=3,
        )
    finally:
        loader._ingest_file = original
    assert len(threads_seen) == 3
    assert [o.file_name for o in outcomes] == [
        path.name for path, _ in loader.landing_files(data_settings, BUDGET)
    ]
    assert handed == [(o.file_name, True) for o in outcomes]  # in landing order
    assert con.execute(
        "SELECT aar, sum(beloeb)::DOUBLE FROM raw.budget GROUP BY 1 ORDER BY 1"
    ).fetchall() == [(year, float(year)) for year in range(2019, 2025)] + [(2025, 2000.0)]
    assert con.execute(
        "SELECT file_name, status FROM meta.file_ledger WHERE raw_table = 'budget' "
        "AND file_name LIKE 'budget_2025%' ORDER BY 1"
    ).fetchall() == [
        ("budget_2025_20250110.csv", "superseded"),
        ("budget_2025_20250610.csv", "loaded"),
    ]


def test_a_failing_file_fails_the_load_and_the_other_slots_stay_whole(con, data_settings):
    """An error while one file loads reaches the caller; files other connections committed
    stay loaded and recorded, and the failed file is neither (a rerun loads it)."""
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    for month in ("202501", "202502", "202503", "202504"):
        _postings(data_settings, month, [f"{month};05-{month[4:]}-2025;0111;5.25.11;1;;10;x"])

    def failing(table):
        if table.column("bilagsnr")[0].as_py() == "202503":
            raise RuntimeError("the March file cannot be read")
        return table

    with pytest.raises(RuntimeError, match="March"):
        loader.ingest(
            con,
            POSTINGS,
            data_settings,
            "run-test",
            transform=failing,
            log=lambda m: None,
            threads=2,
        )
    recorded = dict(
        con.execute(
            "SELECT file_name, status FROM meta.file_ledger WHERE raw_table = 'posteringer'"
        ).fetchall()
    )
    assert "posteringer_202503.csv" not in recorded
    assert set(recorded.values()) <= {"loaded"}
    loaded_months = {
        month
        for (month,) in con.execute(
            "SELECT DISTINCT regnskabsmaaned FROM raw.posteringer"
        ).fetchall()
    }
    assert loaded_months == {name[12:16] + "-" + name[16:18] for name in recorded}
    outcomes = _ingest(con, data_settings, POSTINGS)
    assert {o.file_name: o.status for o in outcomes}["posteringer_202503.csv"] == "loaded"
    assert con.execute("SELECT count(*) FROM raw.posteringer").fetchall() == [(4,)]


def test_one_bad_row_in_200_is_rejected_with_file_line_column(con, data_settings):
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    rows = [f"{i};05-01-2025;0111;5.25.11;1;;10;x" for i in range(199)]
    rows.insert(50, "bad;05-01-2025;9999;5.25.11;1;;10;x")
    _postings(data_settings, "202501", rows)
    [outcome] = _ingest(con, data_settings, POSTINGS)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("loaded", 199, 1)
    assert con.execute(
        "SELECT file_name, line_number, column_name, value, reason FROM meta.rejected_rows"
    ).fetchall() == [
        (
            "posteringer_202501.csv",
            52,
            "omkostningssted",
            "9999",
            "unknown cost centre (not in the organisation snapshot)",
        )
    ]


def test_more_than_one_percent_rejected_quarantines_the_file(con, data_settings):
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    rows = [f"{i};05-01-2025;0111;5.25.11;1;;10;x" for i in range(98)]
    rows += ["98;05-01-2025;0111;5.25.11;1;;ti kroner;x", "99;05-02-2025;0111;5.25.11;1;;10;x"]
    _postings(data_settings, "202501", rows)
    [outcome] = _ingest(con, data_settings, POSTINGS)
    assert outcome.status == "quarantined"
    assert "line 100, column beloeb ('ti kroner'): not a Danish decimal number" in outcome.reason
    assert "line 101, column posteringsdato ('05-02-2025'): posting date outside" in outcome.reason
    assert con.execute("SELECT count(*) FROM raw.posteringer").fetchone()[0] == 0
    reason_file = next(data_settings.quarantine_dir.glob("*.reason.txt"))
    assert "posteringer_202501.csv" in reason_file.read_text()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (ORGANISATION_ROWS + ["0200;Anden rod;;kommune;;"], "exactly one root"),
        (ORGANISATION_ROWS[:1] + ["0300;A;0301;center;;", "0301;B;0300;center;;"], "cycle"),
        (
            ORGANISATION_ROWS + ["0130;Løs;0999;center;;"],
            "overordnet 0999 of 0130 is not in the file",
        ),
        (
            ORGANISATION_ROWS + ["0111;Igen;0110;enhed;;"],
            "omkostningssted 0111 appears on lines 4, 8",
        ),
    ],
)
def test_broken_organisation_tree_is_quarantined(con, data_settings, rows, message):
    _org(data_settings, rows)
    [outcome] = _ingest(con, data_settings, ORGANISATION)
    assert outcome.status == "quarantined"
    assert message in outcome.reason


def test_budget_year_must_match_file_name(con, data_settings):
    _org(data_settings)
    _ingest(con, data_settings, ORGANISATION)
    write_export(
        data_settings.landing_dir / "oekonomi" / "budget_2025_20250110.csv",
        "aar;omkostningssted;funktion;dranst;budgettype;beloeb",
        ["2024;0111;5.25.11;1;OPR;1"],
    )
    [outcome] = _ingest(con, data_settings, BUDGET)
    assert outcome.status == "quarantined"
    assert "aar must equal the year 2025 in the file name" in outcome.reason


def test_landing_files_are_hashed_each_with_its_own_digest_in_spec_order(data_settings):
    import hashlib

    _org(data_settings)
    for month in ("202502", "202501", "202503"):
        _postings(data_settings, month, [f"B{month};05-01-2025;0110;5.25.11;1;1.000,00;t"])
    listed = loader.landing_tables(data_settings)
    expected = [
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        for spec in ALL_SPECS
        for path, _ in loader.landing_files(data_settings, spec)
    ]
    assert [(name, sha) for name, sha, _ in listed] == expected
    assert [name for name, _, _ in listed] == [
        "organisation_20250105.csv",
        "posteringer_202501.csv",
        "posteringer_202502.csv",
        "posteringer_202503.csv",
    ]
    assert len({sha for _, sha, _ in listed}) == 4
    assert {tables for name, _, tables in listed if name.startswith("post")} == {("posteringer",)}
