"""The published database opens in the older DuckDB drivers BI tools bundle (published.md:
readable by DuckDB 1.1 and later): DuckDB 1.1.3, in a virtualenv of its own, reads every
table of schema marts with the same columns, types, primary keys, comments and rows as the
DuckDB the pipeline writes it with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

OLDEST_DRIVER = "1.1.3"

# Run by both DuckDBs: every marts table as its columns (name, type, comment), its primary
# key, its comment and its rows, each row one JSON text, sorted.
PROBE = r"""
import json, sys
import duckdb

def describe(con):
    tables = {}
    for (name, comment) in con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND database_name = current_database() ORDER BY 1"
    ).fetchall():
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND table_name = ? "
            "AND database_name = current_database() ORDER BY column_index",
            [name],
        ).fetchall()
        keys = con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE schema_name = 'marts' AND table_name = ? AND constraint_type = 'PRIMARY KEY' "
            "AND database_name = current_database()",
            [name],
        ).fetchall()
        rows = con.execute(f'SELECT * FROM marts."{name}"').fetchall()
        tables[name] = {
            "comment": comment,
            "columns": [list(column) for column in columns],
            "primary_key": [list(key[0]) for key in keys],
            "rows": sorted(json.dumps(list(row), default=str) for row in rows),
        }
    return tables

if __name__ == "__main__":
    con = duckdb.connect(sys.argv[1], read_only=True)
    json.dump({"version": duckdb.__version__, "tables": describe(con)}, sys.stdout)
"""


@pytest.fixture(scope="session")
def oldest_driver(request) -> Path:
    """The python of a virtualenv with duckdb==1.1.3, kept in pytest's cache (keyed by the
    version) so that later sessions reuse it."""
    folder = Path(request.config.cache.mkdir(f"duckdb-{OLDEST_DRIVER}"))
    python = folder / "venv" / "bin" / "python"
    check = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
    if python.exists():
        found = subprocess.run(check, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == OLDEST_DRIVER:
            return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder / "venv")], check=True)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"duckdb=={OLDEST_DRIVER}"],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, f"pip install duckdb=={OLDEST_DRIVER}: {install.stderr}"
    found = subprocess.run(check, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == OLDEST_DRIVER
    return python


def test_duckdb_1_1_reads_every_mart_as_the_current_duckdb_does(
    reference_run, oldest_driver, tmp_path
):
    published = reference_run / "published" / "maalbar.duckdb"
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    result = subprocess.run(
        [str(oldest_driver), str(probe), str(published)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    old = json.loads(result.stdout)
    assert old["version"] == OLDEST_DRIVER

    namespace: dict = {}
    exec(PROBE.split('if __name__ == "__main__":')[0], namespace)
    con = duckdb.connect(str(published), read_only=True)
    try:
        current = namespace["describe"](con)
    finally:
        con.close()

    assert sorted(old["tables"]) == sorted(current)
    assert {"kpi_values", "goal_progress", "dim_organisation"} <= set(current)
    for name, table in current.items():
        assert table["rows"], f"marts.{name} is empty in the demo publication"
        assert old["tables"][name] == table, f"marts.{name} differs in DuckDB {OLDEST_DRIVER}"
    kpi_values = old["tables"]["kpi_values"]
    assert kpi_values["primary_key"] == [["kpi_id", "omkostningssted", "periode"]]
    assert all(comment for _, _, comment in kpi_values["columns"])


def test_the_file_is_written_in_the_storage_format_of_duckdb_1_0(reference_run):
    """The oldest format that holds the publication's types; a newer one would lock out the
    1.1 drivers (DuckDB 1.1.3 refuses a file of 1.4's format)."""
    from dagster_project.defs.publish import STORAGE_COMPATIBILITY

    assert STORAGE_COMPATIBILITY == "v1.0.0"
    con = duckdb.connect(str(reference_run / "published" / "maalbar.duckdb"), read_only=True)
    try:
        database = con.execute("SELECT current_database()").fetchone()[0]
        version = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = ?",
            [database],
        ).fetchone()[0]
        types = {
            row[0]
            for row in con.execute(
                "SELECT DISTINCT data_type FROM duckdb_columns() "
                "WHERE database_name = current_database()"
            ).fetchall()
        }
    finally:
        con.close()
    assert types <= {"VARCHAR", "DOUBLE", "INTEGER", "BIGINT", "BOOLEAN", "DATE", "TIMESTAMP"}
    assert version.startswith("v1.0.0"), version
