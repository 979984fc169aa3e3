"""organisation/organisation_YYYYMMDD.csv: the full organisation tree; newest wins."""

from __future__ import annotations

from dagster_project.lib.specs import (
    DATE,
    ENUM,
    Column,
    FileColumn,
    FileSpec,
    extraction_date_literal,
    newest_snapshot_wins,
    unique_within_file,
)


def _one_root_no_cycles(con) -> list[str]:
    roots = con.execute(
        "SELECT omkostningssted, _line_number FROM typed_organisation "
        "WHERE omkostningssted IS NOT NULL AND overordnet IS NULL ORDER BY 2"
    ).fetchall()
    if len(roots) != 1:
        found = ", ".join(f"{code} (line {line})" for code, line in roots) or "none"
        return [f"the tree must have exactly one root (empty overordnet); found {found}"]
    orphans = con.execute(
        "SELECT c.omkostningssted, c.overordnet, c._line_number FROM typed_organisation c "
        "WHERE c.overordnet IS NOT NULL AND c.overordnet NOT IN "
        "(SELECT omkostningssted FROM typed_organisation WHERE omkostningssted IS NOT NULL) "
        "ORDER BY 3 LIMIT 10"
    ).fetchall()
    if orphans:
        return [
            f"line {line}: overordnet {parent} of {code} is not in the file"
            for code, parent, line in orphans
        ]
    # Walk down from the root; whatever is not reached hangs in a cycle.
    unreached = con.execute(
        """
        WITH RECURSIVE reached(code) AS (
            SELECT omkostningssted FROM typed_organisation WHERE overordnet IS NULL
            UNION
            SELECT c.omkostningssted FROM typed_organisation c
            JOIN reached r ON c.overordnet = r.code
        )
        SELECT omkostningssted, _line_number FROM typed_organisation
        WHERE omkostningssted NOT IN (SELECT code FROM reached) ORDER BY 2 LIMIT 10
        """
    ).fetchall()
    if unreached:
        listed = ", ".join(f"{code} (line {line})" for code, line in unreached)
        return [f"the tree has a cycle: not reachable from the root: {listed}"]
    return []


ORGANISATION = FileSpec(
    source="organisation",
    table="organisation",
    pattern=r"organisation_(?P<extraction>\d{8})\.csv",
    description="Full snapshot of the organisation tree; the newest extraction wins.",
    columns=(
        Column("omkostningssted"),
        Column("navn"),
        Column("overordnet", required=False, nullable=True),
        Column(
            "niveau",
            ENUM,
            required=False,
            nullable=True,
            values=("kommune", "omraade", "center", "enhed"),
        ),
        Column("fagudvalg", required=False, nullable=True),
        Column("ydelse", required=False, nullable=True),
    ),
    file_columns=(FileColumn("extraction_date", DATE.upper(), extraction_date_literal),),
    **newest_snapshot_wins("organisation"),
    file_rules=(unique_within_file("organisation", "omkostningssted"), _one_root_no_cycles),
)

SPECS = [ORGANISATION]
