"""Table cells that show a figure, with the data attributes that say which figure it is.

The contract of the report (docs/report.md): a cell showing a published KPI figure carries
`data-kpi`, `data-omkostningssted` and `data-periode`; one showing a goal indicator's value
carries `data-indikator` and `data-periode`; its text is the figure rounded for display
(`lib/formatting.py`). A suppressed figure's cell carries `data-undertrykt="true"` and says
"For få"; a figure that does not exist says "Ikke opgjort" and carries `data-mangler="true"`.
A figure the report derives from published ones (a rolling 12 months, the expected year-end
result) carries `data-afledt` with what it is, never `data-kpi`, so that nobody takes it for
a published row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster_project.lib.formatting import format_figure
from dagster_project.report.data import Publication
from dagster_project.report.words import MISSING, SUPPRESSED


@dataclass(frozen=True)
class Cell:
    text: str
    attrs: dict[str, str] = field(default_factory=dict)
    # tal: a figure (right-aligned); undertrykt / mangler: words in its place
    kind: str = "tal"


def kpi(pub: Publication, kpi_id: str, node: str, period: str) -> Cell:
    """The published figure of kpi_values for (kpi, node, period)."""
    attrs = {"data-kpi": kpi_id, "data-omkostningssted": node, "data-periode": period}
    row = pub.kpi_values.get((kpi_id, node, period))
    if row is None:
        return Cell(MISSING, {**attrs, "data-mangler": "true"}, "mangler")
    if row.undertrykt or row.vaerdi is None:
        return Cell(SUPPRESSED, {**attrs, "data-undertrykt": "true"}, "undertrykt")
    return Cell(format_figure(row.vaerdi, pub.kpis[kpi_id].enhed), attrs)


def indicator(
    indicator_id: str, period: str, value: float | None, unit: str, suppressed: bool
) -> Cell:
    """A goal indicator's value in a period (goal_progress). `suppressed` when the KPI
    behind it is suppressed there, which goal_progress shows as a NULL value."""
    attrs = {"data-indikator": indicator_id, "data-periode": period}
    if suppressed:
        return Cell(SUPPRESSED, {**attrs, "data-undertrykt": "true"}, "undertrykt")
    if value is None:
        return Cell("Ingen værdi", {**attrs, "data-mangler": "true"}, "mangler")
    return Cell(format_figure(value, unit), attrs)


def derived(
    what: str, node: str, period: str, value: float | None, unit: str, suppressed: bool = False
) -> Cell:
    attrs = {"data-afledt": what, "data-omkostningssted": node, "data-periode": period}
    if suppressed:
        return Cell(SUPPRESSED, {**attrs, "data-undertrykt": "true"}, "undertrykt")
    if value is None:
        return Cell(MISSING, {**attrs, "data-mangler": "true"}, "mangler")
    return Cell(format_figure(value, unit), attrs)


def plain(value: float | None, unit: str, missing: str = "–") -> Cell:
    """A figure that is not a KPI cell (a target, a median): formatted, no attributes."""
    if value is None:
        return Cell(missing, {}, "mangler")
    return Cell(format_figure(value, unit))
