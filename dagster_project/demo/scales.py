"""The demo calendar, the three sizes of the demo municipality and its random streams."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

# The demo never looks at today's date: the same seed gives the same files in any year.
LAST_COMPLETE_MONTH = (2026, 10)
# Snapshots (organisation) are extracted on the first working day after the last month.
SNAPSHOT_DATE = dt.date(2026, 11, 2)
# Every model with a history (the population) starts here, whatever the scale, so that a year
# looks the same in S, M and L.
EARLIEST_YEAR = 2022


@dataclass(frozen=True)
class Scale:
    """How much history, how many ledger postings and how many staff a demo holds."""

    name: str
    first_year: int
    postings_per_month: int
    # Staff relative to the budget's salaries (1 = about 3,200 persons); the larger scales
    # employ more so that HR volumes can be tested too.
    staff_factor: float

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, LAST_COMPLETE_MONTH[0] + 1))

    @property
    def months(self) -> list[tuple[int, int]]:
        last_year, last_month = LAST_COMPLETE_MONTH
        return [
            (year, month)
            for year in self.years
            for month in range(1, 13)
            if (year, month) <= (last_year, last_month)
        ]


SCALES = {
    "S": Scale("S", first_year=2025, postings_per_month=3_000, staff_factor=1.0),
    "M": Scale("M", first_year=2023, postings_per_month=30_000, staff_factor=2.2),
    "L": Scale("L", first_year=EARLIEST_YEAR, postings_per_month=300_000, staff_factor=6.5),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name.upper()]
    except KeyError:
        choices = ", ".join(SCALES)
        raise ValueError(f"Unknown demo scale {name!r}; choose one of {choices}") from None


def random_stream(seed: int, purpose: str, *keys: int) -> np.random.Generator:
    """A generator that depends only on the seed, the purpose and the keys (e.g. year, month).

    Keying by period rather than drawing from one long stream means a month's data does not
    change when the range around it does (S and L agree on 2026-10).
    """
    if seed < 0:
        raise ValueError(f"The demo seed must be a non-negative integer, got {seed}")
    return np.random.default_rng([seed, zlib.crc32(purpose.encode()), *keys])


def weekdays_of_month(year: int, month: int) -> np.ndarray:
    """Day numbers (1-31) of Monday to Friday in the month: ledgers are posted on working days."""
    first = dt.date(year, month, 1)
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    days = np.arange(1, (next_month - first).days + 1)
    weekday_of_first = first.weekday()
    return days[(weekday_of_first + days - 1) % 7 < 5]
