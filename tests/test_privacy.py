"""Personal data at rest (docs/privacy.md): no CPR number in anything Maalbar keeps, the kept
copies of HR files pseudonymised byte for byte, owner-only files, and the retention period.

The slow tests run `maalbar` on the S demo as tests/test_reliability.py does."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.defs.ingest.personale import ANSAETTELSER
from dagster_project.lib import ledger, loader, modes, retention
from dagster_project.lib.config import DBT_PROJECT_DIR
from dagster_project.lib.pseudonym import pseudonymise_value
from dagster_project.lib.withdraw import withdraw
from tests.conftest import (
    MAALBAR,
    ORGANISATION_HEADER,
    ORGANISATION_ROWS,
    maalbar_env,
    write_export,
)
from tests.test_reliability import marts_content

KEY = "test-key-not-secret"  # conftest.maalbar_env's
HEADER = (
    "ansaettelsesnr;cpr;omkostningssted;stillingskategori;loenform;elev;"
    "beskaeftigelsesgrad;startdato;slutdato;fratraedelsesaarsag"
)
TOKEN = re.compile(rb"(?<![0-9])([0-9]{6})-?([0-9]{4})(?![0-9])")


# --- Finding CPR numbers ------------------------------------------------------------------


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def landed_cprs(landing: Path) -> set[str]:
    """The ten digits of every CPR value in the landing folder's employment files."""
    numbers = set()
    for path in (landing / "personale").glob("ansaettelser_*.csv"):
        reader = csv.DictReader(io.StringIO(_text(path.read_bytes())), delimiter=";")
        numbers |= {row["cpr"].strip().replace("-", "") for row in reader if row["cpr"]}
    return numbers


def _tokens(data: bytes) -> set[str]:
    return {(found.group(1) + found.group(2)).decode() for found in TOKEN.finditer(data)}


def _duckdb_hits(con: duckdb.DuckDBPyConnection, numbers: set[str], source: str) -> list[str]:
    """Every column of every table or view of the open DuckDB database (or the Parquet file
    `source` when given as read_parquet), as text, searched for the numbers."""
    con.execute("CREATE OR REPLACE TEMP TABLE cprs (t VARCHAR)")
    con.executemany("INSERT INTO cprs VALUES (?)", [[n] for n in sorted(numbers)])
    if source.startswith("read_parquet"):
        relations = [
            (source, [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()])
        ]
    else:
        relations = []
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND NOT temporary "
            "UNION SELECT schema_name, view_name FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal AND NOT temporary"
        ).fetchall():
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = "
                    "current_database() AND schema_name = ? AND table_name = ?",
                    [schema, table],
                ).fetchall()
            ]
            relations.append((f'"{schema}"."{table}"', columns))
    hits = []
    for relation, columns in relations:
        for column in columns:
            found = con.execute(
                f"""SELECT count(*) FROM (
                    SELECT replace(unnest(regexp_extract_all(CAST("{column}" AS VARCHAR),
                        '[0-9]{{6}}-?[0-9]{{4}}')), '-', '') AS t FROM {relation}
                ) JOIN cprs USING (t)"""
            ).fetchone()[0]
            if found:
                hits.append(f"{relation}.{column}: {found}")
    return hits


def _sqlite_hits(path: Path, numbers: set[str]) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    hits = []
    try:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    data = value if isinstance(value, bytes) else str(value).encode()
                    if _tokens(data) & numbers:
                        hits.append(f"{path}:{table}")
    finally:
        con.close()
    return hits


def cpr_findings(root: Path, numbers: set[str]) -> tuple[list[str], dict[str, int]]:
    """(where a number was found, how many files of each kind were read) under root:
    DuckDB and Parquet files read through DuckDB, SQLite files through sqlite3, and every
    file as bytes too."""
    hits, kinds = [], {"duckdb": 0, "parquet": 0, "sqlite": 0, "bytes": 0}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        kinds["bytes"] += 1
        if _tokens(data) & numbers:
            hits.append(f"{path} (bytes)")
        if data.startswith(b"SQLite format 3\x00"):
            kinds["sqlite"] += 1
            hits += _sqlite_hits(path, numbers)
        elif data[8:12] == b"DUCK":
            kinds["duckdb"] += 1
            con = duckdb.connect(str(path), read_only=True)
            try:
                hits += [f"{path}: {hit}" for hit in _duckdb_hits(con, numbers, "")]
            finally:
                con.close()
        elif path.suffix == ".parquet":
            kinds["parquet"] += 1
            con = duckdb.connect()
            try:
                source = f"read_parquet('{path}')"
                hits += [f"{path}: {hit}" for hit in _duckdb_hits(con, numbers, source)]
            finally:
                con.close()
    return hits, kinds


