"""Helpers for running the dbt project against a small DuckDB warehouse in `tmp_path`.

`make_raw_warehouse` creates the `raw` schema exactly as docs/architecture.md describes it
(the ingest assets' tables, lineage columns included), so dbt can be built without running
the ingest. `run_dbt` invokes dbt in-process with its target and log paths under the test's
own directory, so parallel runs never share dbt/target.

For working on the models by hand, `python tests/dbt/raw_warehouse.py PATH` writes the golden
municipality below into a new warehouse at PATH; then, from dbt/:

    MAALBAR_WAREHOUSE_PATH=PATH ../.venv/bin/dbt build --profiles-dir .

dbt unit tests (the `unit_tests:` blocks in models/**/_*__unit_tests.yml) need the model's
parent relations to exist in the warehouse, because dbt reads their column types from it.
Two invocations work, from dbt/ with MAALBAR_WAREHOUSE_PATH pointing at a warehouse that
holds the raw schema:

    ../.venv/bin/dbt build --profiles-dir .     # runs each unit test just before its model

    ../.venv/bin/dbt build --empty --exclude test_type:unit --profiles-dir . \
      && ../.venv/bin/dbt test --select test_type:unit --profiles-dir .

`--empty` creates every relation with zero rows, which is all the unit tests need. A plain
`dbt run --empty` is not enough: it skips the seed, so dim_kpi fails to build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import holidays
import pytest

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt"

LINEAGE_COLUMNS = [
    ("_file_name", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_line_number", "INTEGER"),
]

# The raw tables of docs/architecture.md: name -> columns besides the lineage columns.
RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "organisation": [
        ("omkostningssted", "VARCHAR"),
        ("navn", "VARCHAR"),
        ("overordnet", "VARCHAR"),
        ("niveau", "VARCHAR"),
        ("fagudvalg", "VARCHAR"),
        ("ydelse", "VARCHAR"),
        ("extraction_date", "DATE"),
    ],
    "budget": [
        ("aar", "INTEGER"),
        ("omkostningssted", "VARCHAR"),
        ("funktion", "VARCHAR"),
        ("dranst", "VARCHAR"),
        ("art", "VARCHAR"),
        ("budgettype", "VARCHAR"),
        ("beloeb", "DECIMAL(18,2)"),
        ("extraction_date", "DATE"),
    ],
    "posteringer": [
        ("regnskabsmaaned", "VARCHAR"),
        ("bilagsnr", "VARCHAR"),
        ("posteringsdato", "DATE"),
        ("omkostningssted", "VARCHAR"),
        ("funktion", "VARCHAR"),
        ("dranst", "VARCHAR"),
        ("art", "VARCHAR"),
        ("beloeb", "DECIMAL(18,2)"),
        ("tekst", "VARCHAR"),
    ],
    "befolkning": [
        ("aar", "INTEGER"),
        ("alder", "INTEGER"),
        ("antal", "INTEGER"),
    ],
    "aktivitet": [
        ("maaned", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("ydelse", "VARCHAR"),
        ("antal", "DECIMAL(18,3)"),
        ("enhed", "VARCHAR"),
    ],
    "ansaettelser": [
        ("extraction_date", "DATE"),
        ("ansaettelsesnr", "VARCHAR"),
        ("person_id", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("stillingskategori", "VARCHAR"),
        ("loenform", "VARCHAR"),
        ("elev", "VARCHAR"),
        ("beskaeftigelsesgrad", "DOUBLE"),
        ("startdato", "DATE"),
        ("slutdato", "DATE"),
        ("fratraedelsesaarsag", "VARCHAR"),
    ],
    "fravaer": [
        ("aar", "INTEGER"),
        ("extraction_date", "DATE"),
        ("ansaettelsesnr", "VARCHAR"),
        ("aarsag", "VARCHAR"),
        ("fra_dato", "DATE"),
        ("til_dato", "DATE"),
        ("timer_pr_dag", "DOUBLE"),
    ],
    "kalender": [
        ("dato", "DATE"),
        ("aar", "INTEGER"),
        ("maaned", "VARCHAR"),
        ("er_arbejdsdag", "BOOLEAN"),
        ("helligdag", "VARCHAR"),
    ],
}

# Written by the raw/kalender asset from the holidays package, not from a landing file, so
# there is no file to trace its rows back to.
TABLES_WITHOUT_LINEAGE = {"kalender"}


def make_raw_warehouse(
    path: Path | str, rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None
) -> Path:
    """Create a DuckDB file at `path` with every raw table, filled with `rows` per table.

    A row gives the columns it needs; missing columns are NULL, and missing lineage
    columns get a file name, a dummy SHA-256 and consecutive line numbers.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = rows or {}
    unknown = set(rows) - set(RAW_TABLES)
    if unknown:
        raise ValueError(f"not a raw table: {sorted(unknown)}")
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        for table, columns in RAW_TABLES.items():
            all_columns = columns + ([] if table in TABLES_WITHOUT_LINEAGE else LINEAGE_COLUMNS)
            ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in all_columns)
            con.execute(f"create or replace table raw.{table} ({ddl})")
            names = [name for name, _ in all_columns]
            values = []
            for line_number, row in enumerate(rows.get(table, ()), start=2):
                unexpected = set(row) - set(names)
                if unexpected:
                    raise ValueError(f"raw.{table} has no column {sorted(unexpected)}")
                lineage = {
                    "_file_name": f"{table}_test.csv",
                    "_file_sha256": "0" * 64,
                    "_line_number": line_number,
                }
                values.append([row.get(name, lineage.get(name)) for name in names])
            if values:
                placeholders = ", ".join("?" for _ in names)
                con.executemany(
                    f"insert into raw.{table} ({', '.join(names)}) values ({placeholders})",
                    values,
                )
        # Every other source the ingest writes, empty, with the ingest's own DDL, so that
        # `dbt build` finds every source of the project.
        from dagster_project.defs.ingest.assets import ALL_SPECS
        from dagster_project.lib.loader import ensure_tables

        ensure_tables(con, ALL_SPECS)
    return path


