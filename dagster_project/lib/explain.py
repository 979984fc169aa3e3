"""`maalbar explain KPI NODE PERIOD`: the way back from a published figure to its files.

For the figure's KPI, node and period it names the publication's run, and for every raw
table that feeds the KPI the files whose rows lie in the node's subtree and the period, with
SHA-256, extraction date and the number of rows that fed the figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.lib import warehouse
from dagster_project.lib.config import Settings

# Period filters over a raw table, given the period's first and last month ('YYYY-MM').
MONTHS_OF = "{col} BETWEEN $first AND $last"
YEAR_TO_DATE = "{col} BETWEEN substr($last, 1, 4) || '-01' AND $last"
YEAR_OF = "{col} = CAST(substr($first, 1, 4) AS INTEGER)"
EVERYTHING = "true"


@dataclass(frozen=True)
class Feed:
    table: str
    period_filter: str  # one of the templates above, formatted with the period column
    period_column: str | None
    # SQL giving the row's cost centre, or None when the table is not per cost centre.
    node: str | None = "omkostningssted"


ECONOMY_MONTHS = Feed("posteringer", MONTHS_OF, "regnskabsmaaned")
HR = (
    Feed("ansaettelser", EVERYTHING, None),
    Feed(
        "fravaer",
        "{col} BETWEEN CAST(substr($first, 1, 4) AS INTEGER) - 1 "
        "AND CAST(substr($last, 1, 4) AS INTEGER)",
        "aar",
        node="(SELECT a.omkostningssted FROM raw.ansaettelser a "
        "WHERE a.ansaettelsesnr = r.ansaettelsesnr)",
    ),
    Feed("kalender", MONTHS_OF, "maaned", node=None),
)
FEEDS: dict[str, tuple[Feed, ...]] = {
    "forbrug_drift": (ECONOMY_MONTHS,),
    "korrigeret_budget_drift": (Feed("budget", YEAR_OF, "aar"),),
    "forbrugsprocent_drift": (
        Feed("posteringer", YEAR_TO_DATE, "regnskabsmaaned"),
        Feed("budget", YEAR_OF, "aar"),
    ),
    "driftsudgift_pr_indbygger": (
        Feed("posteringer", YEAR_TO_DATE, "regnskabsmaaned"),
        Feed("befolkning", YEAR_OF, "aar", node=None),
    ),
    "enhedsomkostning": (ECONOMY_MONTHS, Feed("aktivitet", MONTHS_OF, "maaned")),
    "svarprocent": (
        Feed("besvarelser", MONTHS_OF, "runde"),
        Feed("inviterede", MONTHS_OF, "runde"),
    ),
    "trivsel_": (
        Feed("besvarelser", MONTHS_OF, "runde"),
        Feed("spoergsmaal", EVERYTHING, None, node=None),
    ),
    "forslag_": (Feed("forslag", EVERYTHING, None),),
}
FEEDS["forbrugsprocent_anlaeg"] = FEEDS["forbrugsprocent_drift"]
for _kpi in (
    "sygefravaer_pct",
    "korttidssygefravaer_pct",
    "langtidssygefravaer_pct",
    "sygefravaer_dage_pr_aarsvaerk",
    "aarsvaerk",
    "medarbejdere",
    "personaleomsaetning_afgang_pct",
    "personaleomsaetning_tilgang_pct",
):
    FEEDS[_kpi] = HR


def feeds_for(kpi: str) -> tuple[Feed, ...]:
    if kpi in FEEDS:
        return FEEDS[kpi]
    for prefix, feeds in FEEDS.items():
        if prefix.endswith("_") and kpi.startswith(prefix):
            return feeds
    raise KeyError(f"unknown KPI {kpi}")


def period_months(period: str) -> tuple[str, str]:
    return (period, period) if len(period) == 7 else (f"{period}-01", f"{period}-12")


def feed_query(feed: Feed) -> str:
    period = feed.period_filter.format(col=f"r.{feed.period_column}")
    node = "true" if feed.node is None else f"{_node_expr(feed)} IN (SELECT unnest($nodes))"
    return f"""
        SELECT '{feed.table}' AS raw_table, r._file_name, r._file_sha256,
            any_value(l.version) AS version, count(*) AS rows
        FROM raw.{feed.table} AS r
        LEFT JOIN meta.file_ledger AS l
            ON l.file_name = r._file_name AND l.file_sha256 = r._file_sha256
        WHERE {period} AND {node}
            AND $first IS NOT NULL AND $last IS NOT NULL AND len($nodes) >= 0
        GROUP BY ALL ORDER BY 2
    """


def _node_expr(feed: Feed) -> str:
    return feed.node if feed.node and feed.node.startswith("(") else f"r.{feed.node}"


def explain(settings: Settings, kpi: str, node: str, period: str) -> dict:
    feeds = feeds_for(kpi)
    first, last = period_months(period)
    figure, definition, published_run = [], [], None
    if settings.published_path.exists():
        import duckdb

        # The figure as BI tools see it: from the publication, not the working warehouse.
        reader = duckdb.connect(str(settings.published_path), read_only=True)
        try:
            figure = reader.execute(
                "SELECT vaerdi, taeller, naevner, undertrykt FROM marts.kpi_values "
                "WHERE kpi_id = ? AND omkostningssted = ? AND periode = ?",
                [kpi, node, period],
            ).fetchall()
            definition = reader.execute(
                "SELECT navn, definition FROM marts.dim_kpi WHERE kpi_id = ?", [kpi]
            ).fetchall()
            published_run = reader.execute(
                "SELECT run_id, published_at FROM meta.publication"
            ).fetchone()
        finally:
            reader.close()
    with warehouse.connect(settings, read_only=True) as con:
        subtree = [
            row[0]
            for row in con.execute(
                "SELECT omkostningssted FROM intermediate.int_cost_centre_ancestors_expanded "
                "WHERE ancestor_omkostningssted = ? ORDER BY 1",
                [node],
            ).fetchall()
        ]
        params = {"first": first, "last": last, "nodes": subtree}
        files = [row for feed in feeds for row in con.execute(feed_query(feed), params).fetchall()]
    return {
        "figure": figure[0] if figure else None,
        "definition": definition[0] if definition else None,
        "subtree": subtree,
        "files": files,
        "run": published_run,
    }


def print_explanation(settings: Settings, kpi: str, node: str, period: str) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    try:
        found = explain(settings, kpi, node, period)
    except KeyError as err:
        console.print(f"[red]{err.args[0]}[/]")
        return 1
    if not found["subtree"]:
        console.print(f"[red]unknown cost centre {node}[/]")
        return 1
    name, definition = found["definition"] or (kpi, "")
    console.print(f"[bold]{kpi}[/] ({name}) for {node}, {period}")
    console.print(definition)
    if found["figure"] is None:
        console.print("no published figure: the KPI is not defined for this node and period")
    else:
        value, numerator, denominator, suppressed = found["figure"]
        shown = "suppressed (fewer than 5 persons)" if suppressed else f"{value}"
        console.print(f"value {shown}; numerator {numerator}; denominator {denominator}")
    if found["run"]:
        console.print(f"publication: run {found['run'][0]} at {found['run'][1]:%Y-%m-%d %H:%M}")
    console.print(f"subtree: {len(found['subtree'])} cost centre(s)")
    table = Table(title="Source files that fed it")
    for column in ("raw table", "file", "sha256", "version", "rows"):
        table.add_column(column)
    for raw_table, file_name, sha, version, rows in found["files"]:
        table.add_row(raw_table, file_name, sha, version or "", f"{rows:,}")
    console.print(table)
    return 0
