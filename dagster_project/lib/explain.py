"""`maalbar explain ID NODE PERIOD`: the way back from a published figure to its files.

A figure is a KPI of `marts.kpi_values`, a goal indicator of `marts.goal_progress` or an
initiative of `marts.indsats_effekt` (asked for with a node that runs it and a month of its
periods; its units and their means come from `marts.indsats_enhedsaendringer`). Its
definition, value and run come from the publication; the files that fed it from the
publication's copy of the ledger; the rows used (file and line) from the warehouse's raw
tables, opened read-only, whose lineage columns name the file and line of every row. Only
rows of files the publication was built from are shown, so a later delivery that has not
been published yet does not appear in the explanation of an older figure.

The rows are chosen by the same rules as the dbt models (docs/kpis.md); `docs/operations.md`
("Trace a figure") says where a list is a superset of the rows that count.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from dagster_project.lib.config import Settings
from dagster_project.lib.formatting import format_date, format_figure, format_number

# Rows listed per file unless `--all` is given.
ROWS_SHOWN = 20
SICKNESS_CAUSES = "('SYG', 'ASK', 'GRAV', 'S56')"
# The goal catalogue's sheets land in raw tables of these names; their line is the sheet row.
CATALOGUE_SHEETS = {"udvalg", "maal", "indikatorer", "indsatser"}
PERIOD_PATTERN = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")


class UnknownFigure(Exception):
    """The figure asked for is not published (or cannot be traced now); one line says why."""


@dataclass(frozen=True)
class Feed:
    """Rows of one raw table that fed a figure. `sql` selects `_file_name, _file_sha256,
    _line_number` from `wh.raw.<table>`; it may read the temporary tables `scope` (the
    figure's KPI, period bounds and horizon) and `subtree` (the node's cost centres)."""

    table: str
    what: str
    sql: str


@dataclass
class Part:
    table: str
    what: str
    count: int
    lines: list[int]


@dataclass
class SourceFile:
    file_name: str
    sha256: str
    version: str
    slot: str
    seen_at: datetime | None
    parts: list[Part] = field(default_factory=list)


@dataclass
class Figure:
    kind: str  # "KPI" or "goal indicator"
    figure_id: str
    name: str
    node: str
    node_name: str
    subtree_size: int
    period: str
    definition: list[str]  # paragraphs
    shown: list[str]  # the value as published and what stands beside it, one line each
    kpi: str | None  # the KPI whose published months bound the period, if any
    feeds: list[Feed]
    # Set for a figure over a span of months (an initiative): (first, last), YYYY-MM.
    months: tuple[str, str] | None = None


@dataclass
class Explanation:
    figure: Figure
    days: str  # the period's first and last day, in words
    run_id: str
    published_at: datetime
    sources: list[SourceFile]
    calendar: str | None
    notes: list[str]


# --- Which rows fed which KPI --------------------------------------------------------------

IN_SUBTREE = "r.omkostningssted IN (SELECT omkostningssted FROM subtree)"

ORGANISATION = Feed(
    "organisation",
    "the node and the cost centres below it in the organisation tree",
    f"SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.organisation r "
    f"WHERE {IN_SUBTREE}",
)

# kpis.md: the population is lønform MDR, elev N; the node counts its subtree's employments.
POPULATION = f"""
    population AS (
        SELECT r.* FROM wh.raw.ansaettelser r
        WHERE upper(trim(r.loenform)) = 'MDR' AND upper(trim(r.elev)) = 'N' AND {IN_SUBTREE}
    )"""


def _active_on(day: str) -> str:
    return f"(p.startdato <= {day} AND (p.slutdato IS NULL OR p.slutdato >= {day}))"


EMPLOYMENTS_IN_PERIOD = Feed(
    "ansaettelser",
    "the population's employments (lønform MDR, elev N) in the subtree that are active on "
    "at least one working day of the period",
    f"""WITH {POPULATION}
    SELECT p._file_name, p._file_sha256, p._line_number FROM population p, scope
    WHERE EXISTS (
        SELECT 1 FROM wh.raw.kalender k
        WHERE k.er_arbejdsdag AND k.dato BETWEEN greatest(p.startdato, scope.first_day)
            AND least(coalesce(p.slutdato, scope.last_day), scope.last_day)
    )""",
)

# Each sickness spell of a population employment on the working days it covers in the
# period, within the days its employment is active (docs/kpis.md: an open spell runs to the
# HR horizon, a spell of more than 30 calendar days is long-term).
SPELL_DAYS = f"""WITH {POPULATION},
    spells AS (
        SELECT f._file_name, f._file_sha256, f._line_number, f.ansaettelsesnr,
            p.beskaeftigelsesgrad AS grad,
            coalesce(f.timer_pr_dag / 7.4, p.beskaeftigelsesgrad) AS asked,
            coalesce(f.til_dato, scope.horizon) - f.fra_dato + 1 > 30 AS long_term,
            greatest(f.fra_dato, p.startdato, scope.first_day) AS from_day,
            least(coalesce(f.til_dato, scope.horizon), coalesce(p.slutdato, scope.horizon),
                scope.horizon, scope.last_day) AS to_day
        FROM wh.raw.fravaer f
        JOIN population p ON f.ansaettelsesnr = p.ansaettelsesnr
        CROSS JOIN scope
        WHERE upper(trim(f.aarsag)) IN {SICKNESS_CAUSES} AND f.fra_dato <= scope.horizon
    ),
    spell_days AS (
        SELECT s.*, k.dato FROM spells s
        JOIN wh.raw.kalender k ON k.dato BETWEEN s.from_day AND s.to_day
        WHERE k.er_arbejdsdag
    ),
    days AS (
        SELECT ansaettelsesnr, dato, any_value(grad) AS grad,
            coalesce(sum(asked) FILTER (WHERE NOT long_term), 0) AS short_asked,
            coalesce(sum(asked) FILTER (WHERE long_term), 0) AS long_asked
        FROM spell_days GROUP BY ansaettelsesnr, dato
    )"""


def _spells(kind: str) -> Feed:
    """The sickness spells behind the total, the short-term or the long-term figure. On a day
    where short and long spells meet the cap (the employment's fraction), the capped day is
    shared in proportion to both, so the other kind's spells of that day fed it too."""
    if kind == "all":
        where, what = "true", "the sickness spells (SYG, ASK, GRAV, S56)"
    else:
        own, other = (
            ("NOT s.long_term", "short_asked") if kind == "short" else ("s.long_term", "long_asked")
        )
        where = f"{own} OR (d.{other} > 0 AND d.short_asked + d.long_asked > d.grad)"
        length = "at most 30" if kind == "short" else "more than 30"
        what = (
            f"the sickness spells (SYG, ASK, GRAV, S56) of {length} calendar days, and those "
            "of the other kind on a day whose cap they share"
        )
    return Feed(
        "fravaer",
        f"{what} of those employments that cover a working day of the period on which the "
        "employment is active",
        f"""{SPELL_DAYS}
        SELECT s._file_name, s._file_sha256, s._line_number FROM spell_days s
        JOIN days d ON s.ansaettelsesnr = d.ansaettelsesnr AND s.dato = d.dato
        WHERE {where}""",
    )


EMPLOYMENTS_ON_LAST_DAY = Feed(
    "ansaettelser",
    "the population's employments in the subtree active on the period's last day (the HR "
    "horizon in the horizon's year)",
    f"""WITH {POPULATION}
    SELECT p._file_name, p._file_sha256, p._line_number FROM population p, scope
    WHERE {_active_on("scope.last_day")}""",
)
EMPLOYMENTS_AT_WINDOW_ENDS = Feed(
    "ansaettelser",
    "the population's employments in the subtree active on the first or the last day of "
    "the turnover window",
    f"""WITH {POPULATION}
    SELECT p._file_name, p._file_sha256, p._line_number FROM population p, scope
    WHERE {_active_on("scope.window_start")} OR {_active_on("scope.window_end")}""",
)


def _postings(months: str, filter_sql: str, what: str) -> Feed:
    return Feed(
        "posteringer",
        what,
        f"SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.posteringer r, scope "
        f"WHERE {IN_SUBTREE} AND r.regnskabsmaaned BETWEEN {months} AND {filter_sql}",
    )


def _budget(dranst: str, what: str) -> Feed:
    return Feed(
        "budget",
        what,
        f"SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.budget r, scope "
        f"WHERE {IN_SUBTREE} AND r.aar = scope.year AND trim(r.dranst) IN {dranst}",
    )


DRIFT, ANLAEG = "('1', '2')", "('3')"
PERIOD_MONTHS = "scope.first_month AND scope.last_month"
YEAR_TO_DATE = "scope.year_start AND scope.last_month"

# A survey answer with a score, in the subtree and the period's rounds.
ANSWERS = (
    "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.besvarelser r, scope "
    f"WHERE {IN_SUBTREE} AND r.runde BETWEEN {PERIOD_MONTHS} AND r.score IS NOT NULL"
)
# The KPI id of a theme, as int_besvarelser_aggregated_by_respondent builds it.
THEME_KPI = (
    "'trivsel_' || replace(replace(replace(lower(upper(trim(q.tema))), 'æ', 'ae'), 'ø', 'oe'), "
    "'å', 'aa')"
)
THEME_QUESTIONS = f"SELECT q.* FROM wh.raw.spoergsmaal q, scope WHERE {THEME_KPI} = scope.kpi"


def _suggestions(date_column: str, extra: str, what: str) -> Feed:
    return Feed(
        "forslag",
        what,
        f"SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.forslag r, scope "
        f"WHERE {IN_SUBTREE} AND strftime(r.{date_column}, '%Y-%m') BETWEEN {PERIOD_MONTHS}"
        f"{extra}",
    )


def kpi_feeds(kpi: str) -> list[Feed]:
    """The raw rows each KPI of kpis.md reads, by the rules of its dbt model."""
    hr_sickness = {
        "sygefravaer_pct": "all",
        "sygefravaer_dage_pr_aarsvaerk": "all",
        "korttidssygefravaer_pct": "short",
        "langtidssygefravaer_pct": "long",
    }
    if kpi in hr_sickness:
        return [EMPLOYMENTS_IN_PERIOD, _spells(hr_sickness[kpi]), ORGANISATION]
    if kpi == "aarsvaerk":
        return [EMPLOYMENTS_IN_PERIOD, ORGANISATION]
    if kpi == "medarbejdere":
        return [EMPLOYMENTS_ON_LAST_DAY, ORGANISATION]
    if kpi in ("personaleomsaetning_afgang_pct", "personaleomsaetning_tilgang_pct"):
        return [EMPLOYMENTS_AT_WINDOW_ENDS, ORGANISATION]
    if kpi == "forbrug_drift":
        drift = f"trim(r.dranst) IN {DRIFT}"
        return [
            _postings(
                PERIOD_MONTHS,
                drift,
                "drift postings (dranst 1, 2) in the subtree in the period's months",
            ),
            ORGANISATION,
        ]
    if kpi == "korrigeret_budget_drift":
        return [
            _budget(
                DRIFT, "drift budget rows (dranst 1, 2; OPR, TB, OVF) of the year in the subtree"
            ),
            ORGANISATION,
        ]
    if kpi in ("forbrugsprocent_drift", "forbrugsprocent_anlaeg"):
        dranst, kind = (
            (DRIFT, "drift (dranst 1, 2)")
            if kpi.endswith("drift")
            else (ANLAEG, "anlæg (dranst 3)")
        )
        return [
            _postings(
                YEAR_TO_DATE,
                f"trim(r.dranst) IN {dranst}",
                f"{kind} postings in the subtree from January through the period's last month",
            ),
            _budget(dranst, f"{kind} budget rows (OPR, TB, OVF) of the year in the subtree"),
            ORGANISATION,
        ]
    if kpi == "driftsudgift_pr_indbygger":
        return [
            _postings(
                PERIOD_MONTHS,
                f"trim(r.dranst) IN {DRIFT} AND left(r.funktion, 1) BETWEEN '0' AND '6'",
                "drift postings (dranst 1, 2) on hovedkonto 0-6 in the year, in the whole "
                "organisation",
            ),
            Feed(
                "befolkning",
                "the population of 1 January of the year, every age",
                "SELECT r._file_name, r._file_sha256, r._line_number "
                "FROM wh.raw.befolkning r, scope WHERE r.aar = scope.year",
            ),
            ORGANISATION,
        ]
    if kpi == "enhedsomkostning":
        activity = (
            "SELECT 1 FROM wh.raw.aktivitet a WHERE a.omkostningssted = r.omkostningssted "
            "AND a.maaned = r.regnskabsmaaned"
        )
        return [
            _postings(
                PERIOD_MONTHS,
                f"trim(r.dranst) IN {DRIFT} AND EXISTS ({activity})",
                "drift postings (dranst 1, 2) of each cost centre in the subtree, in the months "
                "of the period in which that cost centre has activity rows",
            ),
            Feed(
                "aktivitet",
                "activity rows in the subtree in the period's months",
                "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.aktivitet r, "
                f"scope WHERE {IN_SUBTREE} AND r.maaned BETWEEN {PERIOD_MONTHS}",
            ),
            ORGANISATION,
        ]
    if kpi.startswith("trivsel_"):
        return [
            Feed(
                "besvarelser",
                "the non-empty scores in the subtree, in the period's rounds, to questions of "
                "the theme",
                f"{ANSWERS} AND r.spoergsmaal_id IN "
                f"(SELECT spoergsmaal_id FROM ({THEME_QUESTIONS}))",
            ),
            Feed(
                "spoergsmaal",
                "the questions of the theme",
                f"SELECT _file_name, _file_sha256, _line_number FROM ({THEME_QUESTIONS})",
            ),
            ORGANISATION,
        ]
    if kpi == "svarprocent":
        return [
            Feed(
                "besvarelser",
                "the non-empty scores in the subtree in the period's rounds (their "
                "respondents answered)",
                ANSWERS,
            ),
            Feed(
                "inviterede",
                "the invitations in the subtree in the period's rounds",
                "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.inviterede r, "
                f"scope WHERE {IN_SUBTREE} AND r.runde BETWEEN {PERIOD_MONTHS}",
            ),
            ORGANISATION,
        ]
    if kpi == "forslag_indsendt":
        return [
            _suggestions("indsendt", "", "suggestions in the subtree submitted in the period"),
            ORGANISATION,
        ]
    if kpi == "forslag_gennemfoert_pct":
        return [
            _suggestions(
                "afgjort",
                " AND lower(trim(r.status)) IN ('gennemfoert', 'afvist')",
                "suggestions in the subtree carried out or rejected (afgjort) in the period",
            ),
            ORGANISATION,
        ]
    raise UnknownFigure(f"explain does not know which rows feed KPI {kpi} yet")


# The numerator and denominator of each KPI: what they count, and the unit they are shown in.
PARTS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "sygefravaer_pct": (("sygefraværsdagsværk", "dagsværk"), ("mulige dagsværk", "dagsværk")),
    "korttidssygefravaer_pct": (
        ("sygefraværsdagsværk af forløb på højst 30 dage", "dagsværk"),
        ("mulige dagsværk", "dagsværk"),
    ),
    "langtidssygefravaer_pct": (
        ("sygefraværsdagsværk af forløb på mere end 30 dage", "dagsværk"),
        ("mulige dagsværk", "dagsværk"),
    ),
    "sygefravaer_dage_pr_aarsvaerk": (("sygefraværsdagsværk", "dagsværk"), ("årsværk", "årsværk")),
    "aarsvaerk": (("mulige dagsværk", "dagsværk"), ("arbejdsdage i perioden", "antal")),
    "medarbejdere": (("personer", "antal"), None),
    "personaleomsaetning_afgang_pct": (
        ("personer i S, ikke i E", "antal"),
        ("personer i S", "antal"),
    ),
    "personaleomsaetning_tilgang_pct": (
        ("personer i E, ikke i S", "antal"),
        ("personer i S", "antal"),
    ),
    "forbrug_drift": (("driftsposteringer", "kr."), None),
    "korrigeret_budget_drift": (("korrigeret driftsbudget", "kr."), None),
    "forbrugsprocent_drift": (
        ("driftsposteringer år til dato", "kr."),
        ("korrigeret budget", "kr."),
    ),
    "forbrugsprocent_anlaeg": (
        ("anlægsposteringer år til dato", "kr."),
        ("korrigeret budget", "kr."),
    ),
    "driftsudgift_pr_indbygger": (
        ("driftsposteringer, hovedkonto 0-6", "kr."),
        ("indbyggere 1. januar", "antal"),
    ),
    "enhedsomkostning": (
        ("driftsposteringer i måneder med aktivitet", "kr."),
        ("aktivitet", "enheder"),
    ),
    "svarprocent": (("respondenter", "antal"), ("inviterede", "antal")),
    "forslag_indsendt": (("indsendte forslag", "antal"), None),
    "forslag_gennemfoert_pct": (("gennemførte forslag", "antal"), ("afgjorte forslag", "antal")),
}
TRIVSEL_PARTS = (("sum af scorer", "antal"), ("antal scorer", "antal"))
SUPPRESSED = (
    "undertrykt (suppressed for discretion: too few persons or respondents, or hidden so "
    "that another hidden figure cannot be recovered by subtraction). No value, numerator or "
    "denominator is shown."
)
STATUS_WORDS = {
    "naaet": "naaet (target reached)",
    "paa_sporet": "paa_sporet (on track)",
    "i_risiko": "i_risiko (at risk)",
    "ikke_paa_sporet": "ikke_paa_sporet (off track)",
    "ingen_data": "ingen_data (no value for the period)",
}


