"""STRALIS, for top management: the whole organisation on one page, the foundation first.

Economy (korrigeret budget, spending so far, forbrugsprocent and the expected year-end
result per area), sick leave as rolling 12 months against the targets and the benchmark
municipalities, staff turnover, the LEON unit costs beside the peers, the benchmark of the
municipality, and the goals by area. Small multiples: one chart per area on one scale.

Two figures are derived here from published ones (docs/report.md says how):

- forventet årsresultat: the year's spending so far, carried to December by last year's
  monthly profile (the December of a municipality is its heaviest month);
- sygefravær, rolling 12 months: Σ sickness dagsværk / Σ possible dagsværk over the 12
  months, from kpi_values' published numerators and denominators. Shown only when none of
  the 12 months is suppressed, so nothing hidden can be worked out from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.lib.formatting import format_figure, format_number
from dagster_project.report import cells, charts
from dagster_project.report.data import Publication
from dagster_project.report.site import Page
from dagster_project.report.words import (
    SHORT_MONTHS,
    STATUS,
    months_back,
    period,
    period_code,
    period_number,
    short_period,
    status,
)

BLUE = "#1d70b8"
GREY = "#505a5f"
GREEN = "#00703c"
PURPLE = "#6f3c97"
SICK_KPIS = ("sygefravaer_pct", "korttidssygefravaer_pct", "langtidssygefravaer_pct")
ROLLING_MONTHS = 12
CHART_MONTHS = 24  # the rolling series shown, at most


@dataclass(frozen=True)
class YearEnd:
    value: float | None
    method: str  # "profil" (last year's months) or "lineaer" (no complete year before)
    path: list[float | None]  # the expected forbrugsprocent of each month m..12


def year_end(pub: Publication, node: str, year: int, month: int) -> YearEnd:
    """The expected year-end spending (drift) of a node: the spending of January through
    `month` (published `forbrug_drift` of the year) divided by the share of last year's
    spending that fell in the same months. Without a complete last year (the economy's
    horizon did not reach its December) or with no spending in those months, the spending
    so far times 12 / month. In a complete year, the year's spending itself."""
    so_far = pub.kpi_values.get(("forbrug_drift", node, str(year)))
    if so_far is None or so_far.vaerdi is None:
        return YearEnd(None, "", [])
    root = pub.root.omkostningssted
    previous = year - 1
    complete = ("forbrug_drift", root, f"{previous}-12") in pub.kpi_values

    def spent(month_number: int) -> float:
        row = pub.kpi_values.get(("forbrug_drift", node, f"{previous}-{month_number:02d}"))
        return (row.vaerdi or 0.0) if row else 0.0

    cumulative = []
    total = 0.0
    for month_number in range(1, 13):
        total += spent(month_number)
        cumulative.append(total)
    budget = pub.kpi_values.get(("korrigeret_budget_drift", node, str(year)))
    budget_value = budget.vaerdi if budget else None

    def share(k: int) -> float:  # of the year's spending, by the end of month k
        if complete and cumulative[-1] > 0 and cumulative[month - 1] > 0:
            return cumulative[k - 1] / cumulative[-1]
        return k / 12

    method = (
        "profil" if complete and cumulative[-1] > 0 and cumulative[month - 1] > 0 else ("lineaer")
    )
    expected = so_far.vaerdi * share(12) / share(month)
    path = []
    for k in range(month, 13):
        value = so_far.vaerdi * share(k) / share(month)
        path.append(100 * value / budget_value if budget_value else None)
    return YearEnd(expected, method, path)


def rolling(pub: Publication, kpi: str, node: str, end: str, first: str) -> tuple:
    """(value, suppressed) of a sick-leave KPI over the 12 months ending with `end`:
    100 · Σ numerators / Σ denominators. None when the window starts before `first`, the
    KPI's first month; suppressed when any month of it is."""
    months = months_back(end, ROLLING_MONTHS)
    if period_number(months[0])[1] < period_number(first)[1]:
        return None, False
    numerator = denominator = 0.0
    for month in months:
        row = pub.kpi_values.get((kpi, node, month))
        if row is None:
            continue  # not defined that month (no one employed): adds nothing
        if row.undertrykt:
            return None, True
        numerator += row.taeller or 0.0
        denominator += row.naevner or 0.0
    if denominator == 0:
        return None, False
    return 100 * numerator / denominator, False