@pytest.mark.slow
def test_no_file_under_the_data_folder_holds_a_cpr_number_of_the_landed_files(
    reference_run, demo_landing
):
    numbers = landed_cprs(demo_landing)
    assert len(numbers) > 1000
    hits, kinds = cpr_findings(reference_run, numbers)
    assert hits == []
    # Nor the key, which only the environment of the run holds.
    for path in reference_run.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert KEY.encode() not in path.read_bytes(), path
    # Every kind of file was read: the warehouse and publication, the Parquet export, the
    # run history, and the kept copies with the logs and documents as bytes.
    assert kinds["duckdb"] >= 2 and kinds["parquet"] >= 10 and kinds["sqlite"] >= 1
    assert kinds["bytes"] > 100
    # dbt's artefacts live beside the project: compiled SQL, run results, the manifest with
    # the unit tests' fixtures.
    target = DBT_PROJECT_DIR / "target"
    assert any(target.rglob("run_results.json"))
    hits, _ = cpr_findings(target, numbers)
    assert hits == []


@pytest.mark.slow
def test_every_file_and_folder_of_a_run_is_its_owner_s_only(reference_run):
    checked = 0
    for path in [reference_run, *reference_run.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path}: {mode:o}"
        checked += 1
    assert checked > 100


def test_published_files_follow_the_access_of_the_published_folder(tmp_path):
    published = tmp_path / "published"
    export = published / "parquet-x"
    export.mkdir(parents=True)
    (export / "kpi_values.parquet").write_bytes(b"x")
    database = published / "maalbar.duckdb"
    database.write_bytes(b"x")
    os.chmod(published, 0o700)
    modes.open_like(database, published)
    modes.open_like(export, published)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(export.stat().st_mode) == 0o700
    os.chmod(published, 0o2750)  # opened to a BI reader group (docs/operations.md)
    modes.open_like(database, published)
    modes.open_like(export, published)
    assert stat.S_IMODE(database.stat().st_mode) == 0o640
    assert stat.S_IMODE(export.stat().st_mode) == 0o750
    assert stat.S_IMODE((export / "kpi_values.parquet").stat().st_mode) == 0o640


def test_the_publication_leaves_out_the_values_of_rejected_person_level_rows(data_settings):
    from dagster_project.defs.publish import _published_columns

    con = duckdb.connect(str(data_settings.warehouse_path))
    try:
        loader.ensure_tables(con, ALL_SPECS)
        for name, table in (
            ("posteringer_202501.csv", "posteringer"),
            ("fravaer_2025_x.csv", "fravaer"),
        ):
            ledger.record(con, name, "s", source="x", raw_table=table, status=ledger.LOADED)
            con.execute(
                "INSERT INTO meta.rejected_rows VALUES (?, 's', 2, 'c', '0040001', 'bad', 'r')",
                [name],
            )
    finally:
        con.close()
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{data_settings.warehouse_path}' AS wh (READ_ONLY)")
        assert con.execute(
            f"SELECT file_name, value FROM (SELECT * {_published_columns('meta', 'rejected_rows')} "
            "FROM wh.meta.rejected_rows) ORDER BY 1"
        ).fetchall() == [("fravaer_2025_x.csv", None), ("posteringer_202501.csv", "0040001")]
    finally:
        con.close()


# --- The kept copy of an HR file, byte for byte ----------------------------------------------