# --- The figure, from the publication ----------------------------------------------------


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> tuple | None:
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def _record(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict | None:
    row = _one(con, sql, params)
    return None if row is None else dict(zip([d[0] for d in con.description], row, strict=True))


def _node(con: duckdb.DuckDBPyConnection, node: str) -> tuple[str, int]:
    found = _one(con, "SELECT navn FROM marts.dim_organisation WHERE omkostningssted = ?", [node])
    if found is None:
        raise UnknownFigure(f"unknown cost centre {node}: not in marts.dim_organisation")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE subtree AS
        WITH RECURSIVE tree(omkostningssted) AS (
            SELECT omkostningssted FROM marts.dim_organisation WHERE omkostningssted = $node
            UNION
            SELECT o.omkostningssted FROM marts.dim_organisation o
            JOIN tree ON o.overordnet = tree.omkostningssted
        )
        SELECT omkostningssted FROM tree""",
        {"node": node},
    )
    return found[0], con.execute("SELECT count(*) FROM subtree").fetchall()[0][0]


def _periods_text(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> str:
    spans = [
        f"{first}" if first == last else f"{first} to {last}"
        for first, last in con.execute(sql, params).fetchall()
    ]
    return " and ".join(spans) or "none"


def _kpi_figure(con: duckdb.DuckDBPyConnection, kpi: str, node: str, period: str) -> Figure:
    name, unit, definition = _one(
        con, "SELECT navn, enhed, definition FROM marts.dim_kpi WHERE kpi_id = ?", [kpi]
    )
    node_name, size = _node(con, node)
    row = _one(
        con,
        "SELECT vaerdi, taeller, naevner, undertrykt FROM marts.kpi_values "
        "WHERE kpi_id = ? AND omkostningssted = ? AND periode = ?",
        [kpi, node, period],
    )
    if row is None:
        periods = _periods_text(
            con,
            "SELECT min(periode), max(periode) FROM marts.kpi_values WHERE kpi_id = ? "
            "AND omkostningssted = ? GROUP BY periodetype ORDER BY periodetype DESC",
            [kpi, node],
        )
        raise UnknownFigure(
            f"{kpi} has no published figure for {node} in {period} "
            f"(its periods at {node}: {periods})"
        )
    return Figure(
        kind="KPI",
        figure_id=kpi,
        name=name,
        node=node,
        node_name=node_name,
        subtree_size=size,
        period=period,
        definition=[f"Definition (marts.dim_kpi): {definition}"],
        shown=_kpi_shown(kpi, unit, *row),
        kpi=kpi,
        feeds=kpi_feeds(kpi),
    )


def _kpi_shown(kpi, unit, value, numerator, denominator, suppressed) -> list[str]:
    if suppressed:
        return [f"As published: {SUPPRESSED}"]
    top, bottom = TRIVSEL_PARTS if kpi.startswith("trivsel_") else PARTS[kpi]
    lines = [f"As published: {format_figure(value, unit)}"]
    if numerator is not None:
        lines.append(f"numerator ({top[0]}): {format_figure(numerator, top[1])}")
    if bottom is not None and denominator is not None:
        lines.append(f"denominator ({bottom[0]}): {format_figure(denominator, bottom[1])}")
    return lines


def _indicator_figure(
    con: duckdb.DuckDBPyConnection, indicator: str, node: str, period: str
) -> Figure:
    published = _record(
        con,
        "SELECT omkostningssted, vaerdi, baseline_vaerdi, maal_vaerdi, fremdrift_pct, "
        "forventet_fremdrift_pct, status FROM marts.goal_progress "
        "WHERE indikator_id = ? AND periode = ?",
        [indicator, period],
    )
    if published is None:
        periods = _periods_text(
            con,
            "SELECT min(periode), max(periode) FROM marts.goal_progress WHERE indikator_id = ?",
            [indicator],
        )
        raise UnknownFigure(
            f"goal indicator {indicator} has no published row for {period} (its periods: {periods})"
        )
    if node != published["omkostningssted"]:
        raise UnknownFigure(
            f"goal indicator {indicator} is published for cost centre "
            f"{published['omkostningssted']}, not {node}"
        )
    node_name, size = _node(con, node)
    c = _record(
        con,
        "SELECT navn, maal_id, maal_titel, fagudvalg, kpi, frekvens, retning, enhed, "
        "baseline_periode, maal_periode FROM marts.indicator_portfolio WHERE indikator_id = ?",
        [indicator],
    )
    kpi, unit = c["kpi"], c["enhed"]
    better = "higher" if c["retning"] == "op" else "lower"
    source = "delivered in the indikatorer/ files"
    if kpi:
        source = f"the KPI {kpi} ({c['frekvens']}) at {node}"
    definition = [
        f"Goal catalogue (marts.indicator_portfolio): an indicator of goal {c['maal_id']} "
        f"({c['maal_titel']}), committee {c['fagudvalg']}; frequency {c['frekvens']}, "
        f"direction {c['retning']} ({better} is better), unit {unit or 'none given'}. "
        f"Its value is {source}.",
    ]
    kpi_row = None
    if kpi:
        # A KPI indicator's value is the KPI's, so it is shown by the KPI's unit.
        unit, kpi_definition = _one(
            con, "SELECT enhed, definition FROM marts.dim_kpi WHERE kpi_id = ?", [kpi]
        )
        definition.append(f"Definition of {kpi} (marts.dim_kpi): {kpi_definition}")
        kpi_row = _one(
            con,
            "SELECT vaerdi, taeller, naevner, undertrykt FROM marts.kpi_values "
            "WHERE kpi_id = ? AND omkostningssted = ? AND periode = ?",
            [kpi, node, period],
        )
    if kpi_row is not None:
        shown = _kpi_shown(kpi, unit, *kpi_row)
    elif published["vaerdi"] is None:
        why = (
            f"{kpi} has no published figure for {node} in {period}"
            if kpi
            else "no value was delivered for the node and period"
        )
        shown = [f"As published: no value ({why})"]
    else:
        shown = [f"As published: {format_figure(published['vaerdi'], unit)}"]
    baseline_from = (
        "the catalogue"
        if _catalogue_baseline(con, indicator)
        else f"the indicator's own value in {c['baseline_periode']}"
    )
    progress = format_figure(published["fremdrift_pct"], "%") or "none"
    shown += [
        f"baseline ({c['baseline_periode']}, from {baseline_from}): "
        f"{format_figure(published['baseline_vaerdi'], unit) or 'none'}",
        f"target ({c['maal_periode']}): {format_figure(published['maal_vaerdi'], unit)}",
        f"progress: {progress} of the way from baseline to target, "
        f"{format_figure(published['forventet_fremdrift_pct'], '%')} expected by now",
        f"status: {STATUS_WORDS.get(published['status'], published['status'])}",
    ]
    return Figure(
        kind="goal indicator",
        figure_id=indicator,
        name=c["navn"],
        node=node,
        node_name=node_name,
        subtree_size=size,
        period=period,
        definition=definition,
        shown=shown,
        kpi=kpi,
        feeds=_indicator_feeds(indicator, kpi, kpi_row is not None),
    )


def _catalogue_baseline(con: duckdb.DuckDBPyConnection, indicator: str) -> bool:
    found = _one(
        con,
        "SELECT baseline_vaerdi IS NOT NULL FROM wh.raw.indikatorer WHERE trim(indikator_id) = ?",
        [indicator],
    )
    return bool(found and found[0])


def _indicator_feeds(indicator: str, kpi: str | None, kpi_published: bool) -> list[Feed]:
    catalogue = [
        Feed(
            "indikatorer",
            "the indicator's row of the goal catalogue (baseline, target, node, KPI)",
            "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.indikatorer r, "
            "scope WHERE trim(r.indikator_id) = scope.kpi_or_indicator",
        ),
        Feed(
            "maal",
            "the goal the indicator measures",
            "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.maal r "
            "WHERE trim(r.maal_id) IN (SELECT trim(i.maal_id) FROM wh.raw.indikatorer i, scope "
            "WHERE trim(i.indikator_id) = scope.kpi_or_indicator)",
        ),
    ]
    if kpi:
        return (kpi_feeds(kpi) if kpi_published else []) + catalogue
    # int_indikatorvaerdier_deduplicated: the newest extraction wins, then the first kilde.
    delivered = Feed(
        "indikatorvaerdier",
        "the delivered value for the indicator, node and period (of several deliveries, the "
        "newest extraction, then the first kilde in alphabetical order)",
        """SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.indikatorvaerdier r,
            scope
        WHERE trim(r.indikator_id) = scope.kpi_or_indicator
            AND trim(r.omkostningssted) = scope.node AND upper(trim(r.periode)) = scope.period
        QUALIFY row_number() OVER (ORDER BY r.extraction_date DESC, r.kilde) = 1""",
    )
    return [delivered, *catalogue]


VERDICT_WORDS = {
    "virker": "it works (the whole interval lies on the good side of 0)",
    "virker_modsat": "it works against the goal (the whole interval lies on the bad side of 0)",
    "uafklaret": "undecided (the interval holds 0)",
    "for_tidligt": "too early to say (fewer than 3 months after the start)",
    "kan_ikke_vurderes": "cannot be judged (no treated unit or fewer than 2 comparison units "
    "with 3 months of values in each period)",
}


def _initiative_figure(
    con: duckdb.DuckDBPyConnection, initiative: str, node: str, period: str
) -> Figure:
    """An initiative of marts.indsats_effekt, asked for with a node that runs it and a month
    of its periods: the units on each side with their means, and the rows behind them."""
    e = _record(con, "SELECT * FROM marts.indsats_effekt WHERE indsats_id = ?", [initiative])
    listed = [part.strip() for part in e["omkostningssteder"].split(",")]
    if node not in listed:
        raise UnknownFigure(
            f"initiative {initiative} is run by {', '.join(listed)}; ask with one of them, "
            f"not {node}"
        )
    last = e["efter_til"] or e["foer_til"]
    if not (len(period) == 7 and e["foer_fra"] <= period <= last):
        raise UnknownFigure(
            f"initiative {initiative} covers the months {e['foer_fra']} to {last}; "
            f"{period} is not one of them"
        )
    node_name, _ = _node(con, node)
    units = con.execute(
        "SELECT a.side, a.omkostningssted, o.navn, a.foer_maaneder, a.foer_gns, "
        "a.efter_maaneder, a.efter_gns, a.deltager, a.aendring "
        "FROM marts.indsats_enhedsaendringer a "
        "JOIN marts.dim_organisation o USING (omkostningssted) "
        "WHERE a.indsats_id = ? ORDER BY a.side, a.omkostningssted",
        [initiative],
    ).fetchall()
    # The rows behind every unit's values: the feeds read the units as the `subtree`.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE subtree AS SELECT omkostningssted "
        "FROM marts.indsats_enhedsaendringer WHERE indsats_id = ?",
        [initiative],
    )
    # A difference of two percentages is in percentage points.
    unit = "procentpoint" if e["enhed"] == "%" else e["enhed"]
    level_unit = e["enhed"]
    kpi = _one(
        con, "SELECT kpi FROM marts.indicator_portfolio WHERE indikator_id = ?", [e["indikator_id"]]
    )[0]
    post = f"{e['efter_fra']} to {e['efter_til']}" if e["efter_fra"] else "none yet"
    definition = [
        f"Initiative (goal catalogue, sheet indsatser) of goal {e['maal_id']}, committee "
        f"{e['fagudvalg']}: {e['titel']}. Started {format_date(e['startdato'])}"
        + (f", ended {format_date(e['slutdato'])}" if e["slutdato"] else ", still running")
        + f". Meant to move indicator {e['indikator_id']} ({e['indikator_navn']}, direction "
        f"{e['retning']}).",
        "Effect (docs/kpis.md, Initiative effect): a difference in differences on unit level. "
        f"Each unit's change d is its mean in the post-period ({post}) minus its mean in the "
        f"pre-period ({e['foer_fra']} to {e['foer_til']}); a unit takes part with at least 3 "
        "months with a value in each (suppressed months count as missing). effekt = the mean d "
        "of the treated units minus the mean d of the comparison units, with a 95 % interval "
        "from Student's t.",
    ]
    verdict = VERDICT_WORDS[e["vurdering"]]
    if e["effekt"] is None:
        shown = [f"As published: no effect estimated; verdict: {verdict}"]
    else:
        shown = [
            f"As published: effekt {format_figure(e['effekt'], unit)}, 95 % interval "
            f"{format_figure(e['effekt_lav'], unit)} to {format_figure(e['effekt_hoej'], unit)}; "
            f"verdict: {verdict}"
        ]
    shown.append(
        f"treated units taking part: {e['antal_enheder']}, comparison units taking part: "
        f"{e['antal_sammenligning']}"
    )
    for side, code, name, n_pre, pre, n_post, post_mean, takes_part, change in units:
        role = "treated" if side == "indsats" else "comparison"
        means = (
            f"pre mean {format_figure(pre, level_unit) or 'none'} ({n_pre} months), post mean "
            f"{format_figure(post_mean, level_unit) or 'none'} ({n_post} months)"
        )
        verdict_of_unit = f"d {format_figure(change, unit)}" if takes_part else "does not take part"
        shown.append(f"{role} unit {code} {name}: {means}; {verdict_of_unit}")
    return Figure(
        kind="initiative",
        figure_id=initiative,
        name=e["titel"],
        node=node,
        node_name=node_name,
        subtree_size=len(units),
        period=period,
        definition=definition,
        shown=shown,
        kpi=kpi,
        feeds=_initiative_feeds(initiative, e["indikator_id"], kpi),
        months=(e["foer_fra"], last),
    )


def _initiative_feeds(initiative: str, indicator: str, kpi: str | None) -> list[Feed]:
    catalogue = [
        Feed(
            "indsatser",
            "the initiative's row of the goal catalogue (units, comparison, dates)",
            "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.indsatser r "
            f"WHERE trim(r.indsats_id) = '{initiative}'",
        ),
        Feed(
            "indikatorer",
            "the indicator the initiative is meant to move",
            "SELECT r._file_name, r._file_sha256, r._line_number FROM wh.raw.indikatorer r "
            f"WHERE trim(r.indikator_id) = '{indicator}'",
        ),
    ]
    if kpi:
        return kpi_feeds(kpi) + catalogue
    delivered = Feed(
        "indikatorvaerdier",
        "the delivered values of the units in the months of the two periods (per unit and "
        "month, the newest extraction, then the first kilde in alphabetical order)",
        f"""SELECT r._file_name, r._file_sha256, r._line_number
        FROM wh.raw.indikatorvaerdier r, scope
        WHERE trim(r.indikator_id) = '{indicator}'
            AND trim(r.omkostningssted) IN (SELECT omkostningssted FROM subtree)
            AND upper(trim(r.periode)) BETWEEN scope.first_month AND scope.last_month
        QUALIFY row_number() OVER (
            PARTITION BY trim(r.omkostningssted), upper(trim(r.periode))
            ORDER BY r.extraction_date DESC, r.kilde) = 1""",
    )
    return [delivered, *catalogue]


# Each kind of published figure: (does the publication know this id?, its Figure).
def _is_kpi(con: duckdb.DuckDBPyConnection, figure_id: str) -> bool:
    return _one(con, "SELECT 1 FROM marts.dim_kpi WHERE kpi_id = ?", [figure_id]) is not None


def _is_indicator(con: duckdb.DuckDBPyConnection, figure_id: str) -> bool:
    return (
        _one(con, "SELECT 1 FROM marts.indicator_portfolio WHERE indikator_id = ?", [figure_id])
        is not None
    )


def _is_initiative(con: duckdb.DuckDBPyConnection, figure_id: str) -> bool:
    known = _one(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND table_name = 'indsats_effekt'",
        [],
    )
    return bool(known[0]) and (
        _one(con, "SELECT 1 FROM marts.indsats_effekt WHERE indsats_id = ?", [figure_id])
        is not None
    )


FIGURE_KINDS = (
    (_is_kpi, _kpi_figure),
    (_is_indicator, _indicator_figure),
    (_is_initiative, _initiative_figure),
)


# --- Period bounds -------------------------------------------------------------------------


def _last_day(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    following = date(year + number // 12, number % 12 + 1, 1)
    return following - timedelta(days=1)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _scope(con: duckdb.DuckDBPyConnection, figure: Figure, period: str) -> str:
    """The period's bounds as the KPI's models use them, in words. A year runs to its last
    month with a published figure of the KPI (year to date at the horizon); the HR horizon is
    the last day of the KPI's last published month."""
    kpi = figure.kpi
    year = int(period[:4])
    if figure.months:  # a span: an initiative's two periods
        first_month, last_month = figure.months
    elif "-Q" in period:  # a delivered indicator's quarter
        quarter = int(period[-1])
        first_month, last_month = f"{year}-{3 * quarter - 2:02d}", f"{year}-{3 * quarter:02d}"
    elif len(period) == 7:
        first_month = last_month = period
    else:
        first_month = f"{year}-01"
        last = _one(
            con,
            "SELECT max(periode) FROM marts.kpi_values WHERE kpi_id = ? "
            "AND periodetype = 'maaned' AND periode LIKE ?",
            [kpi, f"{year}-%"],
        )
        last_month = (last and last[0]) or f"{year}-12"
    horizon_month = _one(
        con,
        "SELECT max(periode) FROM marts.kpi_values WHERE kpi_id = ? AND periodetype = 'maaned'",
        [kpi],
    )[0]
    first_day = date(int(first_month[:4]), int(first_month[5:7]), 1)
    last_day = _last_day(last_month)
    window_start = first_day if len(period) == 4 else _months_back(first_day, 11)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE scope AS SELECT
            $kpi AS kpi, $id AS kpi_or_indicator, $node AS node, $period AS period,
            $year AS year, $year_start AS year_start,
            $first_month AS first_month, $last_month AS last_month,
            $first_day::DATE AS first_day, $last_day::DATE AS last_day,
            $horizon::DATE AS horizon, $window_start::DATE AS window_start,
            $last_day::DATE AS window_end""",
        {
            "kpi": kpi,
            "id": figure.figure_id,
            "node": figure.node,
            "period": period,
            "year": year,
            "year_start": f"{year}-01",
            "first_month": first_month,
            "last_month": last_month,
            "first_day": first_day,
            "last_day": last_day,
            "horizon": _last_day(horizon_month) if horizon_month else last_day,
            "window_start": window_start,
        },
    )
    days = f"{format_date(first_day)} to {format_date(last_day)}"
    if EMPLOYMENTS_AT_WINDOW_ENDS in figure.feeds:
        days += f"; turnover window {format_date(window_start)} to {format_date(last_day)}"
    return days


# --- The rows, from the warehouse ----------------------------------------------------------


def _attach_warehouse(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    if not settings.warehouse_path.exists():
        raise UnknownFigure(
            f"no warehouse at {settings.warehouse_path}: the rows behind the publication are "
            "kept there"
        )
    try:
        con.execute(f"ATTACH IF NOT EXISTS '{settings.warehouse_path}' AS wh (READ_ONLY)")
    except duckdb.IOException as err:
        if "lock" not in str(err).lower():
            raise
        raise UnknownFigure(
            f"a run is writing the warehouse at {settings.warehouse_path}; the rows can be "
            "listed when it has published"
        ) from None


def _feed_rows(
    con: duckdb.DuckDBPyConnection, feed: Feed, limit: int | None
) -> tuple[list[tuple], int]:
    """Per file of the publication: (name, sha, count, first lines); and the number of rows
    of files the publication was not built from (loaded after it)."""
    lines = "list(_line_number ORDER BY _line_number)"
    if limit is not None:
        lines += f"[1:{limit}]"
    rows = con.execute(
        f"""WITH used AS (SELECT DISTINCT _file_name, _file_sha256, _line_number FROM ({feed.sql}))
        SELECT used._file_name, used._file_sha256, l.file_name IS NOT NULL AS published,
            count(*), {lines}
        FROM used
        LEFT JOIN meta.file_ledger l
            ON l.file_name = used._file_name AND l.file_sha256 = used._file_sha256
            AND l.status = 'loaded'
        GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    published = [(name, sha, count, first) for name, sha, ok, count, first in rows if ok]
    return published, sum(count for _, _, ok, count, _ in rows if not ok)


def _ledger(con: duckdb.DuckDBPyConnection, name: str, sha: str) -> tuple:
    return _one(
        con,
        "SELECT coalesce(version, ''), coalesce(slot, ''), seen_at FROM meta.file_ledger "
        "WHERE file_name = ? AND file_sha256 = ?",
        [name, sha],
    )


def _warehouse_changed(con: duckdb.DuckDBPyConnection) -> int:
    """Files loaded in the warehouse but not in the publication, or the other way round."""
    return con.execute(
        """SELECT count(*) FROM (
            (SELECT file_name, file_sha256 FROM wh.meta.file_ledger WHERE status = 'loaded'
             EXCEPT SELECT file_name, file_sha256 FROM meta.file_ledger WHERE status = 'loaded')
            UNION ALL
            (SELECT file_name, file_sha256 FROM meta.file_ledger WHERE status = 'loaded'
             EXCEPT SELECT file_name, file_sha256 FROM wh.meta.file_ledger WHERE status = 'loaded')
        )"""
    ).fetchall()[0][0]


def _calendar(con: duckdb.DuckDBPyConnection, figure: Figure) -> str | None:
    """The calendar feeds the KPIs that count working days; it is generated, not delivered."""
    if EMPLOYMENTS_IN_PERIOD not in figure.feeds:
        return None
    working_days = con.execute(
        "SELECT count(*) FROM wh.raw.kalender k, scope "
        "WHERE k.er_arbejdsdag AND k.dato BETWEEN scope.first_day AND scope.last_day"
    ).fetchall()[0][0]
    state = _one(con, "SELECT state_key FROM wh.meta.dbt_state", []) if _has_state(con) else None
    release = re.search(r"holidays (\S+)", state[0]) if state else None
    version = f"holidays package version {release.group(1)}" if release else "holidays package"
    return (
        f"The calendar of Danish working days (generated by Maalbar from the {version}; not a "
        f"delivered file): {working_days} working days in the period decide the days counted."
    )


def _has_state(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'wh' "
            "AND schema_name = 'meta' AND table_name = 'dbt_state'"
        ).fetchall()[0][0]
    )


