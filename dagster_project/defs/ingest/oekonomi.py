"""oekonomi/: the budget per year and the ledger postings per accounting month."""

from __future__ import annotations

from dagster_project.lib.specs import (
    DATE,
    ENUM,
    INTEGER,
    MONEY,
    Column,
    FileColumn,
    FileSpec,
    RowRule,
    extraction_date_literal,
    month_literal,
    month_replaced,
    year_replaced,
)

FUNKTION = Column(
    "funktion",
    pattern=r"^[0-9]\.[0-9]{2}\.[0-9]{2}$",
    pattern_hint="not a function of the chart of accounts (h.hh.ff, e.g. 5.25.11)",
)
DRANST = Column("dranst", pattern=r"^[0-9]$", pattern_hint="not a dranst (one digit, e.g. 1)")
COST_CENTRE = Column("omkostningssted", references_organisation=True)

BUDGET = FileSpec(
    source="oekonomi",
    table="budget",
    pattern=r"budget_(?P<year>\d{4})_(?P<extraction>\d{8})\.csv",
    description="The whole budget of a year; a newer extraction of the year replaces it.",
    columns=(
        Column("aar", INTEGER),
        COST_CENTRE,
        FUNKTION,
        DRANST,
        Column("art", required=False, nullable=True),
        Column("budgettype", ENUM, values=("OPR", "TB", "OVF")),
        Column("beloeb", MONEY),
    ),
    file_columns=(FileColumn("extraction_date", DATE.upper(), extraction_date_literal),),
    row_rules=(
        RowRule(
            "aar",
            lambda f: f"t.aar IS NOT NULL AND t.aar <> {int(f['year'])}",
            lambda f: f"aar must equal the year {f['year']} in the file name",
        ),
    ),
    **year_replaced("budget"),
)

POSTERINGER = FileSpec(
    source="oekonomi",
    table="posteringer",
    pattern=r"posteringer_(?P<yyyymm>\d{4}(0[1-9]|1[0-2]))\.csv",
    description="All ledger postings of an accounting month; a re-delivery replaces the month.",
    columns=(
        Column("bilagsnr"),
        Column("posteringsdato", DATE),
        COST_CENTRE,
        FUNKTION,
        DRANST,
        Column("art", required=False, nullable=True),
        Column("beloeb", MONEY),
        Column("tekst", required=False, nullable=True),
    ),
    file_columns=(FileColumn("regnskabsmaaned", "VARCHAR", month_literal),),
    row_rules=(
        RowRule(
            "posteringsdato",
            lambda f: f"strftime(t.posteringsdato, '%Y-%m') <> {month_literal(f)}",
            lambda f: f"posting date outside the file's month {month_literal(f)[1:-1]}",
        ),
    ),
    **month_replaced("posteringer", "regnskabsmaaned"),
)

SPECS = [BUDGET, POSTERINGER]
