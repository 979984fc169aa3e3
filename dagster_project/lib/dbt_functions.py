"""SQL functions the dbt models call that SQL itself lacks, registered on every connection
dbt-duckdb opens (its documented plugin seam: `plugins` in dbt/profiles.yml).

`maalbar_t_kvantil(p, df)`: the p-quantile of Student's t distribution with df degrees of
freedom (df need not be whole: Welch-Satterthwaite gives fractions), from scipy.stats. The
initiative effect's 95 % interval needs it (docs/kpis.md); a quantile table or a
hand-written approximation would be one more thing to get wrong.
"""

from __future__ import annotations

import contextlib

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import CatalogException, DuckDBPyConnection
from duckdb.sqltypes import DOUBLE

T_QUANTILE = "maalbar_t_kvantil"


def t_quantile(p: float, df: float) -> float | None:
    from scipy.stats import t  # imported on first use: most runs compute no interval

    if p is None or df is None or not df > 0:
        return None
    return float(t.ppf(p, df))


def register(conn: DuckDBPyConnection) -> None:
    # Connections to one file in one process share their functions: it may be there already.
    # (Asking duckdb_functions() first would leave a result open on dbt's connection.)
    with contextlib.suppress(CatalogException):
        conn.create_function(
            T_QUANTILE, t_quantile, [DOUBLE, DOUBLE], DOUBLE, null_handling="special"
        )


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register(conn)