def explain(
    settings: Settings, figure_id: str, node: str, period: str, all_rows: bool = False
) -> Explanation:
    """Raises UnknownFigure with a one-line reason when the figure cannot be explained."""
    if not PERIOD_PATTERN.match(period):
        raise UnknownFigure(f"period {period} is not YYYY-MM, YYYY or YYYY-Qn")
    if not settings.published_path.exists():
        raise UnknownFigure(
            f"no publication at {settings.published_path}: `maalbar run` publishes one"
        )
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        for known, build in FIGURE_KINDS:
            if known(con, figure_id):
                _attach_warehouse(con, settings)
                figure = build(con, figure_id, node, period)
                break
        else:
            raise UnknownFigure(
                f"unknown figure {figure_id}: neither a KPI id of marts.dim_kpi, a goal "
                "indicator id of marts.goal_progress nor an initiative of marts.indsats_effekt"
            )
        days = _scope(con, figure, period)
        sources: dict[tuple[str, str], SourceFile] = {}
        unpublished = 0
        for feed in figure.feeds:
            rows, later = _feed_rows(con, feed, None if all_rows else ROWS_SHOWN)
            unpublished += later
            for name, sha, count, lines in rows:
                if (name, sha) not in sources:
                    version, slot, seen_at = _ledger(con, name, sha)
                    sources[name, sha] = SourceFile(name, sha, version, slot, seen_at)
                sources[name, sha].parts.append(Part(feed.table, feed.what, count, lines))
        notes = []
        changed = _warehouse_changed(con)
        if changed or unpublished:
            notes.append(
                "The warehouse has changed since this publication (a later run loaded or "
                f"withdrew files without publishing; {changed} file(s) differ): only rows of the "
                "publication's files are listed, and rows a later delivery replaced cannot be "
                "shown."
            )
        run_id, published_at = _one(con, "SELECT run_id, published_at FROM meta.publication", [])
        return Explanation(
            figure,
            days,
            run_id,
            published_at,
            list(sources.values()),
            _calendar(con, figure),
            notes,
        )
    finally:
        con.close()


