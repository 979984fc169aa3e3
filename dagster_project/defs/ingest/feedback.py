"""feedback/: survey questions, survey rounds, invitations and improvement suggestions."""

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
    newest_snapshot_wins,
    unique_within_file,
)

SPOERGSMAAL = FileSpec(
    source="feedback",
    table="spoergsmaal",
    pattern=r"spoergsmaal_(?P<extraction>\d{8})\.csv",
    description="The survey questions and their themes; the newest extraction wins.",
    columns=(
        Column("spoergsmaal_id"),
        Column("tema", pattern=r"^[A-Za-zÆØÅæøå_]+$", pattern_hint="not a theme code"),
        Column("tekst"),
    ),
    file_columns=(FileColumn("extraction_date", "DATE", extraction_date_literal),),
    file_rules=(unique_within_file("spoergsmaal", "spoergsmaal_id"),),
    **newest_snapshot_wins("spoergsmaal"),
)

BESVARELSER = FileSpec(
    source="feedback",
    table="besvarelser",
    pattern=r"besvarelser_(?P<yyyymm>\d{4}(0[1-9]|1[0-2]))\.csv",
    description="One survey round; a re-delivered round replaces it.",
    columns=(
        Column("besvarelse_id"),
        Column("omkostningssted", references_organisation=True),
        Column("spoergsmaal_id"),
        Column("score", INTEGER, nullable=True, minimum=1, maximum=5),
    ),
    file_columns=(FileColumn("runde", "VARCHAR", month_literal),),
    row_rules=(
        RowRule(
            "spoergsmaal_id",
            lambda f: "t.spoergsmaal_id NOT IN (SELECT spoergsmaal_id FROM raw.spoergsmaal)",
            lambda f: "unknown question (not in the question list)",
        ),
    ),
    loaded_after=("spoergsmaal",),
    **month_replaced("besvarelser", "runde"),
)

INVITEREDE = FileSpec(
    source="feedback",
    table="inviterede",
    pattern=r"inviterede_(?P<yyyymm>\d{4}(0[1-9]|1[0-2]))\.csv",
    description="How many were invited per cost centre in a survey round.",
    columns=(
        Column("omkostningssted", references_organisation=True),
        Column("antal_inviterede", INTEGER, minimum=0),
    ),
    file_columns=(FileColumn("runde", "VARCHAR", month_literal),),
    file_rules=(unique_within_file("inviterede", "omkostningssted"),),
    **month_replaced("inviterede", "runde"),
)

FORSLAG = FileSpec(
    source="feedback",
    table="forslag",
    pattern=r"forslag_(?P<extraction>\d{8})\.csv",
    description="Snapshot of employees' improvement suggestions; the newest wins.",
    columns=(
        Column("forslag_id"),
        Column("omkostningssted", references_organisation=True),
        Column("indsendt", DATE),
        Column("kategori", required=False, nullable=True),
        Column("status", ENUM, values=("modtaget", "behandles", "gennemfoert", "afvist")),
        Column("afgjort", DATE, required=False, nullable=True),
        Column("estimeret_gevinst_kr", MONEY, required=False, nullable=True),
    ),
    file_columns=(FileColumn("extraction_date", "DATE", extraction_date_literal),),
    row_rules=(
        RowRule(
            "afgjort",
            lambda f: "t.afgjort < t.indsendt",
            lambda f: "afgjort before indsendt",
        ),
    ),
    file_rules=(unique_within_file("forslag", "forslag_id"),),
    **newest_snapshot_wins("forslag"),
)

SPECS = [SPOERGSMAAL, BESVARELSER, INVITEREDE, FORSLAG]