VALID = [f"{day:02d}0385-{999 + day:04d}" for day in range(1, 29)]
# Rows as a template: {n} is the n-th CPR-shaped value, each where a source system may put it.
SPECIAL = [
    '9000001;"{0}";0111;"Pæda;gog";MDR;N;1;01-01-2020;;',  # quoted CPR, quoted delimiter
    "9000002; {1} ;0112;Pædagog;MDR;N;1;01-01-2020;;",  # blanks around it
    '9000003;{2};0111;"Social- og\nsundhedshjælper";MDR;N;1;01-01-2020;;',  # a quoted line
    "9000004;{3};0121;Vikar for {4};MDR;N;1;01-01-2020;;",  # a CPR number in a text column
    "9000005;{5};0111",  # too few fields: a bad line, holding a CPR number
]
INVALID = "310285-1234"  # 31 February: no CPR number


def _template(newline: str, quotes: bool) -> tuple[str, list[str]]:
    rows = [f"{n:07d};{{{6 + n % 20}}};0111;Pædagog;MDR;N;0,8919;01-01-2020;;" for n in range(400)]
    rows.insert(7, "9000006;{26};0112;Pædagog;MDR;N;1;01-01-2020;;")  # the invalid one
    special = SPECIAL if quotes else [row for row in SPECIAL if '"' not in row]
    lines = [HEADER, *special[:-2], *rows[:200], *special[-2:], *rows[200:]]
    values = VALID[:26] + [INVALID]
    return newline.join(lines) + newline, values


INVALID_DATE = "the first six digits of the CPR number are not a date"


