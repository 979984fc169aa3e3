"""VIRKLIS, for unit leaders: one page per cost centre with figures.

The unit's own figures beside its parent's and the municipality's, and the target where
the unit has a goal on that KPI; sick leave month by month; the survey's themes with the
response rate and the number who answered; suggestions; the unit's own goals with their
initiatives, and the goals of the units above it.
"""

from __future__ import annotations

from collections import defaultdict

from dagster_project.lib.formatting import format_figure, format_number
from dagster_project.report import cells, charts
from dagster_project.report.data import Node, Publication
from dagster_project.report.goals import initiatives, trend_word
from dagster_project.report.polis import file_name as polis_file
from dagster_project.report.site import Page
from dagster_project.report.words import LEVEL, months_back, period, short_period, slug, status

# The key figures, in the order a leader reads them: money, absence, staff.
KEY_KPIS = (
    "korrigeret_budget_drift",
    "forbrug_drift",
    "forbrugsprocent_drift",
    "enhedsomkostning",
    "sygefravaer_pct",
    "korttidssygefravaer_pct",
    "langtidssygefravaer_pct",
    "sygefravaer_dage_pr_aarsvaerk",
    "medarbejdere",
    "aarsvaerk",
    "personaleomsaetning_afgang_pct",
    "personaleomsaetning_tilgang_pct",
)
THEMES = (
    "trivsel_motivation",
    "trivsel_engagement",
    "trivsel_arbejdsglaede",
    "trivsel_ledelse",
    "trivsel_samarbejde",
    "svarprocent",
)
SUGGESTIONS = ("forslag_indsendt", "forslag_gennemfoert_pct")
SICK_MONTHS = 12
STYLES = [
    ("#1d70b8", charts.SOLID, 3.0),
    ("#6f3c97", charts.DASHED, 2.0),
    ("#505a5f", charts.DOTTED, 2.5),
]
GREEN = "#00703c"


def file_name(node: str) -> str:
    return f"virklis-{slug(node)}"


def nodes_with_figures(pub: Publication) -> list[Node]:
    codes = {node for (_, node, _) in pub.kpi_values}
    return [pub.nodes[code] for code in sorted(codes) if code in pub.nodes]


def pages(pub: Publication) -> list[Page]:
    latest: dict[tuple[str, str], str] = {}
    for row in pub.rows("marts.virklis_noegletal"):
        latest[(row["kpi_id"], row["periodetype"])] = row["periode"]
    goals = defaultdict(list)
    for row in pub.rows("marts.virklis_maal"):
        goals[row["omkostningssted"]].append(row)
    indicators = {row["indikator_id"]: row for row in pub.rows("marts.polis_indikatorer")}
    with_pages = {node.omkostningssted for node in nodes_with_figures(pub)}
    committees = {row["fagudvalg"] for row in pub.rows("marts.polis_udvalg")}
    result = []
    for node in nodes_with_figures(pub):
        result.append(
            _page(
                pub, node, latest, goals[node.omkostningssted], indicators, with_pages, committees
            )
        )
    return result