def _rows(columns: str, *values: tuple) -> list[dict]:
    """Rows as dicts from a comma-separated column list and one tuple per row."""
    names = [name.strip() for name in columns.split(",")]
    return [dict(zip(names, row, strict=True)) for row in values]


def _posting(month: str, cost_centre: str, funktion: str, dranst: str, amount: str) -> dict:
    return {
        "regnskabsmaaned": month,
        "bilagsnr": f"{cost_centre}-{month}-{dranst}-{funktion}",
        "posteringsdato": dt.date(int(month[:4]), int(month[5:]), 15),
        "omkostningssted": cost_centre,
        "funktion": funktion,
        "dranst": dranst,
        "beloeb": Decimal(amount),
    }


def golden_rows() -> dict[str, list[dict]]:
    """A tiny municipality whose KPI values are computed by hand in test_dbt_build.py.

    Tree: 0100 Kommune -> 0110 Område A (fagudvalg BU) -> 0111, 0112 (DAGPLEJE);
                       -> 0120 Område B (fagudvalg SU) -> 0121 (HJEMMEPLEJE_TIMER).
    Postings 2023-12 to 2024-02, so the economy horizon is 2024-02.
    """
    snapshot = dt.date(2024, 3, 5)
    organisation = _rows(
        "omkostningssted, navn, overordnet, niveau, fagudvalg, ydelse, extraction_date",
        ("0100", "Kommune", None, "kommune", None, None, snapshot),
        ("0110", "Område A", "0100", "omraade", "BU", None, snapshot),
        ("0111", "Dagpleje Nord", "0110", "enhed", None, "DAGPLEJE", snapshot),
        ("0112", "Dagpleje Syd", "0110", "enhed", None, "DAGPLEJE", snapshot),
        ("0120", "Område B", "0100", "omraade", "SU", None, snapshot),
        ("0121", "Hjemmepleje", "0120", "enhed", None, "HJEMMEPLEJE_TIMER", snapshot),
    )
    posteringer = [
        _posting("2023-12", "0111", "5.25.11", "1", "1000.00"),
        _posting("2023-12", "0121", "5.32.32", "3", "500.00"),
        _posting("2024-01", "0111", "5.25.11", "1", "200.50"),
        _posting("2024-01", "0111", "5.25.11", "2", "-50.50"),
        _posting("2024-01", "0112", "5.25.11", "1", "300.00"),
        _posting("2024-01", "0121", "7.32.10", "1", "400.00"),  # hovedkonto 7
        _posting("2024-01", "0121", "5.32.32", "3", "1000.00"),
        _posting("2024-02", "0112", "5.25.11", "1", "100.00"),
        _posting("2024-02", "0121", "0.25.10", "1", "250.00"),
        _posting("2024-02", "0121", "5.32.32", "4", "999.00"),  # dranst 4: in no KPI
    ]
    extracted_2024, extracted_2025 = dt.date(2024, 1, 10), dt.date(2024, 2, 20)
    budget = _rows(
        "aar, omkostningssted, funktion, dranst, budgettype, beloeb, extraction_date",
        (2024, "0111", "5.25.11", "1", "OPR", Decimal("1000.00"), extracted_2024),
        (2024, "0111", "5.25.11", "1", "TB", Decimal("200.00"), extracted_2024),
        (2024, "0111", "5.25.11", "1", "OVF", Decimal("-100.00"), extracted_2024),
        (2024, "0112", "5.25.11", "1", "OPR", Decimal("900.00"), extracted_2024),
        (2024, "0121", "5.32.32", "1", "OPR", Decimal("2000.00"), extracted_2024),
        (2024, "0121", "5.32.32", "3", "OPR", Decimal("4000.00"), extracted_2024),
        # A budget year after the horizon's year: no KPI row.
        (2025, "0111", "5.25.11", "1", "OPR", Decimal("1234.00"), extracted_2025),
    )
    befolkning = _rows(
        "aar, alder, antal",
        (2023, 0, 240),
        (2024, 0, 100),
        (2024, 1, 150),
        (2025, 0, 260),
    )
    aktivitet = _rows(
        "maaned, omkostningssted, ydelse, antal, enhed",
        ("2024-01", "0111", "DAGPLEJE", Decimal("10"), "barn-måneder"),
        ("2024-02", "0111", "DAGPLEJE", Decimal("12"), "barn-måneder"),
        ("2024-02", "0112", "DAGPLEJE", Decimal("5"), "barn-måneder"),
        ("2024-01", "0121", "HJEMMEPLEJE_TIMER", Decimal("100"), "timer"),
        # After the economy horizon: outside every period.
        ("2024-03", "0111", "DAGPLEJE", Decimal("7"), "barn-måneder"),
    )
    return {
        "organisation": organisation,
        "posteringer": posteringer,
        "budget": budget,
        "befolkning": befolkning,
        "aktivitet": aktivitet,
        **golden_hr_rows(),
    }


