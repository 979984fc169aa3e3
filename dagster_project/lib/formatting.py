"""Figures as a Danish reader sees them: decimal comma, thousands dot, rounded per unit.

One rule per unit, for every place that shows a figure to a person (`maalbar explain`, and
the report when it shows the same figures): percentages with 1 decimal, kroner whole,
days per årsværk and survey scores with 2, årsværk and dagsværk with 1, counts whole. The
published tables keep the unrounded values; only what is shown is rounded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

# The units of marts.dim_kpi, the goal catalogue's usual `enhed`, and the units of the
# numerators and denominators behind them.
DECIMALS_BY_UNIT: dict[str, int] = {
    "%": 1,
    "procentpoint": 1,  # a difference of two percentages (an initiative's effect)
    "kr.": 0,
    "kr. pr. indbygger": 0,
    "kr. pr. enhed": 0,
    "dage": 2,
    "point": 2,
    "årsværk": 1,
    "dagsværk": 1,
    "enheder": 1,
    "antal": 0,
}
# A unit the catalogue writes freely (an indicator's `enhed`) and the table does not know.
DEFAULT_DECIMALS = 2
# Units shown after the number; a count is shown bare.
BARE_UNITS = {"antal"}

MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def decimals_for(unit: str | None) -> int:
    return DECIMALS_BY_UNIT.get((unit or "").strip(), DEFAULT_DECIMALS)


def format_number(value: float | int | Decimal, decimals: int) -> str:
    """`1234567.891, 1` → `1.234.567,9`. Rounds half away from zero, as a reader rounds by
    hand (Python's `round` rounds 0.25 to 0.2), and never shows `-0`."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:,.{decimals}f}"  # `1,234,567.9`
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_figure(value: float | int | Decimal | None, unit: str | None) -> str:
    """A figure with its unit, rounded by the unit's rule: `82,7 %`, `1.234 kr.`, `3,87
    point`, `412` (antal). None gives an empty string."""
    if value is None:
        return ""
    number = format_number(value, decimals_for(unit))
    unit = (unit or "").strip()
    return number if not unit or unit in BARE_UNITS else f"{number} {unit}"


def format_date(day: date | datetime) -> str:
    """`5. november 2026`; with a time, `5. november 2026 kl. 21.19`."""
    text = f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    if isinstance(day, datetime):
        text += f" kl. {day:%H.%M}"
    return text


def format_period(period: str) -> str:
    """A published period as a reader writes it: `2026-10` → `oktober 2026`, `2026-Q3` →
    `3. kvartal 2026`, `2026` → `2026`. Anything else is returned as it is."""
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{MONTHS[int(period[5:]) - 1]} {period[:4]}"
    if len(period) == 7 and period[4:6] == "-Q":
        return f"{period[6]}. kvartal {period[:4]}"
    return period
