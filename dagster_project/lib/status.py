"""`maalbar status`: the ledger's recent state, for an operator."""

from __future__ import annotations

from dagster_project.lib import warehouse
from dagster_project.lib.config import Settings


def print_status(settings: Settings, limit: int = 30, wide: bool = False) -> int:
    from rich.console import Console
    from rich.table import Table

    # --wide: one line per file however narrow the terminal (for grep and wide screens).
    console = Console(width=400) if wide else Console()
    if not settings.warehouse_path.exists():
        console.print(f"no warehouse yet at {settings.warehouse_path}: nothing has run")
        return 0
    import duckdb

    try:
        with warehouse.connect(settings, read_only=True) as con:
            rows = con.execute(_ledger_query(con), [limit]).fetchall()
    except duckdb.IOException as err:
        if "lock" not in str(err).lower():
            raise
        # A run holds the warehouse from its start to its publication.
        console.print(
            f"a run is writing the warehouse at {settings.warehouse_path}; the ledger can be "
            "read when it has published (the publication and `maalbar run`'s own summary "
            "say what it loaded)"
        )
        return 1
    table = Table(title=f"Ledger of {settings.data_dir} (newest first)")
    for column in ("seen", "file", "status", "accepted", "rejected", "reason"):
        # A file name is folded onto the next line when the terminal is narrow, never cut:
        # posteringer_202501.csv and posteringer_202502.csv must stay apart.
        table.add_column(column, overflow="fold")
    for seen, name, status, accepted, rejected, reason in rows:
        style = {
            "quarantined": "red",
            "superseded": "dim",
            "expired": "dim",
            "withdrawn": "yellow",
        }.get(status, "")
        table.add_row(
            f"{seen:%Y-%m-%d %H:%M}",
            name,
            f"[{style}]{status}[/]" if style else status,
            str(accepted or 0),
            str(rejected or 0),
            reason,
        )
    console.print(table)
    if settings.published_path.exists():
        console.print(f"published: {settings.published_path}")
    return 0


def _ledger_query(con) -> str:
    """The ledger newest first, a withdrawal or restore counting as its file's latest event
    and saying who, when and why. A warehouse no run or withdrawal has written since the
    withdrawal columns came lacks them, and has no withdrawn file."""
    if not warehouse.has_column(con, "meta", "file_ledger", "withdrawn_at"):
        return (
            "SELECT seen_at, file_name, status, rows_accepted, rows_rejected, "
            "coalesce(reason, warnings, '') FROM meta.file_ledger "
            "ORDER BY seen_at DESC, file_name LIMIT ?"
        )
    withdrawal = (
        "'withdrawn by ' || withdrawn_by || ' at ' || strftime(withdrawn_at, '%Y-%m-%d %H:%M') "
        "|| ': ' || withdrawn_reason"
    )
    restoral = "'restored by ' || restored_by || ' at ' || strftime(restored_at, '%Y-%m-%d %H:%M')"
    return f"""
        SELECT greatest(seen_at, withdrawn_at, restored_at) AS latest, file_name, status,
            rows_accepted, rows_rejected,
            CASE status
                WHEN 'withdrawn' THEN {withdrawal}
                WHEN 'restored' THEN {restoral} || '; ' || {withdrawal}
                ELSE concat_ws('; ', coalesce(reason, warnings),
                    CASE WHEN restored_at IS NOT NULL THEN {restoral} || ' after being '
                        || {withdrawal} END)
            END
        FROM meta.file_ledger
        ORDER BY latest DESC, file_name LIMIT ?
    """
