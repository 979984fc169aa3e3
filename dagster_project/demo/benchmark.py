"""reference/benchmark_20261105.csv: published key figures of comparable municipalities.

Ten real municipalities of about Søholm's size (45,000-85,000 inhabitants), with their codes
and names as Danmarks Statistik writes them, and one value per KPI for each complete year of
the scale. Each municipality keeps its own level from year to year, as published key figures
do, so the ranking beside Søholm is stable but not fixed.
"""

from __future__ import annotations

from ._writer import Encoding, SourceWriter, danish_decimal
from .personale import EXTRACTION_DATE
from .scales import LAST_COMPLETE_MONTH, Scale, random_stream

PEERS = (
    ("217", "Helsingør"),
    ("259", "Køge"),
    ("316", "Holbæk"),
    ("326", "Kalundborg"),
    ("376", "Guldborgsund"),
    ("479", "Svendborg"),
    ("510", "Haderslev"),
    ("607", "Fredericia"),
    ("661", "Holstebro"),
    ("813", "Frederikshavn"),
)
# (kpi, range of the municipalities' levels, spread from year to year, decimals)
KPIS = (
    ("sygefravaer_pct", (4.3, 6.2), 0.25, 2),
    ("driftsudgift_pr_indbygger", (39_000, 47_000), 600, 1),
    ("forbrugsprocent_drift", (97.0, 101.5), 0.8, 1),
    ("personaleomsaetning_afgang_pct", (12.0, 18.0), 1.0, 1),
    ("svarprocent", (66.0, 84.0), 2.5, 1),
    ("trivsel_motivation", (3.65, 4.2), 0.05, 2),
)


def _value_text(value: float, decimals: int) -> str:
    """Danish decimal; amounts in the thousands with `.` separators, as the portal prints them."""
    text = danish_decimal(value, decimals)
    integer, _, fraction = text.partition(",")
    if len(integer) > 3:
        integer = f"{int(integer):,}".replace(",", ".")
    return f"{integer},{fraction}" if fraction else integer


def write_benchmark(scale: Scale, seed: int, writer: SourceWriter) -> int:
    # Only complete years are published: 2026 is still running.
    years = [year for year in scale.years if year < LAST_COMPLETE_MONTH[0]]
    rows = []
    for kpi_number, (kpi, (low, high), spread, decimals) in enumerate(KPIS):
        levels = random_stream(seed, "benchmark", kpi_number).uniform(low, high, len(PEERS))
        for year in years:
            drift = random_stream(seed, "benchmark", kpi_number, year).normal(0, spread, len(PEERS))
            for (code, name), value in zip(PEERS, levels + drift, strict=True):
                rows.append((code, name, kpi, year, _value_text(float(value), decimals)))
    return writer.write_rows(
        "reference",
        f"benchmark_{EXTRACTION_DATE:%Y%m%d}.csv",
        ("kommunekode", "kommune", "kpi", "aar", "vaerdi"),
        rows,
        Encoding.UTF8,
    )
