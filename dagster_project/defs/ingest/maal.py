"""maal/maalkatalog_YYYYMMDD.xlsx (three sheets and an optional fourth, `indsatser`) and
indikatorer/indikatorvaerdier_*.csv.

A catalogue error (a target against the indicator's direction, an unknown KPI, goal, node
or replaced indicator, a duplicate id, a period in the wrong form or order; an initiative
pointing at an unknown goal, indicator or node, at an indicator that is not monthly, or
ending before it starts) is reported by indicator or initiative id and quarantines the whole
catalogue: goals, and what is done to reach them, are decided together.
"""

from __future__ import annotations

import csv
import re

from dagster_project.lib.config import DBT_PROJECT_DIR
from dagster_project.lib.specs import (
    DATE,
    DECIMAL,
    ENUM,
    Column,
    FileColumn,
    FileSpec,
    extraction_date_literal,
    newest_snapshot_wins,
    unique_within_file,
)

PERIOD_FORMS = {
    "maaned": (r"^[0-9]{4}-(0[1-9]|1[0-2])$", "a month (YYYY-MM)"),
    "kvartal": (r"^[0-9]{4}-Q[1-4]$", "a quarter (YYYY-Qn)"),
    "aar": (r"^[0-9]{4}$", "a year (YYYY)"),
}
ANY_PERIOD = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
KPI_SEED = DBT_PROJECT_DIR / "seeds" / "kpi_definitions.csv"


def known_kpis() -> list[str]:
    """The KPI ids of kpis.md, from the same seed that fills dim_kpi."""
    with KPI_SEED.open(encoding="utf-8") as handle:
        return [row["kpi_id"] for row in csv.DictReader(handle)]


def _catalogue_errors(con) -> list[str]:
    errors = []
    indicators = con.execute(
        """
        SELECT i.indikator_id, i.maal_id, i.kpi, i.retning, i.frekvens, i.baseline_periode,
            i.baseline_vaerdi, i.maal_periode, i.maal_vaerdi, i.erstatter,
            m.maal_id IS NOT NULL AS goal_known,
            e.indikator_id IS NOT NULL OR i.erstatter IS NULL AS replaced_known
        FROM typed_indikatorer i
        LEFT JOIN typed_maal m ON m.maal_id = i.maal_id
        LEFT JOIN typed_indikatorer e ON e.indikator_id = i.erstatter
        WHERE i.indikator_id IS NOT NULL
        ORDER BY i._line_number
        """
    ).fetchall()
    kpis = set(known_kpis())
    for (
        indicator,
        goal,
        kpi,
        direction,
        frequency,
        baseline_period,
        baseline,
        target_period,
        target,
        replaces,
        goal_known,
        replaced_known,
    ) in indicators:
        problems = []
        if not goal_known:
            problems.append(f"unknown goal {goal}")
        if kpi is not None and kpi not in kpis:
            problems.append(f"unknown KPI {kpi}")
        if kpi is not None and frequency == "kvartal":
            problems.append("frekvens kvartal is only for delivered indicators (no kpi)")
        if not replaced_known:
            problems.append(f"erstatter names unknown indicator {replaces}")
        form = PERIOD_FORMS.get(frequency)
        for name, period in (
            ("baseline_periode", baseline_period),
            ("maal_periode", target_period),
        ):
            if form and period is not None and not re.match(form[0], period):
                problems.append(f"{name} '{period}' is not {form[1]} as frekvens {frequency} says")
        if baseline_period and target_period and baseline_period > target_period:
            problems.append(
                f"baseline_periode {baseline_period} lies after maal_periode {target_period}"
            )
        if baseline is not None and target is not None:
            if direction == "op" and not target > baseline:
                problems.append(
                    f"target {target:g} is not above the baseline {baseline:g} (retning op)"
                )
            if direction == "ned" and not target < baseline:
                problems.append(
                    f"target {target:g} is not below the baseline {baseline:g} (retning ned)"
                )
        errors += [f"indikator {indicator}: {problem}" for problem in problems]
    goals = con.execute(
        "SELECT m.maal_id, m.fagudvalg FROM typed_maal m WHERE m.fagudvalg IS NOT NULL "
        "AND m.fagudvalg NOT IN (SELECT fagudvalg FROM typed_udvalg WHERE fagudvalg IS NOT NULL) "
        "ORDER BY m._line_number"
    ).fetchall()
    errors += [f"maal {goal}: unknown fagudvalg {committee}" for goal, committee in goals]
    return errors + _initiative_errors(con)