def pages(pub: Publication) -> list[Page]:
    areas = sorted(
        pub.rows("marts.stralis_omraader"), key=lambda a: (a["er_rod"], a["omkostningssted"])
    )
    if not areas:
        return []
    latest = {
        (row["kpi_id"], row["periodetype"]): row["periode"]
        for row in pub.rows("marts.stralis_noegletal")
        if row["er_rod"]
    }
    year = int(areas[0]["aar"])
    counter = iter(range(1, 10_000))
    context = {
        "year": str(year),
        "economy": _economy(pub, areas, year, latest, counter),
        "sick": _sick_leave(pub, areas, latest, counter),
        "turnover": _turnover(pub, areas, latest, counter),
        "leon": _leon(pub, counter),
        "benchmark": sorted(
            pub.rows("marts.benchmark_sammenligning"), key=lambda r: (r["kpi_id"], r["aar"])
        ),
        "goals": [
            {
                "area": area,
                "counts": [
                    (STATUS[code], area[f"antal_maal_{code}"])
                    for code in ("naaet", "paa_sporet", "i_risiko", "ikke_paa_sporet", "ingen_data")
                ],
            }
            for area in areas
        ],
        "status_of": status,
    }
    return [
        Page(
            name="stralis",
            template="stralis.html.j2",
            niveau="stralis",
            title="Hele organisationen",
            context=context,
        )
    ]


def _economy(pub, areas, year, latest, counter) -> dict:
    month_code = latest.get(("forbrug_drift", "maaned"))
    if not month_code or not month_code.startswith(str(year)):
        month_code = f"{year}-12"
    month = int(month_code[5:])
    rows, multiples = [], []
    extent = [0.0, 100.0]
    forecasts = {}
    for area in areas:
        node = area["omkostningssted"]
        forecast = year_end(pub, node, year, month)
        forecasts[node] = forecast
        extent.extend(v for v in forecast.path if v is not None)
        for m in range(1, 13):
            for y in (year, year - 1):
                row = pub.kpi_values.get(("forbrugsprocent_drift", node, f"{y}-{m:02d}"))
                if row and row.vaerdi is not None:
                    extent.append(row.vaerdi)
    for area in areas:
        node = area["omkostningssted"]
        forecast = forecasts[node]
        budget = pub.kpi_values.get(("korrigeret_budget_drift", node, str(year)))
        budget_value = budget.vaerdi if budget else None
        expected_pct = (
            100 * forecast.value / budget_value
            if forecast.value is not None and budget_value
            else None
        )
        deviation = (
            budget_value - forecast.value
            if forecast.value is not None and budget_value is not None
            else None
        )
        rows.append(
            {
                "area": area,
                "budget": cells.kpi(pub, "korrigeret_budget_drift", node, str(year)),
                "spent": cells.kpi(pub, "forbrug_drift", node, str(year)),
                "pct": cells.kpi(pub, "forbrugsprocent_drift", node, str(year)),
                "expected": cells.derived(
                    "forventet_aarsresultat", node, str(year), forecast.value, "kr."
                ),
                "expected_pct": cells.derived(
                    "forventet_forbrugsprocent", node, str(year), expected_pct, "%"
                ),
                "deviation": cells.derived(
                    "forventet_afvigelse", node, str(year), deviation, "kr."
                ),
                "method": forecast.method,
            }
        )
        this_year = [
            _value(pub, "forbrugsprocent_drift", node, f"{year}-{m:02d}") if m <= month else None
            for m in range(1, 13)
        ]
        last_year = [
            _value(pub, "forbrugsprocent_drift", node, f"{year - 1}-{m:02d}") for m in range(1, 13)
        ]
        path = [None] * (month - 1) + list(forecast.path)
        lines = [
            charts.Line(str(year - 1), last_year, GREY, charts.DOTTED, width=2),
            charts.Line(str(year), this_year, BLUE, points=True),
            charts.Line("Forventet", path, BLUE, charts.DASHED, width=1.8),
        ]
        table = [
            {
                "month": f"{year}-{m:02d}",
                "this": cells.kpi(pub, "forbrugsprocent_drift", node, f"{year}-{m:02d}")
                if m <= month
                else cells.derived(
                    "forventet_forbrugsprocent", node, f"{year}-{m:02d}", path[m - 1], "%"
                ),
                "last": cells.kpi(pub, "forbrugsprocent_drift", node, f"{year - 1}-{m:02d}"),
            }
            for m in range(1, 13)
        ]
        chart_id = f"graf-{next(counter)}"
        multiples.append(
            {
                "area": area,
                "id": chart_id,
                "chart": charts.line_chart(
                    chart_id,
                    f"Forbrugsprocent måned for måned, {area['navn']}",
                    [SHORT_MONTHS[m - 1].rstrip(".") for m in range(1, 13)],
                    lines,
                    [charts.Rule("Korrigeret budget", 100.0, GREEN, width=2)],
                    unit="% af korrigeret budget",
                    zero=True,
                    extent=(min(extent), max(extent)),
                    width=340,
                    height=190,
                    max_x_labels=6,
                ),
                "caption": _economy_caption(area, year, month, this_year, expected_pct),
                "table": table,
            }
        )
    return {
        "month": f"{year}-{month:02d}",
        "rows": rows,
        "multiples": multiples,
        "legend": [
            (charts.swatch(BLUE), f"{year}, måned for måned"),
            (charts.swatch(BLUE, charts.DASHED, 1.8), "Forventet resten af året"),
            (charts.swatch(GREY, charts.DOTTED, 2), f"{year - 1}"),
            (charts.swatch(GREEN, width=2), "Korrigeret budget (100 %)"),
        ],
    }