# --- In words ------------------------------------------------------------------------------


def _extraction(source: SourceFile) -> str:
    if re.fullmatch(r"[0-9]{8}", source.version):
        day = date(int(source.version[:4]), int(source.version[4:6]), int(source.version[6:]))
        text = f"extraction date {format_date(day)}"
    else:
        slot = source.slot.partition(":")[2]
        text = (
            f"delivered for {slot}, no extraction date in its name"
            if slot
            else ("no extraction date in its name")
        )
    if source.seen_at is not None:
        text += f"; loaded {format_date(source.seen_at)}"
    return text


def render(explanation: Explanation, width: int, all_rows: bool = False) -> str:
    figure = explanation.figure
    out: list[str] = []

    def say(text: str, indent: int = 0) -> None:
        out.extend(
            textwrap.wrap(
                text,
                width=max(width, 40),
                initial_indent=" " * indent,
                subsequent_indent=" " * (indent + 2 if indent else 2),
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )

    below = figure.subtree_size - 1
    tree = f" and the {below} cost centres below it" if below else ""
    say(f"{figure.figure_id}: {figure.name} ({figure.kind})")
    if figure.months:
        say(
            f"Asked for at cost centre {figure.node} {figure.node_name}, which runs it; "
            f"{figure.subtree_size} units on the two sides."
        )
    else:
        say(f"Cost centre {figure.node} {figure.node_name}{tree}.")
    say(f"Period {figure.period}: {explanation.days}.")
    out.append("")
    for paragraph in figure.definition:
        say(paragraph)
    out.append("")
    say(figure.shown[0])
    for line in figure.shown[1:]:
        say(line, indent=2)
    say(
        f"Publication: run {explanation.run_id}, published {format_date(explanation.published_at)}."
    )
    out.append("")
    if not explanation.sources:
        say("No source rows fed this figure in the period.")
    else:
        count = len(explanation.sources)
        files = "source file that fed it" if count == 1 else f"{count} source files that fed it"
        say(f"The {files}, and the rows used:")
    for source in explanation.sources:
        out.append("")
        say(source.file_name)
        out.append(f"  SHA-256 {source.sha256}")  # one token to copy: never wrapped
        say(f"{_extraction(source)[0].upper()}{_extraction(source)[1:]}.", indent=2)
        for part in source.parts:
            label = "row" if part.count == 1 else "rows"
            if part.table in CATALOGUE_SHEETS:
                label += f" of sheet {part.table}"
            say(f"{format_number(part.count, 0)} {label}: {part.what}.", indent=2)
            kind = "row" if part.table in CATALOGUE_SHEETS else "line"
            numbers = ", ".join(str(n) for n in part.lines)
            shown = f"{kind}s" if len(part.lines) != 1 else kind
            rest = (
                ""
                if all_rows or len(part.lines) >= part.count
                else f" (the first {len(part.lines)} of {format_number(part.count, 0)}; --all "
                "lists every one)"
            )
            say(f"{source.file_name} {shown} {numbers}{rest}", indent=4)
    if explanation.calendar:
        out.append("")
        say(explanation.calendar)
    for note in explanation.notes:
        out.append("")
        say(note)
    return "\n".join(out) + "\n"


def print_explanation(
    settings: Settings, figure_id: str, node: str, period: str, all_rows: bool = False
) -> int:
    try:
        found = explain(settings, figure_id, node, period, all_rows)
    except UnknownFigure as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    width = shutil.get_terminal_size((100, 24)).columns
    sys.stdout.write(render(found, width - 1, all_rows))
    return 0
