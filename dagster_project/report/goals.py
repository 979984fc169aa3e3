"""A goal indicator as the report shows it (POLIS cards, VIRKLIS own goals) and a goal's
initiatives: shared by the pages that show goals."""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster_project.lib.formatting import decimals_for, format_figure, format_number
from dagster_project.report import cells, charts
from dagster_project.report.data import Publication
from dagster_project.report.words import (
    TREND,
    period,
    period_number,
    periods_between,
    short_period,
    status,
    verdict,
)

BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#505a5f"


@dataclass
class IndicatorView:
    row: dict  # polis_indikatorer
    chart: object | None
    caption: str
    legend: list[tuple[object, str]]
    key_cells: dict[str, cells.Cell]
    periods: list[tuple[str, cells.Cell, object]] = field(default_factory=list)


def is_suppressed(pub: Publication, row: dict, periode: str) -> bool:
    """Whether the KPI behind a KPI-based indicator is suppressed in the period."""
    if not row.get("kpi"):
        return False
    found = pub.kpi_values.get((row["kpi"], row["omkostningssted"], periode))
    return found is not None and found.undertrykt


def indicator_view(
    pub: Publication, row: dict, history: list[dict], forecast: dict | None, chart_id: str
) -> IndicatorView:
    unit = row["enhed"]
    ident = row["indikator_id"]
    shown = [(h["periode"], h) for h in sorted(history, key=lambda h: h["periode_start"])]
    table = [
        (
            p,
            cells.indicator(ident, p, h["vaerdi"], unit, is_suppressed(pub, row, p)),
            status(h["status"]),
        )
        for p, h in shown
    ]
    latest = row["seneste_periode_med_vaerdi"]
    key = {
        "baseline": cells.plain(row["baseline_vaerdi"], unit, "Intet udgangspunkt"),
        "maal": cells.plain(row["maal_vaerdi"], unit),
        "seneste": (
            cells.indicator(ident, latest, row["seneste_vaerdi"], unit, False)
            if latest
            else cells.Cell("Ingen værdi endnu", {}, "mangler")
        ),
        "fremdrift": cells.plain(row["fremdrift_pct"], "%", "–"),
        "forventet_fremdrift": cells.plain(row["forventet_fremdrift_pct"], "%", "–"),
        "prognose": cells.plain(row["forventet_vaerdi_ved_maal"], unit, "Ingen prognose endnu"),
    }
    chart, caption, legend = _indicator_chart(row, shown, forecast, chart_id)
    return IndicatorView(row, chart, caption, legend, key, table)


def _indicator_chart(
    row: dict, shown: list[tuple[str, dict]], forecast: dict | None, chart_id: str
):
    """Values, baseline, target and the trend's forecast to the target period."""
    unit = row["enhed"]
    if not shown:
        return None, "Indikatoren har endnu ingen værdier.", []
    first = shown[0][0]
    last = max(row["maal_periode"], shown[-1][0], key=lambda p: period_number(p)[1])
    axis = periods_between(first, last)
    position = {p: i for i, p in enumerate(axis)}
    values: list[float | None] = [None] * len(axis)
    for p, h in shown:
        if p in position:
            values[position[p]] = h["vaerdi"]
    lines = [charts.Line("Værdi", values, BLUE, points=len(axis) <= 40)]
    legend = [(charts.swatch(BLUE), "Værdi")]
    trend = [None] * len(axis)
    if (
        forecast
        and forecast.get("forventet_vaerdi_ved_maal") is not None
        and forecast.get("trend_fra_periode")
    ):
        # The least-squares line of goal_forecast, from its first point to the target
        # period, where it reaches the forecast value.
        slope = forecast["haeldning_pr_periode"]
        end = period_number(forecast["maal_periode"])[1]
        for p in periods_between(forecast["trend_fra_periode"], forecast["maal_periode"]):
            if p in position:
                trend[position[p]] = forecast["forventet_vaerdi_ved_maal"] - slope * (
                    end - period_number(p)[1]
                )
        lines.append(charts.Line("Prognose", trend, BLUE, charts.DASHED, width=1.8))
        legend.append((charts.swatch(BLUE, charts.DASHED, 1.8), "Tendens og prognose"))
    rules = []
    if row["baseline_vaerdi"] is not None:
        rules.append(charts.Rule("Udgangspunkt", row["baseline_vaerdi"], GREY, charts.DOTTED))
        legend.append((charts.swatch(GREY, charts.DOTTED, 1.5), "Udgangspunkt"))
    if row["maal_vaerdi"] is not None:
        rules.append(charts.Rule("Mål", row["maal_vaerdi"], GREEN, width=2.5))
        legend.append((charts.swatch(GREEN, width=2.5), "Mål"))
    chart = charts.line_chart(
        chart_id,
        f"Graf: {row['indikator_navn']}",
        [short_period(p) for p in axis],
        lines,
        rules,
        unit=unit if unit not in ("antal",) else "",
    )
    gaps = sum(1 for p, h in shown if h["vaerdi"] is None)
    parts = [f"{row['indikator_navn']} fra {period(first)} til {period(shown[-1][0])}."]
    if row["seneste_vaerdi"] is not None:
        parts.append(
            f"Seneste værdi {format_figure(row['seneste_vaerdi'], unit)} i "
            f"{period(row['seneste_periode_med_vaerdi'])}."
        )
    if row["baseline_vaerdi"] is not None:
        parts.append(
            f"Udgangspunktet er {format_figure(row['baseline_vaerdi'], unit)} "
            f"({period(row['baseline_periode'])})."
        )
    parts.append(
        f"Målet er {format_figure(row['maal_vaerdi'], unit)} i {period(row['maal_periode'])}."
    )
    if row["forventet_vaerdi_ved_maal"] is not None:
        parts.append(
            "Med den seneste tendens forventes "
            f"{format_figure(row['forventet_vaerdi_ved_maal'], unit)} "
            f"i {period(row['maal_periode'])}"
            + (", så målet nås." if row["forventes_naaet"] else ", så målet nås ikke.")
        )
    if gaps:
        parts.append(
            f"{gaps} {'periode har' if gaps == 1 else 'perioder har'} ingen værdi, der kan "
            "vises; linjen er brudt der."
        )
    return chart, " ".join(parts), legend


