"""The PostgreSQL publication of a scale's publication, timed on a server of its own.

`python -m bench.postgres <published.duckdb> <result.json> [--repeat N]` starts a throwaway
PostgreSQL server (the tests' `tests/postgres_server.py`: Debian's package, a temporary
cluster on 127.0.0.1), creates the login `maalbar` (CREATEROLE) with a database of its own
and one login per area and centre of the publication's organisation, each leading its node,
and publishes the marts `1 + N` times with `dagster_project.lib.postgres.publish`, as a run
does after its gates: the first into the empty database, then N times over the previous
publication (the load, the swap and the drop of the previous marts), of which the median is
the figure. No reader holds the marts meanwhile, so the swap never waits.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-not-secret"


def main(published: Path, result_path: Path, repeat: int) -> int:
    import duckdb

    from dagster_project.defs.publish import primary_keys
    from dagster_project.lib import postgres
    from tests import postgres_server

    con = duckdb.connect(str(published), read_only=True)
    leaders = [
        (f"leder_{node}", node)
        for (node,) in con.execute(
            "SELECT omkostningssted FROM marts.dim_organisation "
            "WHERE niveau IN ('omraade', 'center') ORDER BY 1"
        ).fetchall()
    ]
    con.close()
    result: dict = {"leaders": len(leaders)}
    server = postgres_server.start()
    try:
        with server.admin() as admin:
            admin.execute(f"CREATE ROLE maalbar LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
            admin.execute("CREATE DATABASE maalbar OWNER maalbar")
            for login, _ in leaders:
                admin.execute(f"CREATE ROLE {login} LOGIN")
            result["server"] = admin.execute("SHOW server_version").fetchone()[0]
        url = server.url("maalbar", PASSWORD, "maalbar")
        seconds = []
        with tempfile.TemporaryDirectory() as work:
            for number in range(repeat + 1):
                started = time.perf_counter()
                outcome = postgres.publish(
                    url, published, leaders, primary_keys(), f"bench-{number}", Path(work)
                )
                seconds.append(round(time.perf_counter() - started, 3))
        result.update(
            ok=True,
            first_seconds=seconds[0],
            repeats=seconds[1:],
            seconds=statistics.median_low(seconds[1:]),
            rows=sum(outcome.rows.values()),
            tables=len(outcome.rows),
            warnings=outcome.warnings,
        )
    finally:
        server.stop()
    result_path.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    repeats = 3
    if "--repeat" in arguments:
        at = arguments.index("--repeat")
        repeats = int(arguments[at + 1])
        del arguments[at : at + 2]
    sys.exit(main(Path(arguments[0]), Path(arguments[1]), repeats))
