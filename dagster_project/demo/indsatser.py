"""The demo municipality's initiatives (the goal catalogue's sheet `indsatser`) and the effects
planted in the demo's data, so that the published effects show every verdict:

- X01 works: early sickness dialogue (sygesamtale in the first week) in the daycare units of
  Dagtilbud Øst from November 2025. The absence system then registers 60 % fewer sickness
  spells of up to 30 days there (personale.py thins them, every kind of sickness alike), so
  short-term sick leave falls by about 60 % against the daycare units of Dagtilbud Nord and
  Vest, named as the comparison.
- X02 has no effect: an attendance team at five of the schools; the schools' monthly pupil
  absence (delivered per school by SKOLE-TRIVSEL) moves as at the other schools.
- X03 backfires: new route planning in three home-care groups lowers the share of visits
  delivered at the agreed time by 4 points (delivered per group by CURA, which stopped
  delivering after June 2026, so the post-period ends there).
- X04 is too recent: new rosters at three nursing homes from September 2026.
- X05 cannot be judged: a health check at the museum, whose three employees' sick leave is
  suppressed every month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .organisation import Organisation
from .scales import LAST_COMPLETE_MONTH, Scale, random_stream

D = dt.date


@dataclass(frozen=True)
class Initiative:
    indsats_id: str
    maal_id: str
    titel: str
    forandringsteori: str
    indikator_id: str
    nodes: tuple[str, ...]  # names of the cost centres that run it
    comparison: tuple[str, ...]  # names; () = the default comparison units
    startdato: dt.date
    slutdato: dt.date | None
    omkostning_kr: float | None


INITIATIVES = (
    Initiative(
        "X01", "M06", "Tidlig sygefraværssamtale i Dagtilbud Øst",
        "Hvis lederen holder en omsorgssamtale i den første uge af et sygefravær, falder "
        "korttidsfraværet, fordi medarbejderen føler sig set og kommer tidligere tilbage.",
        "I52", ("Dagtilbud Øst",), ("Dagtilbud Nord", "Dagtilbud Vest"),
        D(2025, 11, 3), None, 240_000,
    ),
    Initiative(
        "X02", "M05", "Fremmødeteam på fem skoler",
        "Hvis et fremmødeteam ringer hjem samme morgen, falder elevfraværet, fordi "
        "bekymrende fravær opdages tidligt.",
        "I11", ("Skovgårdsskolen", "Østre Skole", "Vestre Skole", "Søholm Skole",
                "Nørremarkskolen"), (),
        D(2025, 10, 1), None, 1_150_000,
    ),
    Initiative(
        "X03", "M12", "Ny ruteplanlægning i hjemmeplejen",
        "Hvis ruterne planlægges centralt i et nyt system, kommer flere besøg til den aftalte "
        "tid, fordi køretiden bliver kortere.",
        "I25", ("Hjemmeplejen Nord", "Hjemmeplejen Syd", "Hjemmeplejen Øst"), (),
        D(2025, 9, 1), None, 680_000,
    ),
    Initiative(
        "X04", "M11", "Nye vagtplaner på plejecentrene",
        "Hvis vagtplanerne lægges otte uger frem, falder korttidsfraværet, fordi "
        "medarbejderne kan planlægge deres fritid.",
        "I27", ("Plejecenter Åbo", "Plejecenter Søbakken", "Plejecenter Fælledgården"), (),
        D(2026, 9, 1), None, 90_000,
    ),
    Initiative(
        "X05", "M17", "Sundhedstjek på museet",
        "Hvis medarbejderne får et årligt sundhedstjek, falder sygefraværet.",
        "I42", ("Søholm Museum",), (),
        D(2025, 6, 2), D(2026, 5, 31), 18_000,
    ),
)  # fmt: skip

INDSATS_HEADER = (
    "indsats_id", "maal_id", "titel", "forandringsteori", "indikator_id", "omkostningssteder",
    "sammenligning", "startdato", "slutdato", "omkostning_kr",
)  # fmt: skip

# X01: the share of sickness spells of up to 30 days that the dialogue leaves registered.
SICKNESS_KEPT_SHARE = 0.4
SICKNESS_INITIATIVE = "X01"


@dataclass(frozen=True)
class DeliveredUnits:
    """A delivered indicator's monthly values per unit, with a planted effect after the start."""

    indsats_id: str
    level: float  # mean level of a unit
    level_spread: float  # between units
    noise: float  # month to month within a unit
    effect: float  # planted, in the indicator's unit, on the treated units after the start
    decimals: int = 1
    last_month: tuple[int, int] = LAST_COMPLETE_MONTH
    parent: str = ""  # the node whose leaves deliver


