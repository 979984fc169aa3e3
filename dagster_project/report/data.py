"""What the report reads: the published database, opened read-only, in one pass.

Every figure on a page comes from here, so every figure is one a BI tool reading the same
file would see. Tables are read whole (the largest, `marts.kpi_values`, is some 100,000 rows
at scale M) and looked up in memory: 150 pages asking DuckDB one small question at a time
would spend more time in round trips than in rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Kpi:
    kpi_id: str
    navn: str
    domaene: str
    enhed: str
    retning: str


@dataclass(frozen=True)
class Node:
    omkostningssted: str
    navn: str
    overordnet: str | None
    niveau: str
    dybde: int
    fagudvalg: str | None
    er_rod: bool
    er_blad: bool


@dataclass(frozen=True)
class KpiValue:
    vaerdi: float | None
    taeller: float | None
    naevner: float | None
    undertrykt: bool


@dataclass
class Publication:
    run_id: str
    published_at: datetime
    kpis: dict[str, Kpi]
    nodes: dict[str, Node]
    # (kpi_id, omkostningssted, periode) -> the published row
    kpi_values: dict[tuple[str, str, str], KpiValue]
    # every other table as a list of dicts (column name -> value), by "schema.table"
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def root(self) -> Node:
        return next(node for node in self.nodes.values() if node.er_rod)

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    def has(self, table: str) -> bool:
        return table in self.tables

    def children(self, code: str) -> list[Node]:
        return sorted(
            (node for node in self.nodes.values() if node.overordnet == code),
            key=lambda node: node.omkostningssted,
        )

    def path(self, code: str) -> list[Node]:
        """The node and every node above it, the root first."""
        chain = []
        node = self.nodes.get(code)
        while node is not None:
            chain.append(node)
            node = self.nodes.get(node.overordnet) if node.overordnet else None
        return chain[::-1]


# Tables read whole. `marts.indsats_effekt` is optional: a publication from before the
# initiatives were published has none, and the report then shows no initiatives.
TABLES = (
    "marts.polis_udvalg",
    "marts.polis_maal",
    "marts.polis_indikatorer",
    "marts.polis_indikatorforloeb",
    "marts.goal_forecast",
    "marts.stralis_omraader",
    "marts.stralis_noegletal",
    "marts.virklis_maal",
    "marts.leon_enhedsomkostning",
    "marts.benchmark_sammenligning",
    "marts.indsats_effekt",
    "meta.file_ledger",
    "meta.rejected_rows",
    "meta.check_results",
)
# The rows a page needs of the large per-period views: only the latest periods.
VIRKLIS_LATEST = (
    "SELECT * FROM marts.virklis_noegletal WHERE er_seneste ORDER BY omkostningssted, kpi_id"
)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load(published: Path) -> Publication:
    """The publication at `published`, read once. Opened read-only: the report never
    changes the file, and a run swapping a new one in meanwhile does not disturb it."""
    if not published.exists():
        raise FileNotFoundError(f"no published database at {published}: run `maalbar run` first")
    con = duckdb.connect(str(published), read_only=True)
    try:
        present = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables()"
            ).fetchall()
        }
        run_id, published_at = con.execute(
            "SELECT run_id, published_at FROM meta.publication"
        ).fetchone()
        kpis = {
            row[0]: Kpi(*row)
            for row in con.execute(
                "SELECT kpi_id, navn, domaene, enhed, retning FROM marts.dim_kpi"
            ).fetchall()
        }
        nodes = {
            row[0]: Node(*row)
            for row in con.execute(
                "SELECT omkostningssted, navn, overordnet, niveau, dybde, fagudvalg, er_rod, "
                "er_blad FROM marts.dim_organisation ORDER BY omkostningssted"
            ).fetchall()
        }
        kpi_values = {
            (kpi, node, period): KpiValue(value, numerator, denominator, bool(suppressed))
            for kpi, node, period, value, numerator, denominator, suppressed in con.execute(
                "SELECT kpi_id, omkostningssted, periode, vaerdi, taeller, naevner, undertrykt "
                "FROM marts.kpi_values"
            ).fetchall()
        }
        tables = {
            table: _dicts(con, f"SELECT * FROM {table}") for table in TABLES if table in present
        }
        tables["marts.virklis_noegletal"] = _dicts(con, VIRKLIS_LATEST)
    finally:
        con.close()
    return Publication(run_id, published_at, kpis, nodes, kpi_values, tables)