def node_list(text: str | None) -> list[str]:
    """The nodes of an `omkostningssteder` or `sammenligning` cell: separated by `,`."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _initiative_errors(con) -> list[str]:
    rows = con.execute(
        """
        SELECT s.indsats_id, s.maal_id, s.indikator_id, s.omkostningssteder, s.sammenligning,
            s.startdato, s.slutdato, m.maal_id IS NOT NULL, i.indikator_id IS NOT NULL,
            i.frekvens
        FROM typed_indsatser s
        LEFT JOIN typed_maal m ON m.maal_id = s.maal_id
        LEFT JOIN typed_indikatorer i ON i.indikator_id = s.indikator_id
        WHERE s.indsats_id IS NOT NULL
        ORDER BY s._line_number
        """
    ).fetchall()
    nodes = {
        code for (code,) in con.execute("SELECT omkostningssted FROM raw.organisation").fetchall()
    }
    errors = []
    for (
        initiative,
        goal,
        indicator,
        treated,
        comparison,
        start,
        end,
        goal_known,
        indicator_known,
        frequency,
    ) in rows:
        problems = []
        if goal is not None and not goal_known:
            problems.append(f"unknown goal {goal}")
        if indicator is not None and not indicator_known:
            problems.append(f"unknown indicator {indicator}")
        if indicator_known and frequency != "maaned":
            problems.append(
                f"indicator {indicator} has frekvens {frequency}; an initiative's effect is "
                "measured on a monthly indicator (maaned)"
            )
        for name, cell in (("omkostningssteder", treated), ("sammenligning", comparison)):
            unknown = [node for node in node_list(cell) if node not in nodes]
            if unknown:
                problems.append(f"{name} names unknown node(s) {', '.join(unknown)}")
        if treated is not None and not node_list(treated):
            problems.append("omkostningssteder names no node")
        if start is not None and end is not None and end < start:
            problems.append(f"slutdato {end} lies before startdato {start}")
        errors += [f"indsats {initiative}: {problem}" for problem in problems]
    return errors


CATALOGUE_DATE = FileColumn("extraction_date", "DATE", extraction_date_literal)


def _sheet(table: str, columns: tuple[Column, ...], key: str, optional: bool = False) -> FileSpec:
    return FileSpec(
        source=table,  # the sheet's name
        table=table,
        pattern=r".*",
        columns=columns,
        file_columns=(CATALOGUE_DATE,),
        file_rules=(unique_within_file(table, key),),
        optional_sheet=optional,
        **newest_snapshot_wins("maalkatalog"),
    )


MAALKATALOG = FileSpec(
    source="maal",
    table="maalkatalog",
    pattern=r"maalkatalog_(?P<extraction>\d{8})\.xlsx",
    description="The goal catalogue: committees, goals and their indicators; newest wins.",
    columns=(),
    sheets=(
        _sheet("udvalg", (Column("fagudvalg"), Column("navn")), "fagudvalg"),
        _sheet(
            "maal",
            (
                Column("maal_id"),
                Column("fagudvalg"),
                Column("titel"),
                Column("beskrivelse", nullable=True),
                Column("maalgruppe", ENUM, values=("borgere", "organisation")),
                Column("ansvarlig", references_organisation=True),
                Column("startdato", DATE),
                Column("slutdato", DATE, nullable=True),
                Column("status", ENUM, values=("aktiv", "opfyldt", "opgivet")),
            ),
            "maal_id",
        ),
        _sheet(
            "indikatorer",
            (
                Column("indikator_id"),
                Column("maal_id"),
                Column("navn"),
                Column("kpi", required=False, nullable=True),
                Column(
                    "omkostningssted",
                    required=False,
                    nullable=True,
                    references_organisation=True,
                ),
                Column("enhed", required=False, nullable=True),
                Column("retning", ENUM, values=("op", "ned")),
                Column("frekvens", ENUM, values=("maaned", "kvartal", "aar")),
                Column("baseline_periode", pattern=ANY_PERIOD, pattern_hint="not a period"),
                Column("baseline_vaerdi", DECIMAL, required=False, nullable=True),
                Column("maal_periode", pattern=ANY_PERIOD, pattern_hint="not a period"),
                Column("maal_vaerdi", DECIMAL),
                Column("indfoert", DATE),
                Column("udfaset", DATE, required=False, nullable=True),
                Column("erstatter", required=False, nullable=True),
            ),
            "indikator_id",
        ),
        _sheet(
            "indsatser",
            (
                Column("indsats_id"),
                Column("maal_id"),
                Column("titel"),
                Column("forandringsteori", required=False, nullable=True),
                Column("indikator_id"),
                Column("omkostningssteder"),
                Column("sammenligning", required=False, nullable=True),
                Column("startdato", DATE),
                Column("slutdato", DATE, required=False, nullable=True),
                Column("omkostning_kr", DECIMAL, required=False, nullable=True, minimum=0),
            ),
            "indsats_id",
            optional=True,
        ),
    ),
    file_rules=(_catalogue_errors,),
    # Goals are decided as a whole: any broken row quarantines the catalogue.
    max_rejected_share=0.0,
    **newest_snapshot_wins("maalkatalog"),
)

INDIKATORVAERDIER = FileSpec(
    source="indikatorer",
    table="indikatorvaerdier",
    pattern=r"indikatorvaerdier_(?P<kilde>[A-Za-z0-9-]+)_(?P<extraction>\d{8})\.csv",
    description="Indicator values delivered by a subject system; a newer extraction from "
    "the same system replaces the rows with the same indicator, node and period.",
    columns=(
        Column("indikator_id"),
        Column("omkostningssted", references_organisation=True),
        Column("periode", pattern=ANY_PERIOD, pattern_hint="not a period (YYYY-MM, YYYY-Qn, YYYY)"),
        Column("vaerdi", DECIMAL),
        Column("taeller", DECIMAL, required=False, nullable=True),
        Column("naevner", DECIMAL, required=False, nullable=True),
    ),
    file_columns=(
        FileColumn("kilde", "VARCHAR", lambda f: f"'{f['kilde']}'"),
        CATALOGUE_DATE,
    ),
    file_rules=(),
    replace_keys=("indikator_id", "omkostningssted", "periode"),
    slot=lambda f: f"indikatorvaerdier:{f['kilde']}",
    version=lambda f: f["extraction"],
    replaces=lambda f: f"kilde = '{f['kilde']}'",
)

SPECS = [MAALKATALOG, INDIKATORVAERDIER]