def _page(pub, node, latest, goals, indicators, with_pages, committees) -> Page:
    code = node.omkostningssted
    parent = pub.nodes.get(node.overordnet) if node.overordnet else None
    root = pub.root
    compared = [node] + ([parent] if parent else [])
    if root.omkostningssted not in {n.omkostningssted for n in compared}:
        compared.append(root)
    own = [g for g in goals if g["relation"] == "egen"]
    above = sorted(
        (g for g in goals if g["relation"] == "overordnet"),
        key=lambda g: (g["afstand"], g["indikator_id"]),
    )
    targets = {}
    for goal in own:
        indicator = indicators.get(goal["indikator_id"], {})
        if indicator.get("kpi") and indicator.get("er_aktiv"):
            targets.setdefault(indicator["kpi"], goal)

    def figures(kpi_ids, periodetype):
        rows = []
        for kpi in kpi_ids:
            periode = latest.get((kpi, periodetype))
            if not periode or (kpi, code, periode) not in pub.kpi_values:
                continue
            target = targets.get(kpi)
            rows.append(
                {
                    "kpi": pub.kpis[kpi],
                    "periode": periode,
                    "cells": [cells.kpi(pub, kpi, n.omkostningssted, periode) for n in compared],
                    "target": (
                        f"{format_figure(target['maal_vaerdi'], target['enhed'])} i "
                        f"{period(target['maal_periode'])}"
                        if target
                        else "–"
                    ),
                }
            )
        return rows

    sick = _sick_chart(pub, node, compared, latest, targets.get("sygefravaer_pct"))
    survey_period = latest.get(("svarprocent", "maaned"))
    answered = pub.kpi_values.get(("svarprocent", code, survey_period)) if survey_period else None
    goal_ids = sorted({g["maal_id"] for g in own})
    own_initiatives = [
        view for goal_id in goal_ids for view in initiatives(pub, goal_id, indicators)
    ]
    return Page(
        name=file_name(code),
        template="virklis.html.j2",
        niveau="virklis",
        emne=code,
        title=node.navn,
        context={
            "node": node,
            "level": LEVEL.get(node.niveau, node.niveau),
            "path": [
                (n, file_name(n.omkostningssted) if n.omkostningssted in with_pages else None)
                for n in pub.path(code)[:-1]
            ],
            "children": [
                (n, file_name(n.omkostningssted))
                for n in pub.children(code)
                if n.omkostningssted in with_pages
            ],
            "compared": compared,
            "key_year": latest.get(("forbrug_drift", "aar")) or latest.get(("aarsvaerk", "aar")),
            "key_figures": figures(KEY_KPIS, "aar"),
            "sick": sick,
            "survey_period": survey_period,
            "survey": figures(THEMES, "maaned"),
            "answered": (
                f"{format_number(answered.taeller, 0)} af {format_number(answered.naevner, 0)} "
                "inviterede svarede"
                if answered and answered.taeller is not None and answered.naevner
                else None
            ),
            "suggestions": figures(SUGGESTIONS, "aar"),
            "own_goals": [
                {
                    "row": g,
                    "value": cells.indicator(
                        g["indikator_id"],
                        g["seneste_periode_med_vaerdi"] or "",
                        g["seneste_vaerdi"],
                        g["enhed"],
                        False,
                    )
                    if g["seneste_periode_med_vaerdi"]
                    else cells.Cell("Ingen værdi endnu", {}, "mangler"),
                    "target": format_figure(g["maal_vaerdi"], g["enhed"]),
                    "status": status(g["status"]),
                    "trend": trend_word(g["tendens"]),
                    "link": _goal_link(g, committees),
                }
                for g in sorted(own, key=lambda g: (g["maal_id"], g["indikator_id"]))
            ],
            "above_goals": [
                {"row": g, "status": status(g["status"]), "link": _goal_link(g, committees)}
                for g in above
            ],
            "initiatives": own_initiatives,
            "has_initiatives": pub.has("marts.indsats_effekt"),
            "has_targets": bool(targets),
        },
    )


def _goal_link(goal: dict, committees: set[str]) -> str | None:
    if goal["fagudvalg"] not in committees:
        return None
    return f"{polis_file(goal['fagudvalg'])}.html#maal-{slug(goal['maal_id'])}"


def _sick_chart(pub, node, compared, latest, target) -> dict | None:
    end = latest.get(("sygefravaer_pct", "maaned"))
    if not end:
        return None
    months = months_back(end, SICK_MONTHS)
    kpi = "sygefravaer_pct"
    lines, legend = [], []
    for n, (colour, dash, width) in zip(compared, STYLES, strict=False):
        values = []
        for month in months:
            row = pub.kpi_values.get((kpi, n.omkostningssted, month))
            values.append(None if row is None or row.undertrykt else row.vaerdi)
        lines.append(charts.Line(n.navn, values, colour, dash, width, points=True))
        legend.append((charts.swatch(colour, dash, width), n.navn))
    rules = []
    if target:
        rules.append(charts.Rule("Mål", target["maal_vaerdi"], GREEN, width=2))
        legend.append((charts.swatch(GREEN, width=2), "Mål"))
    own = [pub.kpi_values.get((kpi, node.omkostningssted, m)) for m in months]
    hidden = sum(1 for row in own if row is not None and row.undertrykt)
    latest_own = own[-1]
    caption = f"Sygefravær måned for måned fra {period(months[0])} til {period(end)}. "
    if latest_own is not None and not latest_own.undertrykt and latest_own.vaerdi is not None:
        caption += f"{node.navn} havde {format_figure(latest_own.vaerdi, '%')} i {period(end)}"
        others = [
            f"{n.navn} {format_figure(v, '%')}"
            for n in compared[1:]
            if (v := _shown(pub, kpi, n.omkostningssted, end)) is not None
        ]
        caption += f" mod {' og '.join(others)}." if others else "."
    if hidden:
        caption += (
            f" {hidden} af {node.navn}s måneder vises ikke, fordi for få medarbejdere indgår; "
            "linjen er brudt der."
        )
    chart_id = "graf-sygefravaer"
    return {
        "id": chart_id,
        "chart": charts.line_chart(
            chart_id,
            f"Sygefravær måned for måned, {node.navn}",
            [short_period(m) for m in months],
            lines,
            rules,
            unit="%",
            zero=True,
            max_x_labels=6,
        ),
        "caption": caption.strip(),
        "legend": legend,
        "table": [
            {"month": m, "cells": [cells.kpi(pub, kpi, n.omkostningssted, m) for n in compared]}
            for m in months
        ],
    }


def _shown(pub: Publication, kpi: str, node: str, periode: str) -> float | None:
    row = pub.kpi_values.get((kpi, node, periode))
    return None if row is None or row.undertrykt else row.vaerdi
