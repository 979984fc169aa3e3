"""adgang/ledere_YYYYMMDD.csv: who leads which nodes, for row-level access in the PostgreSQL
publication (docs/bi.md); a full snapshot, the newest extraction wins."""

from __future__ import annotations

from dagster_project.lib.specs import (
    Column,
    FileColumn,
    FileSpec,
    RowRule,
    extraction_date_literal,
    newest_snapshot_wins,
)

# A PostgreSQL role name: at most 63 bytes (NAMEDATALEN - 1); the logins Maalbar grants
# membership to are written as the server spells them, without blanks or double quotes.
LOGIN_PATTERN = r'^[^\s"]{1,63}$'


LEDERE = FileSpec(
    source="adgang",
    table="ledere",
    pattern=r"ledere_(?P<extraction>\d{8})\.csv",
    description="Who leads which nodes (login, omkostningssted), for row-level access in the "
    "PostgreSQL publication; the newest extraction wins.",
    columns=(
        Column(
            "login",
            pattern=LOGIN_PATTERN,
            pattern_hint="not a PostgreSQL login (1-63 characters, no blanks or double quotes)",
        ),
        Column("omkostningssted", references_organisation=True),
    ),
    file_columns=(FileColumn("extraction_date", "DATE", extraction_date_literal),),
    # The server cuts a longer name short, and it could then match another role; a letter
    # such as æ counts two bytes.
    row_rules=(
        RowRule(
            "login",
            failing_when=lambda f: "strlen(t.login) > 63",
            reason=lambda f: "longer than 63 bytes, the most a PostgreSQL login has",
        ),
    ),
    **newest_snapshot_wins("ledere"),
)

SPECS = [LEDERE]
