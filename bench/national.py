"""A synthetic national scale on one DuckDB machine (docs/scale.md).

No demo municipality is large enough to show where one machine stops being enough, and the
demo generator writes CSV at some 100,000 rows a second: a national LIS (98 municipalities,
ten years of FLIS postings) would take it days. This generates the postings, the table that
grows with the country, straight into DuckDB, with the raw table's columns, and times on
them the work that grows with the data:

- **land**: the raw table written to a fresh database file (the ingest's write, without the
  CSV parsing the floor measures at S, M and L);
- **aggregate**: the SQL of `int_posteringer_aggregated_by_month`, the model that reads every
  posting, grouped by municipality as a shared deployment would;
- **one month**: the same for the newest month alone, the work of an incremental month when
  the model is partitioned by month (the Spark engine's insert_overwrite);
- the database file's size, and the process's peak memory (`ru_maxrss`).

Each size runs in a process of its own (`--one`), so its memory is its own:

    .venv/bin/python -m bench.national --municipalities 1,10,98 --out bench/work/national

Postings per municipality and month default to 100,000: L's large municipality has 300,000,
S's small one 3,000; the country's average lies between (docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

MONTHS = 120  # ten years
MEMORY_LIMIT = "8GB"
# Cost centres a municipality posts on in a month (the demo's L has some hundreds).
COST_CENTRES = 1000

LAND = """
CREATE TABLE posteringer AS
SELECT
    100 + (i % {municipalities}) * 4 AS kommunekode,
    strftime(DATE '2016-11-01' + to_months(CAST((i // {municipalities}) % {months} AS INTEGER)),
             '%Y-%m') AS regnskabsmaaned,
    'B' || CAST(i AS VARCHAR) AS bilagsnr,
    CAST(DATE '2016-11-01' + to_months(CAST((i // {municipalities}) % {months} AS INTEGER)) AS DATE)
        + CAST(hash(i, 1) % 28 AS INTEGER) AS posteringsdato,
    'CC' || lpad(CAST(hash(i, 2) % {cost_centres} AS VARCHAR), 4, '0') AS omkostningssted,
    lpad(CAST(hash(i, 3) % 70 AS VARCHAR), 2, '0') || '.'
        || lpad(CAST(hash(i, 4) % 99 AS VARCHAR), 2, '0') AS funktion,
    CAST(1 + hash(i, 5) % 3 AS VARCHAR) AS dranst,
    CAST(hash(i, 6) % 10 AS VARCHAR) AS art,
    CAST((CAST(hash(i, 7) % 2000000 AS BIGINT) - 400000) / 100.0 AS DECIMAL(18, 2)) AS beloeb,
    'postering' AS tekst,
    'posteringer_' || CAST(i // 1000000 AS VARCHAR) || '.csv' AS _file_name,
    CAST(i + 2 AS BIGINT) AS _line_number
FROM range({rows}) AS t(i)
"""

# int_posteringer_aggregated_by_month, grouped by municipality too.
AGGREGATE = """
CREATE TABLE aggregated AS
SELECT
    kommunekode,
    omkostningssted,
    regnskabsmaaned AS maaned,
    CAST(left(regnskabsmaaned, 4) AS INTEGER) AS aar,
    CAST(coalesce(sum(beloeb) FILTER (WHERE dranst IN ('1', '2')), 0) AS DECIMAL(38, 2))
        AS forbrug_drift,
    count(*) FILTER (WHERE dranst IN ('1', '2')) AS antal_driftsposteringer,
    CAST(coalesce(sum(beloeb) FILTER (
        WHERE dranst IN ('1', '2') AND left(funktion, 1) IN ('0', '1', '2', '3', '4', '5', '6')
    ), 0) AS DECIMAL(38, 2)) AS forbrug_drift_hovedkonto_0_6,
    CAST(coalesce(sum(beloeb) FILTER (WHERE dranst = '3'), 0) AS DECIMAL(38, 2)) AS forbrug_anlaeg,
    count(*) FILTER (WHERE dranst = '3') AS antal_anlaegsposteringer
FROM posteringer
{where}
GROUP BY kommunekode, omkostningssted, regnskabsmaaned
"""


def measure_one(municipalities: int, per_month: int, folder: Path) -> dict:
    """Generate, aggregate and measure one size in this process."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rows = municipalities * MONTHS * per_month
    database = folder / "national.duckdb"
    result: dict = {"municipalities": municipalities, "postings": rows}
    with duckdb.connect(str(database)) as con:
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        # A bound like a machine's share for the warehouse: beyond it DuckDB spills to disk.
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        started = time.perf_counter()
        con.execute(
            LAND.format(
                municipalities=municipalities, months=MONTHS, rows=rows, cost_centres=COST_CENTRES
            )
        )
        con.execute("CHECKPOINT")
        result["land_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        con.execute(AGGREGATE.format(where=""))
        result["aggregate_s"] = round(time.perf_counter() - started, 1)
        (newest,) = con.execute("SELECT max(regnskabsmaaned) FROM posteringer").fetchone()
        con.execute("DROP TABLE aggregated")
        started = time.perf_counter()
        con.execute(AGGREGATE.format(where=f"WHERE regnskabsmaaned = '{newest}'"))
        result["one_month_s"] = round(time.perf_counter() - started, 2)
        (result["aggregated_rows"],) = con.execute("SELECT count(*) FROM aggregated").fetchone()
        con.execute("CHECKPOINT")
    result["database_gib"] = round(database.stat().st_size / 2**30, 2)
    result["memory_limit"] = MEMORY_LIMIT
    result["peak_gib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    shutil.rmtree(folder)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", default="1,10,98")
    parser.add_argument("--postings-per-month", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/work/national"))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        found = measure_one(args.one, args.postings_per_month, args.out / f"n{args.one}")
        print(json.dumps(found))
        return 0
    results = []
    for count in (int(n) for n in args.municipalities.split(",")):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.national",
                "--one",
                str(count),
                "--postings-per-month",
                str(args.postings_per_month),
                "--out",
                str(args.out),
            ],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 3
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