def _economy_caption(area, year, month, this_year, expected_pct) -> str:
    so_far = this_year[month - 1]
    text = f"{area['navn']}: "
    if so_far is None:
        return text + "intet forbrug opgjort endnu."
    text += (
        f"{format_figure(so_far, '%')} af det korrigerede budget brugt til og med "
        f"{period(f'{year}-{month:02d}')}"
    )
    if expected_pct is not None:
        text += f"; forventet {format_figure(expected_pct, '%')} ved årets udgang"
    return text + "."


def _value(pub: Publication, kpi: str, node: str, periode: str) -> float | None:
    row = pub.kpi_values.get((kpi, node, periode))
    return None if row is None or row.undertrykt else row.vaerdi


def _targets(pub: Publication, kpi: str) -> dict[str, dict]:
    """Active goal indicators on a KPI, by the node they measure."""
    return {
        row["omkostningssted"]: row
        for row in sorted(pub.rows("marts.polis_indikatorer"), key=lambda r: r["indikator_id"])
        if row["kpi"] == kpi and row["er_aktiv"]
    }


def _benchmark(pub: Publication, kpi: str) -> dict | None:
    found = [r for r in pub.rows("marts.benchmark_sammenligning") if r["kpi_id"] == kpi]
    return max(found, key=lambda r: r["aar"]) if found else None


