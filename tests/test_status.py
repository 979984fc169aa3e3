"""`maalbar status` while another process writes the warehouse."""

from __future__ import annotations

import subprocess
import sys

from dagster_project.lib import ledger, warehouse
from dagster_project.lib.status import print_status

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_status_says_a_run_holds_the_warehouse(data_settings, capsys):
    with warehouse.connect(data_settings) as con:
        ledger.ensure(con)
    assert print_status(data_settings) == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_settings.warehouse_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        capsys.readouterr()
        assert print_status(data_settings) == 1
        assert "a run is writing the warehouse" in capsys.readouterr().out
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert print_status(data_settings) == 0


def test_status_never_cuts_a_file_name(data_settings, capsys, monkeypatch):
    """Months must be told apart on a narrow terminal: names fold, and --wide keeps each
    on one line."""
    names = [f"indikatorvaerdier_sundhedsplatformen_2025{m}15.csv" for m in ("01", "02")]
    with warehouse.connect(data_settings) as con:
        ledger.ensure(con)
        for name in names:
            ledger.record(
                con, file_name=name, file_sha256=name, source="indikatorer", status="loaded"
            )
    monkeypatch.setenv("COLUMNS", "60")
    capsys.readouterr()
    assert print_status(data_settings) == 0
    narrow = capsys.readouterr().out
    assert "…" not in narrow
    assert print_status(data_settings, wide=True) == 0
    wide = capsys.readouterr().out
    assert all(name in wide for name in names)


def test_the_command_exits_with_its_code_after_its_exit_handlers_ran_with_the_heap_frozen():
    """`console` freezes the garbage collector before Python exits (the exit's collections
    are skipped): the exit code is the command's and the atexit handlers still run."""
    import subprocess
    import sys

    script = (
        "import atexit, gc\n"
        "from dagster_project import cli\n"
        "cli.main = lambda argv=None: 3\n"
        "atexit.register(lambda: print('handlers ran, frozen:', gc.get_freeze_count() > 0))\n"
        "cli.console()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == "handlers ran, frozen: True"