def _line_of(data: bytes, start: bytes) -> int:
    """The physical line (header = 1) of the row starting with `start`."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return text[: text.index("\n" + start.decode())].count("\n") + 2


def _pseudonymised_values(values: list[str]) -> list[str]:
    """What the copy holds for each value: its pseudonym, or the reason it is none. ({4}
    stands in a text column: only the number in it is replaced, the text kept.)"""
    return [pseudonymise_value(value, KEY.encode()) for value in values]


@pytest.mark.parametrize(
    "encoding, newline, quotes",
    [
        ("utf-8-sig", "\r\n", True),
        ("cp1252", "\n", True),
        ("utf-8", "\n", True),
        ("cp1252", "\r\n", False),  # the common export: no quotes at all
        ("utf-8", "\n", False),
    ],
)
def test_the_kept_copy_is_the_delivered_file_with_pseudonyms_and_nothing_else(
    data_settings, monkeypatch, encoding, newline, quotes
):
    monkeypatch.setenv("MAALBAR_PSEUDONYM_KEY", KEY)
    template, values = _template(newline, quotes)
    # The line break inside the quoted field follows the file's own.
    template = template.replace("og\nsundhed", f"og{newline}sundhed")
    delivered = template.format(*values).encode(encoding)
    expected = template.format(*_pseudonymised_values(values)).encode(encoding)
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    path = data_settings.landing_dir / "personale" / "ansaettelser_20250205.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(delivered)
    con = duckdb.connect(str(data_settings.warehouse_path))
    try:
        loader.ensure_tables(con, ALL_SPECS)
        loader.ingest(con, ORGANISATION, data_settings, "r", log=lambda m: None)
        [outcome] = loader.ingest(con, ANSAETTELSER, data_settings, "r", log=lambda m: None)
        assert (outcome.status, outcome.rows_rejected) == ("loaded", 2)
        copy_path, sha, copy_sha = con.execute(
            "SELECT raw_copy, file_sha256, raw_copy_sha256 FROM meta.file_ledger "
            "WHERE raw_table = 'ansaettelser'"
        ).fetchone()
        copy = Path(copy_path).read_bytes()
        # Byte for byte: encoding, byte order mark, quotes, blanks and line breaks kept.
        assert copy == expected
        assert sha == hashlib.sha256(delivered).hexdigest()
        assert copy_sha == hashlib.sha256(copy).hexdigest() != sha
        # Cell by cell, as a spreadsheet or the csv module reads them: only the CPR cells differ.
        originals = list(csv.reader(io.StringIO(_text(delivered), newline=""), delimiter=";"))
        kept = list(csv.reader(io.StringIO(_text(copy), newline=""), delimiter=";"))
        assert len(originals) == len(kept) == (407 if quotes else 405)
        key = KEY.encode()
        for original, row in zip(originals, kept, strict=True):
            assert len(original) == len(row)
            for index, (cell, kept_cell) in enumerate(zip(original, row, strict=True)):
                if original is not originals[0] and index == 1:
                    assert kept_cell.strip() == pseudonymise_value(cell, key)
                elif "Vikar for" in cell:
                    assert kept_cell == "Vikar for " + pseudonymise_value(values[4], key)
                else:
                    assert kept_cell == cell
        # The warehouse agrees with the copy, and neither holds a CPR number.
        assert con.execute(
            "SELECT stillingskategori FROM raw.ansaettelser WHERE ansaettelsesnr = '9000004'"
        ).fetchone()[0] == "Vikar for " + pseudonymise_value(values[4], key)
        for value in VALID[:26]:
            assert value.encode() not in copy and value.replace("-", "").encode() not in copy
        # A rejected CPR value is named by its line and column, never echoed.
        assert con.execute(
            "SELECT line_number, column_name, value, reason FROM meta.rejected_rows ORDER BY 1"
        ).fetchall() == [
            (_line_of(delivered, b"9000006"), "cpr", None, INVALID_DATE),
            (_line_of(delivered, b"9000005"), None, None, "has 3 fields, the header has 10"),
        ]
        before = con.execute("SELECT * FROM raw.ansaettelser ORDER BY ALL").fetchall()
    finally:
        con.close()
    # A withdrawal falls back on the kept copy: the rows are those the delivered file gave.
    newer = data_settings.landing_dir / "personale" / "ansaettelser_20250305.csv"
    newer.write_bytes(delivered.replace(b"9000001", b"9000007"))
    con = duckdb.connect(str(data_settings.warehouse_path))
    try:
        outcomes = loader.ingest(con, ANSAETTELSER, data_settings, "r2", log=lambda m: None)
        assert [o.status for o in outcomes] == ["unchanged", "loaded"]
    finally:
        con.close()
    done = withdraw(data_settings, str(newer), "wrong export", by="test")
    assert done.reloaded == [("ansaettelser_20250205.csv", len(originals) - 3)]
    con = duckdb.connect(str(data_settings.warehouse_path))
    try:
        assert con.execute("SELECT * FROM raw.ansaettelser ORDER BY ALL").fetchall() == before
    finally:
        con.close()


def _ingest(settings, spec, name: str, data: bytes):
    path = settings.landing_dir / spec.source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        loader.ensure_tables(con, ALL_SPECS)
        [outcome] = [
            o
            for o in loader.ingest(con, spec, settings, "r", log=lambda m: None)
            if o.file_name == name
        ]
        row = con.execute(
            "SELECT status, reason, raw_copy, raw_copy_sha256 FROM meta.file_ledger "
            "WHERE file_name = ?",
            [name],
        ).fetchone()
        rejected = con.execute(
            "SELECT line_number, column_name, value, reason FROM meta.rejected_rows "
            "WHERE file_name = ?",
            [name],
        ).fetchall()
    finally:
        con.close()
    return outcome, row, rejected


@pytest.fixture
def hr_settings(data_settings, monkeypatch):
    monkeypatch.setenv("MAALBAR_PSEUDONYM_KEY", KEY)
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    con = duckdb.connect(str(data_settings.warehouse_path))
    loader.ensure_tables(con, ALL_SPECS)
    loader.ingest(con, ORGANISATION, data_settings, "r", log=lambda m: None)
    con.close()
    return data_settings


MALFORMED = ["0103851-234", "010385-12345", "3203851234", "01038512", "O10385-1234", "010385_1234"]


def test_a_quarantined_hr_file_is_kept_pseudonymised_and_names_no_cpr(hr_settings):
    rows = [f"{n:07d};{VALID[n % 26]};0111;Pædagog;MDR;N;1;01-01-2020;;" for n in range(20)]
    rows += [
        f"{90 + n:07d};{bad};0111;Pædagog;MDR;N;1;01-01-2020;;" for n, bad in enumerate(MALFORMED)
    ]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    outcome, (status, reason, raw_copy, copy_sha), rejected = _ingest(
        hr_settings, ANSAETTELSER, "ansaettelser_20250205.csv", data
    )
    assert outcome.status == status == ledger.QUARANTINED
    # Every malformed value is reported by its line and column, none echoed.
    assert [(line, column, value) for line, column, value, _ in rejected] == [
        (22 + n, "cpr", None) for n in range(len(MALFORMED))
    ]
    assert "line 22, column cpr: not a CPR number" in reason
    sha = hashlib.sha256(data).hexdigest()
    quarantined = hr_settings.quarantine_dir / f"{sha[:16]}_ansaettelser_20250205.csv"
    for kept in (Path(raw_copy), quarantined):
        kept_bytes = kept.read_bytes()
        assert not _tokens(kept_bytes) & {v.replace("-", "") for v in VALID}
        for bad in MALFORMED:
            assert bad.encode() not in kept_bytes
        assert kept_bytes.count(b";invalid: ") == len(MALFORMED)
    assert copy_sha == hashlib.sha256(Path(raw_copy).read_bytes()).hexdigest()
    reason_text = loader.quarantine_reason_file(hr_settings, outcome.file_name, sha).read_text()
    for value in [*VALID, *MALFORMED]:
        assert value not in reason_text and value not in reason


def test_an_hr_file_that_cannot_be_parsed_is_kept_as_name_hash_and_reason_only(hr_settings):
    # No header row: its first row is read as the header and would be echoed in the reason.
    rows = [f"{n:07d};{VALID[n]};0111;Pædagog;MDR;N;1;01-01-2020;;" for n in range(5)]
    data = ("\n".join(rows) + "\n").encode()
    outcome, (status, reason, raw_copy, copy_sha), _ = _ingest(
        hr_settings, ANSAETTELSER, "ansaettelser_20250205.csv", data
    )
    assert status == ledger.QUARANTINED and raw_copy is None and copy_sha is None
    assert "missing required column(s)" in reason and "[CPR]" in reason
    sha = hashlib.sha256(data).hexdigest()
    kept = sorted(p.name for p in hr_settings.quarantine_dir.iterdir())
    assert kept == [f"{sha[:16]}_ansaettelser_20250205.csv.reason.txt"]
    assert not list((hr_settings.raw_copy_dir / "personale").glob("*"))
    reason_text = (hr_settings.quarantine_dir / kept[0]).read_text()
    assert sha in reason_text
    for value in VALID[:5]:
        assert value not in reason_text and value not in reason


# --- End to end: a data folder written the old way, bad inputs, the retention period -----------


def _run(data: Path, landing: Path, **extra) -> subprocess.CompletedProcess:
    env = {**maalbar_env(data, landing), **extra}
    for name, value in extra.items():
        if value is None:
            env.pop(name)
    return subprocess.run([MAALBAR, "run"], env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_a_run_with_bad_hr_files_keeps_no_cpr_number_anywhere(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_export(
        landing / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    rows = [f"{n:07d};{VALID[n % 26]};0111;Pædagog;MDR;N;1;01-01-2020;;" for n in range(20)]
    rows += [
        f"{90 + n:07d};{bad};0111;Pædagog;MDR;N;1;01-01-2020;;" for n, bad in enumerate(MALFORMED)
    ]
    write_export(landing / "personale" / "ansaettelser_20250205.csv", HEADER, rows)
    # Another extraction without its header row, which cannot be parsed.
    path = landing / "personale" / "ansaettelser_20250305.csv"
    path.write_bytes(("\n".join(rows[:3]) + "\n").encode())
    result = _run(data, landing)
    assert result.returncode == 1
    assert "ansaettelser_20250205.csv quarantined" in result.stderr
    assert "ansaettelser_20250305.csv quarantined" in result.stderr
    numbers = {v.replace("-", "") for v in VALID}
    assert not _tokens((result.stdout + result.stderr).encode()) & numbers
    hits, kinds = cpr_findings(data, numbers)
    assert hits == [] and kinds["sqlite"] >= 1 and kinds["duckdb"] >= 1
    for bad in MALFORMED:
        for file in data.rglob("*"):
            if file.is_file():
                assert bad.encode() not in file.read_bytes(), file


def _make_old(data: Path, landing: Path) -> None:
    """The data folder as an earlier version left it: untouched copies of the HR files,
    messages that echoed a CPR number, a ledger without the kept copies' hashes, no
    retention tables, and the default modes."""
    con = duckdb.connect(str(data / "warehouse" / "maalbar.duckdb"))
    try:
        for name, sha in con.execute(
            "SELECT file_name, file_sha256 FROM meta.file_ledger WHERE raw_table = 'ansaettelser'"
        ).fetchall():
            old_copy = data / "raw" / "personale" / f"{sha[:16]}_{name}"
            old_copy.write_bytes((landing / "personale" / name).read_bytes())
        con.execute(
            "UPDATE meta.file_ledger SET reason = 'header has 010385-1000' "
            "WHERE file_name LIKE 'organisation%'"
        )
        for column in ("raw_copy_sha256", "trimmed_before", "rows_purged"):
            con.execute(f"ALTER TABLE meta.file_ledger DROP COLUMN {column}")
        for table in (
            "migrations",
            "retention_cutoffs",
            "frozen_kpi_values",
            "retention_fingerprints",
        ):
            con.execute(f"DROP TABLE meta.{table}")
    finally:
        con.close()
    (data / "quarantine" / "0000_ansaettelser_20240101.csv.reason.txt").write_text(
        "header has 0000001;010385-1000;0111\n"
    )
    for path in [data, *data.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.mark.slow
def test_a_data_folder_written_the_old_way_is_upgraded_by_the_next_run(
    tmp_path, reference_run, demo_landing
):
    data = tmp_path / "data"
    shutil.copytree(reference_run, data, symlinks=True)
    _make_old(data, demo_landing)
    numbers = landed_cprs(demo_landing) | {"0103851000"}
    assert cpr_findings(data, numbers)[0]  # the old way: the copies hold CPR numbers
    # Without the key the copies cannot be pseudonymised: the run says so and stops.
    refused = _run(data, demo_landing, MAALBAR_PSEUDONYM_KEY=None)
    assert refused.returncode == 1 and "MAALBAR_PSEUDONYM_KEY is not set" in refused.stderr
    assert cpr_findings(data / "raw", numbers)[0]
    result = _run(data, demo_landing)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "upgrade: 2 kept copies of HR files now hold pseudonyms" in result.stdout
    hits, _ = cpr_findings(data, numbers)
    assert hits == []
    # The copies are what a run writes now, and the ledger knows both hashes.
    for copy in (reference_run / "raw" / "personale").glob("*ansaettelser*"):
        assert (data / "raw" / "personale" / copy.name).read_bytes() == copy.read_bytes()
    con = duckdb.connect(str(data / "warehouse" / "maalbar.duckdb"), read_only=True)
    try:
        for name, sha, copy, copy_sha in con.execute(
            "SELECT file_name, file_sha256, raw_copy, raw_copy_sha256 FROM meta.file_ledger "
            "WHERE raw_table = 'ansaettelser'"
        ).fetchall():
            assert (
                sha == hashlib.sha256((demo_landing / "personale" / name).read_bytes()).hexdigest()
            )
            assert copy_sha == hashlib.sha256(Path(copy).read_bytes()).hexdigest() != sha
    finally:
        con.close()
    for path in [data, *data.rglob("*")]:
        if path.is_symlink() or data / "published" in [path, *path.parents]:
            continue
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert marts_content(data / "published" / "maalbar.duckdb") == marts_content(
        reference_run / "published" / "maalbar.duckdb"
    )


# The retention period: two deliveries, the first without the newest HR extraction and survey
# round. Twelve months before the horizons: the HR cutoff moves from 2025-05-01 to 2025-10-01,
# the survey's from 2025-06-01 to 2025-09-01.
RETENTION_MONTHS = "12"
HELD_BACK = [
    "personale/ansaettelser_20261105.csv",
    "personale/fravaer_2025_20261105.csv",
    "personale/fravaer_2026_20261105.csv",
    "feedback/besvarelser_202609.csv",
    "feedback/inviterede_202609.csv",
]
CUTOFFS = {"personale": dt.date(2025, 10, 1), "besvarelser": dt.date(2025, 9, 1)}


def _window_start(periode: str, periodetype: str, months: int) -> dt.date:
    """The first day of a period's window: its first day, or for a monthly turnover figure
    the first day of the twelve months ending with it (docs/kpis.md)."""
    if periodetype == "aar":
        return dt.date(int(periode), 1, 1)
    index = int(periode[:4]) * 12 + int(periode[5:7]) - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _frozen_rows(published: Path) -> dict[tuple, tuple]:
    """The published person-level KPI rows whose window starts before the second cutoff."""
    kpis = retention.person_level_kpis()
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "SELECT kpi_id, omkostningssted, periode, periodetype, vaerdi, taeller, naevner, "
            "undertrykt FROM marts.kpi_values"
        ).fetchall()
    finally:
        con.close()
    return {
        row[:3]: row
        for row in rows
        if row[0] in kpis
        and _window_start(row[2], row[3], kpis[row[0]][1]) < CUTOFFS[kpis[row[0]][0]]
    }


def _ended_before(landing: Path) -> tuple[set[str], set[str]]:
    """Employment numbers of the employments that ended before the HR cutoff, and the
    pseudonyms of the persons with no other employment."""
    ended, kept, ended_persons, kept_persons = set(), set(), set(), set()
    key = KEY.encode()
    for path in (landing / "personale").glob("ansaettelser_*.csv"):
        for row in csv.DictReader(io.StringIO(_text(path.read_bytes())), delimiter=";"):
            person = pseudonymise_value(row["cpr"], key)
            end = row["slutdato"] and dt.datetime.strptime(row["slutdato"], "%d-%m-%Y").date()
            if end and end < CUTOFFS["personale"]:
                ended.add(row["ansaettelsesnr"])
                ended_persons.add(person)
            else:
                kept.add(row["ansaettelsesnr"])
                kept_persons.add(person)
    return ended - kept, ended_persons - kept_persons


def _columns(con, names: set[str]) -> list[tuple[str, str]]:
    """(relation, columns) of every table whose columns include all of `names`."""
    found = {}
    for schema, table, column in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database()"
    ).fetchall():
        found.setdefault(f'"{schema}"."{table}"', set()).add(column)
    return [relation for relation, columns in found.items() if names <= columns]


@pytest.mark.slow
def test_retention_deletes_person_rows_before_the_cutoff_and_keeps_the_published_figures(
    tmp_path, demo_landing
):
    first, second, data = tmp_path / "first", tmp_path / "second", tmp_path / "data"
    shutil.copytree(demo_landing, first)
    for name in HELD_BACK:
        (first / name).unlink()
    shutil.copytree(demo_landing, second)
    # A re-delivered survey round that lies wholly before the cutoff: recorded, not loaded.
    old_round = second / "feedback" / "besvarelser_202503.csv"
    old_round.write_bytes(old_round.read_bytes().replace(b";4\n", b";5\n", 3))
    result = _run(data, first, MAALBAR_OPBEVARING_MAANEDER=RETENTION_MONTHS)
    assert result.returncode == 0, result.stderr[-3000:]
    before = _frozen_rows(data / "published" / "maalbar.duckdb")
    assert len(before) > 1000
    os.chmod(data / "published", 0o2750)  # opened to a BI reader group (docs/operations.md)
    result = _run(data, second, MAALBAR_OPBEVARING_MAANEDER=RETENTION_MONTHS)
    assert result.returncode == 0, result.stderr[-3000:]
    published = data / "published" / "maalbar.duckdb"
    # The figures of every period whose window reaches before the cutoff, exactly as published;
    # none computed again, and the newer absence extraction that would change them is a warning.
    assert _frozen_rows(published) == before
    assert "fravaer_2025_20261105.csv: other fravaer rows for 5 months from 2025-05 to 2025-09" in (
        result.stdout
    )
    # Later periods are computed from the new deliveries.
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert (
            con.execute(
                "SELECT max(periode) FROM marts.kpi_values WHERE kpi_id = 'sygefravaer_pct'"
            ).fetchone()[0]
            == "2026-10"
        )
    finally:
        con.close()
    assert stat.S_IMODE(published.stat().st_mode) == 0o640
    ended, gone_persons = _ended_before(demo_landing)
    assert len(ended) > 100 and len(gone_persons) > 50
    for database in (data / "warehouse" / "maalbar.duckdb", published):
        con = duckdb.connect(str(database), read_only=True)
        try:
            checks = 0
            for relation in _columns(con, {"ansaettelsesnr"}):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM {relation} "
                        "WHERE ansaettelsesnr IN (SELECT unnest(?))",
                        [sorted(ended)],
                    ).fetchone()[0]
                    == 0
                ), relation
                checks += 1
            for relation in _columns(con, {"person_id"}):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM {relation} WHERE person_id IN (SELECT unnest(?))",
                        [sorted(gone_persons)],
                    ).fetchone()[0]
                    == 0
                ), relation
            for relation in _columns(con, {"ansaettelsesnr", "til_dato"}):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM {relation} WHERE til_dato < ?",
                        [CUTOFFS["personale"]],
                    ).fetchone()[0]
                    == 0
                ), relation
            for relation in _columns(con, {"ansaettelsesnr", "maaned"}):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM {relation} WHERE maaned < '2025-10'"
                    ).fetchone()[0]
                    == 0
                ), relation
            for relation in _columns(con, {"besvarelse_id", "runde"}):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM {relation} WHERE runde < '2025-09'"
                    ).fetchone()[0]
                    == 0
                ), relation
                checks += 1
            if database != published:
                assert checks >= 4  # raw and intermediate tables of both sources
                ledger_rows = con.execute(
                    "SELECT file_name, file_sha256, status, raw_copy, raw_copy_sha256, "
                    "trimmed_before FROM meta.file_ledger WHERE raw_table IN "
                    "('ansaettelser', 'fravaer', 'besvarelser')"
                ).fetchall()
        finally:
            con.close()
    # The kept copies lost the same rows, every other row on its line; the ledger keeps each
    # delivered file's SHA-256.
    copies, expired = 0, []
    for name, sha, status, copy, copy_sha, trimmed in ledger_rows:
        source = next(spec.source for spec in ALL_SPECS if spec.match(name))
        landed = {
            hashlib.sha256(path.read_bytes()).hexdigest(): path
            for path in (first / source / name, second / source / name)
            if path.exists()
        }
        assert sha in landed
        if status == ledger.EXPIRED:
            expired.append(name)
            assert copy is None
        if copy is None:
            continue
        copies += 1
        kept = Path(copy).read_bytes()
        assert copy_sha == hashlib.sha256(kept).hexdigest() and trimmed is not None
        for row in csv.DictReader(io.StringIO(_text(kept)), delimiter=";"):
            for column in ("slutdato", "til_dato"):
                if row.get(column):
                    ended_on = dt.datetime.strptime(row[column], "%d-%m-%Y").date()
                    assert ended_on >= CUTOFFS["personale"]
            assert row.get("ansaettelsesnr") not in ended
        kept_lines = _text(kept).splitlines()
        delivered_lines = _text(landed[sha].read_bytes()).splitlines()
        assert len(kept_lines) == len(delivered_lines)
        emptied = 0
        for line, delivered_line in zip(kept_lines, delivered_lines, strict=True):
            if line:
                assert line.split(";")[0] == delivered_line.split(";")[0]
            else:
                emptied += bool(delivered_line)
        if name.startswith(("ansaettelser", "fravaer_2025")):
            assert emptied > 0  # rows ended before the cutoff
    assert copies >= 8
    assert expired == ["besvarelser_202503.csv"]
    assert not list((data / "raw" / "feedback").glob("*besvarelser_202503.csv"))
    assert not list((data / "raw" / "feedback").glob("*besvarelser_202506.csv"))
    # Nothing left to delete: the next run with nothing new has nothing to do.
    again = _run(data, second, MAALBAR_OPBEVARING_MAANEDER=RETENTION_MONTHS)
    assert again.returncode == 0 and "the publication is current" in again.stdout
    # A full build from what is left, without the publication to copy from, publishes the
    # frozen figures as they were.
    published.unlink()
    full = _run(
        data, second, MAALBAR_OPBEVARING_MAANEDER=RETENTION_MONTHS, MAALBAR_FULL_REBUILD="1"
    )
    assert full.returncode == 0, full.stderr[-3000:]
    assert _frozen_rows(published) == before
