"""Fixtures for the dbt tests; the helpers themselves live in raw_warehouse.py."""

from __future__ import annotations

import pytest
from raw_warehouse import golden_rows, make_raw_warehouse, run_dbt

__all__ = ["make_raw_warehouse", "golden_build"]


@pytest.fixture(scope="module")
def golden_build(tmp_path_factory: pytest.TempPathFactory):
    """`dbt build` once per module on the golden warehouse: (result, warehouse path)."""
    work_dir = tmp_path_factory.mktemp("dbt_golden")
    warehouse = make_raw_warehouse(work_dir / "warehouse.duckdb", golden_rows())
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_dbt(["build"], warehouse, work_dir, monkeypatch)
    return result, warehouse