DELIVERED = (
    DeliveredUnits("X02", 6.4, 0.8, 0.45, 0.0, parent="Skoler"),
    DeliveredUnits(
        "X03", 91.5, 1.5, 1.0, -4.0, last_month=(2026, 6), parent="Hjemmepleje og Sygepleje"
    ),
)
PLANTED_EFFECTS = {d.indsats_id: d.effect for d in DELIVERED}


def by_id(indsats_id: str) -> Initiative:
    return next(i for i in INITIATIVES if i.indsats_id == indsats_id)


def catalogue_rows(codes: dict[str, str]) -> list[list[object]]:
    """The sheet's rows, with the cost centres' names turned into their codes."""
    rows = []
    for item in INITIATIVES:
        rows.append(
            [
                item.indsats_id,
                item.maal_id,
                item.titel,
                item.forandringsteori,
                item.indikator_id,
                ",".join(codes[name] for name in item.nodes),
                ",".join(codes[name] for name in item.comparison) or None,
                dt.datetime(item.startdato.year, item.startdato.month, item.startdato.day),
                dt.datetime(item.slutdato.year, item.slutdato.month, item.slutdato.day)
                if item.slutdato
                else None,
                item.omkostning_kr,
            ]
        )
    return rows


def delivered_unit_values(
    organisation: Organisation, scale: Scale, seed: int
) -> list[tuple[str, str, str, float, int]]:
    """(indikator_id, omkostningssted, periode, vaerdi, decimals) for the initiatives on
    delivered indicators: every leaf under the parent node, from the later of the scale's first
    month and S−12 to the last month delivered."""
    rows = []
    for number, spec in enumerate(DELIVERED):
        item = by_id(spec.indsats_id)
        codes = {c.navn: c.omkostningssted for c in organisation.cost_centres}
        treated = {codes[name] for name in item.nodes}
        start = item.startdato.year * 12 + item.startdato.month - 1
        first = max(scale.first_year * 12, start - 12)
        last = spec.last_month[0] * 12 + spec.last_month[1] - 1
        rng = random_stream(seed, "indsats_enheder", number)
        parent = codes[spec.parent]
        units = sorted(
            c.omkostningssted for c in organisation.cost_centres if c.overordnet == parent
        )
        levels = rng.normal(spec.level, spec.level_spread, len(units))
        for unit, level in zip(units, levels, strict=True):
            noise = rng.normal(0.0, spec.noise, last - first + 1)
            for offset, month in enumerate(range(first, last + 1)):
                value = level + noise[offset]
                if unit in treated and month > start:
                    value += spec.effect
                period = f"{month // 12}-{month % 12 + 1:02d}"
                rows.append((item.indikator_id, unit, period, max(value, 0.0), spec.decimals))
    return rows


def subtree(organisation: Organisation, name: str) -> set[str]:
    """The codes of the named cost centre and every cost centre below it."""
    children: dict[str, list[str]] = {}
    for centre in organisation.cost_centres:
        children.setdefault(centre.overordnet or "", []).append(centre.omkostningssted)
    code = next(c.omkostningssted for c in organisation.cost_centres if c.navn == name)
    found, todo = set(), [code]
    while todo:
        found.add(todo[-1])
        todo += children.get(todo.pop(), [])
    return found


def sickness_kept(
    organisation: Organisation, unit_codes: np.ndarray, fra: np.ndarray, start_day: int, seed: int
) -> np.ndarray:
    """Which sickness spells of up to a month stay registered: X01's units drop a share of
    those starting on or after its start (`start_day`, in the caller's day numbers), drawn
    from a stream of their own so that nothing else in the demo changes."""
    item = by_id(SICKNESS_INITIATIVE)
    below = set().union(*(subtree(organisation, name) for name in item.nodes))
    treated = np.isin(unit_codes, sorted(below)) & (fra >= start_day)
    rng = random_stream(seed, "indsats_fravaer")
    return ~treated | (rng.random(unit_codes.size) < SICKNESS_KEPT_SHARE)
