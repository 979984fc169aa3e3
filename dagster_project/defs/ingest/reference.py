"""reference/: population by age on 1 January, and activity volumes per month."""

from __future__ import annotations

from dagster_project.lib.specs import (
    DECIMAL,
    INTEGER,
    Column,
    FileColumn,
    FileSpec,
    extraction_date_literal,
    month_literal,
    month_replaced,
    newest_snapshot_wins,
    unique_within_file,
    year_replaced,
)

BEFOLKNING = FileSpec(
    source="reference",
    table="befolkning",
    pattern=r"befolkning_(?P<year>\d{4})\.csv",
    description="Population by age on 1 January of the year.",
    columns=(
        Column("alder", INTEGER, minimum=0, maximum=125),
        Column("antal", INTEGER, minimum=0),
    ),
    file_columns=(FileColumn("aar", "INTEGER", lambda f: str(int(f["year"]))),),
    file_rules=(unique_within_file("befolkning", "alder"),),
    **year_replaced("befolkning", by_extraction=False),
)

AKTIVITET = FileSpec(
    source="reference",
    table="aktivitet",
    pattern=r"aktivitet_(?P<yyyymm>\d{4}(0[1-9]|1[0-2]))\.csv",
    description="Activity of the month per cost centre and service; a re-delivery replaces it.",
    columns=(
        Column("omkostningssted", references_organisation=True),
        Column("ydelse"),
        Column("antal", DECIMAL, minimum=0, decimal_type="DECIMAL(18,3)", max_decimals=3),
        Column("enhed", required=False, nullable=True),
    ),
    file_columns=(FileColumn("maaned", "VARCHAR", month_literal),),
    **month_replaced("aktivitet", "maaned"),
)

BENCHMARK = FileSpec(
    source="reference",
    table="benchmark",
    pattern=r"benchmark_(?P<extraction>\d{8})\.csv",
    description="Published KPI values of other municipalities; the newest extraction wins.",
    columns=(
        Column("kommunekode", pattern=r"^[0-9]{3}$", pattern_hint="not a municipality code"),
        Column("kommune"),
        Column("kpi"),
        Column("aar", INTEGER, minimum=1990, maximum=2100),
        Column("vaerdi", DECIMAL),
    ),
    file_columns=(FileColumn("extraction_date", "DATE", extraction_date_literal),),
    **newest_snapshot_wins("benchmark"),
)

SPECS = [BEFOLKNING, AKTIVITET, BENCHMARK]
