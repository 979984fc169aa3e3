"""Paths and settings, read from the environment when called (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

# `make run` uses this fixed key so the demo is reproducible; a real deployment sets its own.
DEMO_PSEUDONYM_KEY = "maalbar-demo-key-not-secret"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse" / "maalbar.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published_path(self) -> Path:
        return self.published_dir / "maalbar.duckdb"

    @property
    def raw_copy_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def docs_dir(self) -> Path:
        return self.data_dir / "docs"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    def ensure_dirs(self) -> None:
        for path in (
            self.warehouse_path.parent,
            self.published_dir,
            self.raw_copy_dir,
            self.quarantine_dir,
            self.docs_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)


def settings() -> Settings:
    data_dir = Path(os.environ.get("MAALBAR_DATA_DIR", "data")).resolve()
    landing = os.environ.get("MAALBAR_LANDING_DIR")
    landing_dir = Path(landing).resolve() if landing else data_dir / "landing"
    return Settings(data_dir=data_dir, landing_dir=landing_dir)


# The engines dbt can build the models on (docs/scale.md): DuckDB, embedded, the default and
# the fast path; or Apache Spark, for deployments that outgrow one machine (lib/spark.py).
ENGINES = ("duckdb", "spark")


def engine() -> str:
    """MAALBAR_ENGINE, duckdb (the default) or spark. Raises ValueError naming the valid ones."""
    value = os.environ.get("MAALBAR_ENGINE", "").strip().lower() or "duckdb"
    if value not in ENGINES:
        raise ValueError(f"MAALBAR_ENGINE must be one of {', '.join(ENGINES)}, not {value!r}")
    return value


def pseudonym_key() -> bytes | None:
    key = os.environ.get("MAALBAR_PSEUDONYM_KEY")
    return key.encode("utf-8") if key else None


def postgres_url() -> str | None:
    """MAALBAR_POSTGRES_URL, a libpq URL: set, each run also publishes to PostgreSQL."""
    return os.environ.get("MAALBAR_POSTGRES_URL") or None