def person_id(name: str) -> str:
    """A stand-in for the keyed CPR pseudonym: 64 hex characters, like the real one."""
    return hashlib.sha256(name.encode()).hexdigest()


def kalender_rows(years: Iterable[int]) -> list[dict]:
    """raw.kalender for whole years, built as the raw/kalender asset builds it: a working day
    is Monday to Friday and not one of the holidays package's Danish public holidays, which
    are exactly those of kpis.md (store bededag up to 2023)."""
    years = sorted(years)
    public_holidays = holidays.country_holidays("DK", years=years, language="da")
    day, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    rows = []
    while day <= last:
        helligdag = public_holidays.get(day)
        rows.append(
            {
                "dato": day,
                "aar": day.year,
                "maaned": day.strftime("%Y-%m"),
                "er_arbejdsdag": day.weekday() < 5 and helligdag is None,
                "helligdag": helligdag,
            }
        )
        day += dt.timedelta(days=1)
    return rows


def golden_hr_rows() -> dict[str, list[dict]]:
    """Employments and absence for the golden municipality; figures in test_dbt_build.py.

    Employments extracted 2024-03-05, so the HR horizon is 2024-02-29; the only absence file
    is 2024's, so the HR periods are 2024-01, 2024-02 and 2024 (to the horizon). P1 to P11
    are persons; P6 moves from 0111 to 0112 on 2024-01-15. 0121 has only an hourly-paid
    employee and a trainee, outside the population.
    """
    extracted = dt.date(2024, 3, 5)
    columns = (
        "ansaettelsesnr, person_id, omkostningssted, loenform, elev, beskaeftigelsesgrad,"
        " startdato, slutdato"
    )
    d = dt.date
    employments = _rows(
        columns,
        ("E1", person_id("P1"), "0111", "MDR", "N", 1.0, d(2020, 1, 1), None),
        ("E2", person_id("P2"), "0111", "MDR", "N", 0.5, d(2022, 5, 1), None),
        ("E3", person_id("P3"), "0111", "MDR", "N", 1.0, d(2023, 3, 1), d(2024, 1, 31)),
        ("E4", person_id("P4"), "0111", "MDR", "N", 1.0, d(2019, 8, 1), None),
        ("E5", person_id("P5"), "0111", "MDR", "N", 1.0, d(2024, 2, 1), None),
        ("E6a", person_id("P6"), "0111", "MDR", "N", 1.0, d(2021, 1, 1), d(2024, 1, 14)),
        ("E6b", person_id("P6"), "0112", "MDR", "N", 1.0, d(2024, 1, 15), None),
        ("E7", person_id("P7"), "0112", "MDR", "N", 0.75, d(2020, 6, 1), None),
        ("E8", person_id("P8"), "0121", "TIME", "N", 1.0, d(2022, 1, 1), None),
        ("E9", person_id("P9"), "0121", "MDR", "J", 1.0, d(2023, 8, 1), None),
        ("E10", person_id("P10"), "0112", "MDR", "N", 1.0, d(2018, 1, 1), d(2023, 6, 30)),
        ("E11", person_id("P11"), "0111", "MDR", "N", 1.0, d(2015, 1, 1), d(2023, 12, 31)),
    )
    for employment in employments:
        employment["extraction_date"] = extracted
        employment["stillingskategori"] = "Pædagog"
    absence = _rows(
        "ansaettelsesnr, aarsag, fra_dato, til_dato, timer_pr_dag",
        ("E1", "SYG", d(2024, 1, 8), d(2024, 1, 10), None),
        ("E1", "ASK", d(2024, 1, 9), d(2024, 1, 9), 3.7),  # overlaps: capped at g
        ("E1", "SYG", d(2024, 3, 4), None, None),  # starts after the horizon
        ("E2", "SYG", d(2024, 2, 5), d(2024, 2, 9), 1.85),  # partial days
        ("E3", "SYG", d(2024, 1, 25), d(2024, 2, 9), None),  # the employment ends on 31 Jan
        ("E4", "SYG", d(2024, 1, 22), None, None),  # open: 39 days to the horizon, long
        ("E4", "SYG", d(2024, 2, 1), d(2024, 2, 1), None),  # short, on a long spell's day
        ("E6b", "S56", d(2024, 2, 19), d(2024, 2, 20), None),
        ("E7", "FERIE", d(2024, 2, 12), d(2024, 2, 16), None),  # not sickness
        ("E7", "BSYG", d(2024, 1, 10), d(2024, 1, 10), None),  # not sickness
        ("E8", "SYG", d(2024, 1, 15), d(2024, 1, 19), None),  # hourly-paid
        ("E9", "SYG", d(2024, 2, 12), d(2024, 2, 12), None),  # trainee
    )
    for spell in absence:
        spell["aar"] = 2024
        spell["extraction_date"] = extracted
    return {
        "ansaettelser": employments,
        "fravaer": absence,
        "kalender": kalender_rows([2023, 2024, 2025]),
    }


def run_dbt(args: list[str], warehouse: Path, work_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run one dbt command in-process against `warehouse`, target and logs under `work_dir`."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
        ]
    )


def undescribed_mart_columns(warehouse, tables: tuple[str, ...] | None = None) -> list[tuple]:
    """The mart tables and columns of the built warehouse without a description in the
    manifest of the build (the publication writes the descriptions as comments)."""
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    described = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    }
    # A connection with the default configuration: dbt-duckdb's instance may still be open.
    with duckdb.connect(str(warehouse)) as con:
        built = con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()
    missing = set()
    for table, column in built:
        if tables is not None and table not in tables:
            continue
        node = described.get(table, {})
        if not node.get("description"):
            missing.add((table, None))
        if not node.get("columns", {}).get(column, {}).get("description"):
            missing.add((table, column))
    return sorted(missing, key=str)


if __name__ == "__main__":
    import sys

    print(make_raw_warehouse(sys.argv[1], golden_rows()))
