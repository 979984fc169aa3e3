"""Reference data of the demo municipality (reference/ in sources.md).

- befolkning_YYYY.csv: population on 1 January by age, from a small cohort model (ageing,
  deaths, births, moves) that starts in EARLIEST_YEAR for every scale.
- aktivitet_YYYYMM.csv: the month's activity of every unit that delivers a service, sized
  from the same capacities as the budget so that unit costs come out plausible.
"""

from __future__ import annotations

import calendar

import numpy as np

from ._writer import Encoding, SourceWriter, danish_decimal
from .organisation import Organisation
from .scales import EARLIEST_YEAR, Scale, random_stream

MAX_AGE = 105
STARTING_POPULATION = 59_600
# (age, people of that age) in EARLIEST_YEAR: young adults leave for the university towns,
# families with children move in; the profile in between is interpolated.
STARTING_AGE_PROFILE = (
    (0, 640), (5, 690), (12, 730), (17, 720), (20, 560), (24, 500), (28, 580), (33, 700),
    (40, 790), (50, 850), (58, 840), (65, 760), (72, 720), (78, 560), (84, 340), (90, 150),
    (95, 50), (100, 8), (MAX_AGE, 0.5),
)  # fmt: skip
BIRTHS_PER_YEAR = 660
# Net moves per year as a share of the age group: students out, young families in.
NET_MIGRATION = ((0, 0.008), (7, 0.002), (19, -0.015), (24, 0.0), (25, 0.012), (41, 0.001))

# Seasonal pattern of activity by service, January first: intake of the youngest children
# through the year and a drop when the oldest start school in August; more home care in winter.
ACTIVITY_PATTERN = {
    "DAGPLEJE": (0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 1.0, 0.93, 0.94, 0.95, 0.96, 0.97),
    "VUGGESTUE": (0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 1.0, 0.93, 0.94, 0.95, 0.96, 0.97),
    "BOERNEHAVE": (0.97, 0.98, 0.99, 1.0, 1.0, 1.0, 1.0, 0.94, 0.95, 0.96, 0.97, 0.97),
    "SKOLE_ELEVER": (1.0,) * 12,
    "HJEMMEPLEJE_TIMER": (1.05, 1.04, 1.02, 1.0, 0.98, 0.96, 0.93, 0.95, 0.98, 1.0, 1.02, 1.04),
    "PLEJEBOLIG": (1.0,) * 12,
    "BOTILBUD": (1.0,) * 12,
}
# Pupils change schools at the start of the school year, not month by month.
MONTHLY_NOISE = {"SKOLE_ELEVER": 0.004}
DEFAULT_MONTHLY_NOISE = 0.03
# A few months arrive from the care systems' Windows export instead of the UTF-8 one.
CP1252_ACTIVITY_MONTHS = (1, 7)
AVERAGE_DAYS_PER_MONTH = 365.25 / 12


def _mortality(ages: np.ndarray) -> np.ndarray:
    """Yearly probability of dying at each age (Gompertz curve close to Danish life tables)."""
    return np.minimum(0.0003 + np.exp(-10.9 + 0.098 * ages), 0.95)


def _net_migration(ages: np.ndarray) -> np.ndarray:
    knots = np.array([age for age, _ in NET_MIGRATION])
    rates = np.array([rate for _, rate in NET_MIGRATION])
    return rates[np.searchsorted(knots, ages, side="right") - 1]


def population_by_year(last_year: int, seed: int) -> dict[int, np.ndarray]:
    """Population on 1 January by age (index = age) from EARLIEST_YEAR through last_year."""
    ages = np.arange(MAX_AGE + 1)
    knots = np.array(STARTING_AGE_PROFILE, dtype=float)
    profile = np.interp(ages, knots[:, 0], knots[:, 1])
    population = np.round(profile * STARTING_POPULATION / profile.sum()).astype(np.int64)
    populations = {EARLIEST_YEAR: population}
    for year in range(EARLIEST_YEAR + 1, last_year + 1):
        rng = random_stream(seed, "befolkning", year)
        survivors = rng.binomial(population, 1 - _mortality(ages))
        aged = np.zeros_like(population)
        aged[1:] = survivors[:-1]  # the oldest age group leaves the table
        aged[0] = rng.poisson(BIRTHS_PER_YEAR)
        moves = rng.normal(aged * _net_migration(ages), np.sqrt(aged + 1) * 0.5)
        population = np.maximum(aged + np.round(moves).astype(np.int64), 0)
        populations[year] = population
    return populations


def write_population(scale: Scale, seed: int, writer: SourceWriter) -> int:
    """One file per year, as downloaded from Danmarks Statistik: UTF-8 with BOM."""
    populations = population_by_year(scale.years[-1], seed)
    for year in scale.years:
        writer.write_rows(
            "reference",
            f"befolkning_{year}.csv",
            ("alder", "antal"),
            ((age, int(count)) for age, count in enumerate(populations[year])),
            Encoding.UTF8_BOM,
        )
    return int(populations[scale.years[-1]].sum())


def write_activity(
    organisation: Organisation, scale: Scale, seed: int, writer: SourceWriter
) -> int:
    units = sorted(organisation.service_units, key=lambda unit: unit.omkostningssted)
    occupancy = random_stream(seed, "aktivitet", 0).uniform(0.90, 0.99, len(units))
    row_count = 0
    for year, month in scale.months:
        rng = random_stream(seed, "aktivitet", year, month)
        # The school year starts in August: pupils per school are drawn once per school year.
        school_year = year if month >= 8 else year - 1
        school_factor = random_stream(seed, "skoleaar", school_year).normal(1.0, 0.03, len(units))
        days_factor = calendar.monthrange(year, month)[1] / AVERAGE_DAYS_PER_MONTH
        rows = []
        for index, unit in enumerate(units):
            service = unit.service
            if service is None:
                continue
            amount = unit.capacity * occupancy[index] * ACTIVITY_PATTERN[service.ydelse][month - 1]
            amount *= rng.normal(1.0, MONTHLY_NOISE.get(service.ydelse, DEFAULT_MONTHLY_NOISE))
            if service.ydelse == "SKOLE_ELEVER":
                amount *= school_factor[index]
            if service.enhed == "timer":
                amount *= days_factor
            if service.enhed == "beboere":
                amount = min(amount, unit.capacity)  # a home cannot hold more than its places
            antal = danish_decimal(max(amount, 0.0), service.decimals)
            rows.append((unit.omkostningssted, service.ydelse, antal, service.enhed))
        encoding = Encoding.CP1252 if month in CP1252_ACTIVITY_MONTHS else Encoding.UTF8
        row_count += writer.write_rows(
            "reference", f"aktivitet_{year}{month:02d}.csv",
            ("omkostningssted", "ydelse", "antal", "enhed"), rows, encoding,
        )  # fmt: skip
    return row_count
