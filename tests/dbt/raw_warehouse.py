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
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
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
}


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
            all_columns = columns + LINEAGE_COLUMNS
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


if __name__ == "__main__":
    import sys

    print(make_raw_warehouse(sys.argv[1], golden_rows()))
