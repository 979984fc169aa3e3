"""reference/: population by age on 1 January, and activity volumes per month."""

from __future__ import annotations

from dagster_project.lib.specs import DECIMAL, INTEGER, Column, FileColumn, FileSpec, month_literal


def _one_row_per_age(con) -> list[str]:
    rows = con.execute(
        "SELECT alder, list(_line_number ORDER BY _line_number) FROM typed_rows "
        "WHERE alder IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 10"
    ).fetchall()
    return [f"alder {age} appears on lines {', '.join(map(str, lines))}" for age, lines in rows]


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
    file_rules=(_one_row_per_age,),
    slot=lambda f: f"befolkning:{f['year']}",
    version=lambda f: "",
    replaces=lambda f: f"aar = {int(f['year'])}",
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
    slot=lambda f: f"aktivitet:{month_literal(f)[1:-1]}",
    version=lambda f: "",
    replaces=lambda f: f"maaned = {month_literal(f)}",
)

SPECS = [BEFOLKNING, AKTIVITET]