# --- initiatives -----------------------------------------------------------------------


@dataclass
class InitiativeView:
    ident: str
    title: str
    indicator: str
    before: str
    after: str
    units: str
    development: str
    effect: str
    verdict: object
    cost: str


def _signed(value: float, decimals: int) -> str:
    text = format_number(value, decimals)
    return text if text.startswith("-") or text.strip("0,.") == "" else "+" + text


def _months(first: str | None, last: str | None) -> str:
    if not first:
        return "Ingen måneder endnu"
    return period(first) if first == last else f"{period(first)} – {period(last)}"


def initiatives(
    pub: Publication, goal_id: str, indicators: dict[str, dict]
) -> list[InitiativeView]:
    """The goal's initiatives from marts.indsats_effekt, or none when the publication has
    no such table."""
    views = []
    for row in sorted(
        (r for r in pub.rows("marts.indsats_effekt") if r["maal_id"] == goal_id),
        key=lambda r: r["indsats_id"],
    ):
        indicator = indicators.get(row["indikator_id"], {})
        unit = indicator.get("enhed") or ""
        decimals = decimals_for(unit)
        effect_unit = "procentpoint" if unit == "%" else unit
        if row["effekt"] is None:
            effect = "Ingen beregning"
        else:
            effect = (
                f"{_signed(row['effekt'], decimals)} {effect_unit} (95 %-interval fra "
                f"{_signed(row['effekt_lav'], decimals)} til "
                f"{_signed(row['effekt_hoej'], decimals)})"
            ).replace("  ", " ")

        means = {
            key: "–" if row[key] is None else format_number(row[key], decimals)
            for key in (
                "foer_enheder",
                "efter_enheder",
                "foer_sammenligning",
                "efter_sammenligning",
            )
        }
        development = (
            f"Enhederne {means['foer_enheder']} → {means['efter_enheder']}; "
            f"sammenligning {means['foer_sammenligning']} → {means['efter_sammenligning']}"
        )
        views.append(
            InitiativeView(
                ident=row["indsats_id"],
                title=row.get("titel") or row["indsats_id"],
                indicator=indicator.get("indikator_navn") or row["indikator_id"],
                before=_months(row["foer_fra"], row["foer_til"]),
                after=_months(row["efter_fra"], row["efter_til"]),
                units=f"{row['antal_enheder'] or 0} med indsatsen, "
                f"{row['antal_sammenligning'] or 0} til sammenligning",
                development=development,
                effect=effect,
                verdict=verdict(row["vurdering"]),
                cost=format_figure(row["omkostning_kr"], "kr.")
                if row["omkostning_kr"] is not None
                else "–",
            )
        )
    return views


def trend_word(code: str | None) -> str:
    return TREND.get(code or "", "Ingen tendens endnu")
