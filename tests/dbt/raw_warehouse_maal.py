"""A tiny goal catalogue on top of the golden municipality, for the dbt tests of the goals.

`raw_warehouse.make_raw_warehouse` creates the raw tables it knows; `add_every_source_table`
adds the rest (the goal catalogue's four among them) with the ingest's own DDL, so the tables
are exactly those of docs/architecture.md. For working on the models by hand:

    python tests/dbt/raw_warehouse_maal.py PATH

writes the golden municipality and the catalogue below into a new warehouse at PATH.

The catalogue's figures are worked out by hand in test_maal_goal_progress.py, from the golden
KPI values (economy horizon 2024-02, HR horizon 2024-02-29).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
from raw_warehouse import golden_rows, make_raw_warehouse

MAAL_TABLES = ("udvalg", "maal", "indikatorer", "indikatorvaerdier")
CATALOGUE_DATE = dt.date(2024, 3, 10)


def add_every_source_table(path: Path | str) -> Path:
    """Create, empty, every raw table the ingest writes that the warehouse at `path` lacks,
    with the ingest's own DDL (the goal catalogue's four tables among them), so that
    `dbt build` finds every source of the project."""
    from dagster_project.defs.ingest.assets import ALL_SPECS  # slow import: dagster
    from dagster_project.lib.loader import ensure_tables

    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        ensure_tables(con, ALL_SPECS)
    return Path(path)


def add_maal_rows(path: Path | str, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> Path:
    """Insert `rows` into the goal catalogue's raw tables; missing columns are NULL, lineage
    columns get a file name, a dummy SHA-256 and consecutive line numbers."""
    unknown = set(rows) - set(MAAL_TABLES)
    if unknown:
        raise ValueError(f"not a goal catalogue table: {sorted(unknown)}")
    with duckdb.connect(str(path)) as con:
        for table, table_rows in rows.items():
            names = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'raw' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            values = []
            for line_number, row in enumerate(table_rows, start=2):
                unexpected = set(row) - set(names)
                if unexpected:
                    raise ValueError(f"raw.{table} has no column {sorted(unexpected)}")
                lineage = {
                    "_file_name": f"{table}_test",
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
    return Path(path)


def _rows(columns: str, *values: tuple) -> list[dict]:
    names = [name.strip() for name in columns.split(",")]
    return [dict(zip(names, row, strict=True)) for row in values]


def _indicator(
    indikator_id: str,
    maal_id: str,
    kpi: str | None,
    node: str | None,
    retning_frekvens: str,
    baseline: tuple[str, float | None],
    target: tuple[str, float],
    indfoert: dt.date,
    udfaset: dt.date | None = None,
    erstatter: str | None = None,
) -> dict:
    retning, frekvens = retning_frekvens.split()
    return {
        "indikator_id": indikator_id,
        "maal_id": maal_id,
        "navn": f"Indikator {indikator_id}",
        "kpi": kpi,
        "omkostningssted": node,
        "retning": retning,
        "frekvens": frekvens,
        "baseline_periode": baseline[0],
        "baseline_vaerdi": baseline[1],
        "maal_periode": target[0],
        "maal_vaerdi": target[1],
        "indfoert": indfoert,
        "udfaset": udfaset,
        "erstatter": erstatter,
    }


def catalogue_rows() -> dict[str, list[dict]]:
    """A catalogue on the golden municipality (0100 Kommune; 0110 Område A, BU, with 0111 and
    0112; 0120 Område B, SU, with 0121).

    - I1 forbrugsprocent_drift of 0110, monthly, baseline from the data (2024-01: 22.5),
      target 50 by 2024-12; the economy horizon 2024-02 cuts it after two months.
    - I2 sygefravaer_pct of 0111, monthly, ned from 20 to 10 by 2024-06; February 2024 is
      suppressed (4 persons).
    - I3 delivered, quarterly, of 0121 (the goal's ansvarlig): two kilder deliver 2024-Q1.
    - I4 delivered, yearly, ned, replaces I0 (retired at the end of 2022); its goal G3 is
      abandoned.
    """
    d = dt.date
    udvalg = _rows(
        "fagudvalg, navn",
        ("BU", "Børne- og Ungdomsudvalget"),
        ("SU", "Social- og Sundhedsudvalget"),
    )
    maal = _rows(
        "maal_id, fagudvalg, titel, maalgruppe, ansvarlig, startdato, status",
        ("G1", "BU", "Økonomi i balance", "organisation", "0110", d(2024, 1, 1), "aktiv"),
        ("G2", "SU", "Flere klarer sig selv", "borgere", "0121", d(2023, 1, 1), "aktiv"),
        ("G3", "SU", "Kortere ventetid", "borgere", "0120", d(2022, 1, 1), "opgivet"),
    )
    indikatorer = [
        _indicator(
            "I1", "G1", "forbrugsprocent_drift", "0110", "op maaned",
            ("2024-01", None), ("2024-12", 50.0), d(2024, 1, 1),
        ),
        _indicator(
            "I2", "G1", "sygefravaer_pct", "0111", "ned maaned",
            ("2024-01", 20.0), ("2024-06", 10.0), d(2024, 1, 1),
        ),
        _indicator(
            "I3", "G2", None, None, "op kvartal",
            ("2023-Q4", 80.0), ("2024-Q4", 90.0), d(2023, 10, 1),
        ),
        _indicator(
            "I0", "G3", None, "0120", "ned aar",
            ("2020", 40.0), ("2024", 20.0), d(2020, 1, 1), udfaset=d(2022, 12, 31),
        ),
        _indicator(
            "I4", "G3", None, "0120", "ned aar",
            ("2022", 40.0), ("2025", 25.0), d(2023, 1, 1), erstatter="I0",
        ),
    ]  # fmt: skip
    vaerdier = _rows(
        "kilde, extraction_date, indikator_id, omkostningssted, periode, vaerdi",
        ("SYS-A", d(2024, 1, 15), "I3", "0121", "2023-Q4", 80.0),
        ("SYS-A", d(2024, 4, 10), "I3", "0121", "2024-Q1", 85.0),
        # An older extraction of another kilde for the same key: SYS-A's newer one wins.
        ("SYS-B", d(2024, 4, 2), "I3", "0121", "2024-Q1", 99.0),
        ("SYS-A", d(2024, 7, 10), "I3", "0121", "2024-Q2", 82.0),
        # Another node's value is not I3's, though it sets I3's horizon as well.
        ("SYS-A", d(2024, 7, 10), "I3", "0120", "2024-Q3", 10.0),
        ("SYS-C", d(2024, 1, 20), "I4", "0120", "2022", 40.0),
        ("SYS-C", d(2024, 1, 20), "I4", "0120", "2023", 34.0),
    )
    for row in maal + indikatorer + udvalg:
        row["extraction_date"] = CATALOGUE_DATE
    return {
        "udvalg": udvalg,
        "maal": maal,
        "indikatorer": indikatorer,
        "indikatorvaerdier": vaerdier,
    }


def make_goal_warehouse(path: Path | str, catalogue: Mapping | None = None) -> Path:
    """The golden municipality with the goal catalogue (or `catalogue`) in a new warehouse;
    the raw tables of the other sources are there, empty."""
    make_raw_warehouse(path, golden_rows())
    add_every_source_table(path)
    return add_maal_rows(path, catalogue_rows() if catalogue is None else catalogue)


if __name__ == "__main__":
    import sys

    print(make_goal_warehouse(sys.argv[1]))