def _sick_leave(pub, areas, latest, counter) -> dict:
    end = latest.get(("sygefravaer_pct", "maaned"))
    if not end:
        return {}
    root = pub.root.omkostningssted
    first = min(
        (p for (k, n, p) in pub.kpi_values if k == "sygefravaer_pct" and n == root and len(p) == 7),
        default=end,
    )
    _, end_number = period_number(end)
    _, first_number = period_number(first)
    ends = [
        period_code("maaned", n)
        for n in range(
            max(first_number + ROLLING_MONTHS - 1, end_number - CHART_MONTHS + 1), end_number + 1
        )
    ]
    targets = _targets(pub, "sygefravaer_pct")
    benchmark = _benchmark(pub, "sygefravaer_pct")
    rows, multiples, series = [], [], {}
    for area in areas:
        node = area["omkostningssted"]
        series[node] = {kpi: [rolling(pub, kpi, node, e, first) for e in ends] for kpi in SICK_KPIS}
    extent = [0.0] + [
        v for s in series.values() for values in s.values() for v, _ in values if v is not None
    ]
    extent += [t["maal_vaerdi"] for t in targets.values() if t["omkostningssted"] in series]
    if benchmark:
        extent.append(benchmark["median_sammenligning"])
    styles = {
        "sygefravaer_pct": (BLUE, charts.SOLID, 2.5, "Sygefravær i alt"),
        "korttidssygefravaer_pct": (PURPLE, charts.DASHED, 2, "Korttidssygefravær"),
        "langtidssygefravaer_pct": (GREY, charts.DOTTED, 2.5, "Langtidssygefravær"),
    }
    for area in areas:
        node = area["omkostningssted"]
        figures = {}
        for kpi in SICK_KPIS:
            value, suppressed = series[node][kpi][-1] if ends else (None, False)
            figures[kpi] = cells.derived(
                f"rullende_12_{kpi}", node, end, value, "%", suppressed=suppressed
            )
        target = targets.get(node)
        rows.append(
            {
                "area": area,
                "figures": figures,
                "target": target,
                "target_text": (
                    f"{format_figure(target['maal_vaerdi'], '%')} i "
                    f"{period(target['maal_periode'])}"
                    if target
                    else "Intet mål"
                ),
            }
        )
        lines = [
            charts.Line(
                styles[kpi][3],
                [v for v, _ in series[node][kpi]],
                styles[kpi][0],
                styles[kpi][1],
                styles[kpi][2],
            )
            for kpi in SICK_KPIS
        ]
        rules = []
        if target:
            rules.append(charts.Rule("Mål", target["maal_vaerdi"], GREEN, width=2))
        if area["er_rod"] and benchmark:
            rules.append(
                charts.Rule("Median", benchmark["median_sammenligning"], GREY, charts.DASHED, 1.5)
            )
        chart_id = f"graf-{next(counter)}"
        table = [
            {
                "end": e,
                "cells": [
                    cells.derived(
                        f"rullende_12_{kpi}",
                        node,
                        e,
                        series[node][kpi][i][0],
                        "%",
                        suppressed=series[node][kpi][i][1],
                    )
                    for kpi in SICK_KPIS
                ],
            }
            for i, e in enumerate(ends)
        ]
        multiples.append(
            {
                "area": area,
                "id": chart_id,
                "chart": charts.line_chart(
                    chart_id,
                    f"Sygefravær, rullende 12 måneder, {area['navn']}",
                    [short_period(e) for e in ends],
                    lines,
                    rules,
                    unit="%",
                    zero=True,
                    extent=(min(extent), max(extent)),
                    width=340,
                    height=190,
                    max_x_labels=4,
                ),
                "caption": _sick_caption(area, end, figures, target, benchmark),
                "table": table,
            }
        )
    return {
        "end": end,
        "first_end": ends[0] if ends else end,
        "rows": rows,
        "multiples": multiples,
        "benchmark": benchmark,
        "legend": [
            *((charts.swatch(c, d, w), label) for c, d, w, label in styles.values()),
            (charts.swatch(GREEN, width=2), "Mål (hvor området har et)"),
            (
                charts.swatch(GREY, charts.DASHED, 1.5),
                "Median i sammenligningskommunerne (kun hele kommunen)",
            ),
        ],
    }


def _sick_caption(area, end, figures, target, benchmark) -> str:
    total = figures["sygefravaer_pct"]
    text = f"{area['navn']}: sygefravær i de 12 måneder til og med {period(end)} "
    if total.kind != "tal":
        return text + f"kan ikke vises ({total.text.lower()})."
    text += (
        f"{total.text}, heraf korttid {figures['korttidssygefravaer_pct'].text} og langtid "
        f"{figures['langtidssygefravaer_pct'].text}."
    )
    if target:
        text += f" Målet er {format_figure(target['maal_vaerdi'], '%')}."
    if area["er_rod"] and benchmark:
        text += (
            f" Medianen i sammenligningskommunerne var "
            f"{format_figure(benchmark['median_sammenligning'], '%')} i {benchmark['aar']}."
        )
    return text


