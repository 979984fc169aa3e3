"""personale/: employments (full snapshot, CPR pseudonymised) and absence spells per year."""

from __future__ import annotations

from dagster_project.lib.pseudonym import pseudonymise_column
from dagster_project.lib.specs import (
    DATE,
    DECIMAL,
    ENUM,
    PSEUDONYM,
    Column,
    FileColumn,
    FileSpec,
    RowRule,
    extraction_date_literal,
    newest_snapshot_wins,
    unique_within_file,
    year_replaced,
)

ANSAETTELSER = FileSpec(
    source="personale",
    table="ansaettelser",
    pattern=r"ansaettelser_(?P<extraction>\d{8})\.csv",
    description="Full snapshot of all employments; the newest extraction wins. The CPR "
    "number is replaced by a keyed pseudonym (person_id) when the file is read.",
    columns=(
        Column("ansaettelsesnr"),
        Column("cpr", PSEUDONYM, personal=True, raw_name="person_id"),
        Column("omkostningssted", references_organisation=True),
        Column("stillingskategori", required=False, nullable=True),
        Column("loenform", ENUM, values=("MDR", "TIME")),
        Column("elev", ENUM, values=("J", "N")),
        Column("beskaeftigelsesgrad", DECIMAL, minimum=0, exclusive_minimum=True, maximum=1),
        Column("startdato", DATE),
        Column("slutdato", DATE, required=False, nullable=True),
        Column("fratraedelsesaarsag", required=False, nullable=True),
    ),
    file_columns=(FileColumn("extraction_date", "DATE", extraction_date_literal),),
    row_rules=(
        RowRule(
            "slutdato",
            lambda f: "t.slutdato < t.startdato",
            lambda f: "slutdato before startdato",
        ),
    ),
    file_rules=(unique_within_file("ansaettelser", "ansaettelsesnr"),),
    transform=pseudonymise_column("cpr"),
    **newest_snapshot_wins("ansaettelser"),
)

FRAVAER = FileSpec(
    source="personale",
    table="fravaer",
    pattern=r"fravaer_(?P<year>\d{4})_(?P<extraction>\d{8})\.csv",
    description="Absence spells starting in a year; a newer extraction of the year replaces it.",
    columns=(
        Column("ansaettelsesnr"),
        Column(
            "aarsag",
            ENUM,
            values=("SYG", "ASK", "GRAV", "S56", "BSYG", "BARSEL", "FERIE", "OMSORG", "ANDET"),
        ),
        Column("fra_dato", DATE),
        Column("til_dato", DATE, required=False, nullable=True),
        Column(
            "timer_pr_dag",
            DECIMAL,
            required=False,
            nullable=True,
            minimum=0,
            exclusive_minimum=True,
            maximum=24,
        ),
    ),
    file_columns=(
        FileColumn("aar", "INTEGER", lambda f: str(int(f["year"]))),
        FileColumn("extraction_date", "DATE", extraction_date_literal),
    ),
    row_rules=(
        RowRule(
            "fra_dato",
            lambda f: f"year(t.fra_dato) <> {int(f['year'])}",
            lambda f: f"the spell must start in {f['year']}, the year in the file name",
        ),
        RowRule(
            "til_dato",
            lambda f: "t.til_dato < t.fra_dato",
            lambda f: "til_dato before fra_dato",
        ),
        RowRule(
            "ansaettelsesnr",
            lambda f: "t.ansaettelsesnr NOT IN (SELECT ansaettelsesnr FROM raw.ansaettelser)",
            lambda f: "unknown employment (not in the employment snapshot)",
        ),
    ),
    loaded_after=("ansaettelser",),
    **year_replaced("fravaer"),
)

SPECS = [ANSAETTELSER, FRAVAER]