def _turnover(pub, areas, latest, counter) -> dict:
    month = latest.get(("personaleomsaetning_afgang_pct", "maaned"))
    year = latest.get(("aarsvaerk", "aar"))
    if not month:
        return {}
    benchmark = _benchmark(pub, "personaleomsaetning_afgang_pct")
    rows, bars = [], []
    for area in areas:
        node = area["omkostningssted"]
        leaving = cells.kpi(pub, "personaleomsaetning_afgang_pct", node, month)
        rows.append(
            {
                "area": area,
                "afgang": leaving,
                "tilgang": cells.kpi(pub, "personaleomsaetning_tilgang_pct", node, month),
                "medarbejdere": cells.kpi(pub, "medarbejdere", node, month),
                "aarsvaerk": cells.kpi(pub, "aarsvaerk", node, year) if year else None,
            }
        )
        bars.append(
            charts.Bar(
                area["navn"],
                _value(pub, "personaleomsaetning_afgang_pct", node, month),
                leaving.text,
                highlight=area["er_rod"],
            )
        )
    rules = []
    if benchmark:
        rules.append(
            charts.Rule("Median", benchmark["median_sammenligning"], GREY, charts.DASHED, 2)
        )
    chart_id = f"graf-{next(counter)}"
    return {
        "month": month,
        "year": year,
        "rows": rows,
        "benchmark": benchmark,
        "id": chart_id,
        "chart": charts.bar_chart(
            chart_id, "Personaleomsætning, afgang, pr. område", bars, rules, unit="%"
        ),
        "legend": [
            (charts.swatch(BLUE, bar=True), "Område"),
            (charts.swatch("#0b0c0c", bar=True), "Hele kommunen"),
        ]
        + (
            [
                (
                    charts.swatch(GREY, charts.DASHED, 2),
                    f"Median i sammenligningskommunerne {benchmark['aar']}",
                )
            ]
            if benchmark
            else []
        ),
    }


def _leon(pub, counter) -> dict:
    rows = [r for r in pub.rows("marts.leon_enhedsomkostning") if r["periodetype"] == "aar"]
    if not rows:
        return {}
    year = max(r["periode"] for r in rows)
    services = []
    for service in sorted({r["ydelse"] for r in rows}):
        units = sorted(
            (r for r in rows if r["ydelse"] == service and r["periode"] == year),
            key=lambda r: (r["enhedsomkostning_kr"] is None, r["enhedsomkostning_kr"] or 0),
        )
        if not units:
            continue
        first = units[0]
        table = [
            {
                "row": r,
                "cost": cells.kpi(pub, "enhedsomkostning", r["omkostningssted"], year),
                "gap": cells.plain(r["afstand_til_median_kr"], "kr."),
                "gap_pct": cells.plain(r["afstand_til_median_pct"], "%"),
                "extra": cells.plain(r["merudgift_ift_bedste_kvartil_kr"], "kr."),
            }
            for r in units
        ]
        chart_id = f"graf-{next(counter)}"
        services.append(
            {
                "service": service,
                "unit": first["enhed"],
                "median": first["median_enhedsomkostning_kr"],
                "quartile": first["bedste_kvartil_enhedsomkostning_kr"],
                "count": first["antal_enheder"],
                "table": table,
                "id": chart_id,
                "chart": charts.bar_chart(
                    chart_id,
                    f"Enhedsomkostning pr. enhed, {service.lower().replace('_', ' ')}",
                    [
                        charts.Bar(
                            t["row"]["navn"],
                            t["row"]["enhedsomkostning_kr"] if t["cost"].kind == "tal" else None,
                            format_number(t["row"]["enhedsomkostning_kr"], 0)
                            if t["cost"].kind == "tal"
                            else t["cost"].text,
                        )
                        for t in table
                    ],
                    [
                        charts.Rule(
                            "Median",
                            first["median_enhedsomkostning_kr"],
                            "#0b0c0c",
                            charts.DASHED,
                            2,
                        ),
                        charts.Rule(
                            "Bedste kvartil",
                            first["bedste_kvartil_enhedsomkostning_kr"],
                            GREEN,
                            charts.DOTTED,
                            2.5,
                        ),
                    ],
                    unit=f"kr. pr. enhed ({first['enhed']})",
                ),
            }
        )
    return {
        "year": year,
        "services": services,
        "legend": [
            (charts.swatch(BLUE, bar=True), "Enhedens omkostning"),
            (charts.swatch("#0b0c0c", charts.DASHED, 2), "Median for enhederne med ydelsen"),
            (charts.swatch(GREEN, charts.DOTTED, 2.5), "Bedste kvartil"),
        ],
    }
