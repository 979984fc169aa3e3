"""Employments and absence of the demo municipality (personale/ in sources.md).

- ansaettelser_YYYYMMDD.csv: a full snapshot of all employments as the HR system knows them on
  the extraction date. The newest (2026-11-05, horizon 2026-10-31) is UTF-8; an older one
  (2026-06-05) comes from the Windows export, so that "newest wins" has something to replace.
- fravaer_YYYY_YYYYMMDD.csv: every absence spell starting in YYYY as known on the extraction
  date, one file per year of the scale, plus an older extraction of 2025 that the newer replaces.

Careers are simulated as a whole: the staff on 1 January of the scale's first year, hires that
replace leavers at the rate they leave, and within a career changes of unit or employment
fraction, each of which ends one employment row and starts the next. Staff are placed on the
cost centres in proportion to the salary lines of their budget, so HR and economy agree on which
units are big. A few units are deliberately tiny so that suppression of small groups shows.
Everything is drawn with numpy in one pass; the largest scale has about 50,000 employment rows
and 800,000 absence spells.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

from . import indsatser
from ._writer import TEXT, Encoding, SourceWriter, csv_field, join_fields
from .oekonomi import build_budget_lines
from .organisation import Organisation
from .scales import LAST_COMPLETE_MONTH, Scale, random_stream

EMPLOYMENT_HEADER = (
    "ansaettelsesnr", "cpr", "omkostningssted", "stillingskategori", "loenform", "elev",
    "beskaeftigelsesgrad", "startdato", "slutdato", "fratraedelsesaarsag",
)  # fmt: skip
ABSENCE_HEADER = ("ansaettelsesnr", "aarsag", "fra_dato", "til_dato", "timer_pr_dag")

EXTRACTION_DATE = dt.date(2026, 11, 5)
OLDER_EXTRACTION_DATE = dt.date(2026, 6, 5)
# The closed year 2025 was first extracted just after New Year, with spells still open then.
OLDER_ABSENCE_EXTRACTION = (2025, dt.date(2026, 1, 10))
# Holidays are planned ahead, so the absence system already holds those of the rest of the year.
PLANNED_UNTIL = dt.date(LAST_COMPLETE_MONTH[0], 12, 31)

EPOCH = dt.date(1970, 1, 1)
DAYS_PER_YEAR = 365.25
NEVER = 200_000  # day number of an end nobody knows yet (far beyond any real date)
FAR_PAST = -200_000  # when the HR system learnt of employments older than the demo's history

# Salary in the budget templates (2022 kroner) per full-time person, and persons per full-time
# equivalent: most municipal staff work part-time.
SALARY_PER_FTE = 480_000
PERSONS_PER_FTE = 1.12
# Caseworker teams whose budget holds only transfers: their staff in full-time equivalents.
FTE_WITHOUT_SALARY_LINE = {"sygedagpenge": 12.0, "ydelser": 14.0, "fleksjob": 10.0}
# Units small enough that sickness and turnover must be suppressed (fewer than 5 persons).
# The tourist office has 4, gets a fifth in March 2026 and loses one in August.
SMALL_UNITS = {
    "Renter og Finansiering": 2,
    "Kollektiv Trafik": 3,
    "Søholm Museum": 3,
    "Folkeoplysning og Foreningsliv": 2,
    "Turistkontoret": 4,
}
FIFTH_PERSON_UNIT = "Turistkontoret"
CENTRE_WITH_STAFF_SHARE = 0.5  # centres whose management team is booked on the centre itself
# The team also holds the centre's consultants, who are paid partly from the units' budgets.
CENTRE_TEAM_FACTOR = 1.5

MDR, TIME, ELEV = 0, 1, 2
LOENFORM = ("MDR", "TIME", "MDR")
ELEV_FLAG = ("N", "N", "J")
# Yearly rate of leaving, and of hiring: a little higher, because retirements and the ends of
# fixed-term substitutes also make room.
LEAVE_RATE = {MDR: 0.17, TIME: 0.7}
HIRE_RATE = {MDR: 0.195, TIME: 1.05, ELEV: 0.44}
FIXED_TERM_SHARE = {MDR: 0.08, TIME: 0.5}
CHANGE_RATE = 0.07  # changes of unit or fraction per person and year
MOVE_SHARE = 0.4  # of those changes, moves to another unit

REASONS = (
    "", "Egen opsigelse", "Pension", "Afsked", "Udløb af tidsbegrænset ansættelse",
    "Intern flytning", "Ændret beskæftigelsesgrad",
)  # fmt: skip
NO_REASON, RESIGNED, PENSION, DISMISSED, FIXED_TERM, MOVED, NEW_FRACTION = range(len(REASONS))

# Employment fractions of a 37-hour week, as the payroll system prints them.
FRACTIONS = (1, 35 / 37, 33 / 37, 30 / 37, 28 / 37, 25 / 37, 0.5, 5 / 37, 8 / 37, 10 / 37,
             15 / 37, 20 / 37)  # fmt: skip
FRACTION_PROFILES = {
    "fuldtid": (0.82, 0.04, 0.06, 0.04, 0.01, 0.0, 0.03, 0, 0, 0, 0, 0),
    "blandet": (0.45, 0.05, 0.18, 0.16, 0.09, 0.05, 0.02, 0, 0, 0, 0, 0),
    "deltid": (0.2, 0.03, 0.15, 0.24, 0.18, 0.14, 0.06, 0, 0, 0, 0, 0),
    "time": (0, 0, 0, 0, 0, 0, 0.05, 0.2, 0.2, 0.25, 0.2, 0.1),
}
PART_TIME_CATEGORIES = {
    "Social- og sundhedshjælper", "Social- og sundhedsassistent", "Pædagogmedhjælper",
    "Pædagogisk assistent", "Rengøringsassistent", "Køkkenassistent", "Ernæringsassistent",
    "Biblioteksassistent",
}  # fmt: skip
MIXED_TIME_CATEGORIES = {"Pædagog", "Sygeplejerske", "Ergoterapeut", "Fysioterapeut"}
FEMALE_SHARE = {
    "Vejmand": 0.08, "Gartner": 0.3, "Håndværker": 0.05, "Chauffør": 0.2,
    "Teknisk servicemedarbejder": 0.15, "IT-medarbejder": 0.25, "Livredder": 0.45,
    "Musikskolelærer": 0.5, "Leder": 0.6, "Akademisk medarbejder": 0.6, "Lærer": 0.7,
    "Anlægsgartnerelev": 0.2, "Sygeplejerske": 0.94, "Sundhedsplejerske": 0.98,
    "Dagplejer": 0.97,
}  # fmt: skip
DEFAULT_FEMALE_SHARE = 0.8


@dataclass(frozen=True)
class Family:
    """The staff of a kind of workplace."""

    categories: tuple[tuple[str, float], ...]  # job category and weight
    hourly_share: float
    trainee_share: float = 0.0
    trainee_category: str = ""
    sickness: float = 1.0  # relative sickness absence: care work is hard on the body


FAMILIES = {
    "administration": Family(
        (("Administrativ medarbejder", 50), ("Akademisk medarbejder", 40), ("Leder", 10)),
        0.02, 0.03, "Kontorelev", 0.7,
    ),
    "it": Family(
        (("IT-medarbejder", 60), ("Akademisk medarbejder", 20),
         ("Administrativ medarbejder", 12), ("Leder", 8)),
        0.02, sickness=0.7,
    ),
    "ledelse": Family(
        (("Leder", 40), ("Akademisk medarbejder", 30), ("Administrativ medarbejder", 30)),
        0.0, sickness=0.6,
    ),
    "myndighed": Family(
        (("Socialrådgiver", 48), ("Administrativ medarbejder", 28),
         ("Akademisk medarbejder", 16), ("Leder", 8)),
        0.02, 0.02, "Kontorelev", 0.9,
    ),
    "dagpleje": Family(
        (("Dagplejer", 82), ("Pædagog", 12), ("Leder", 3), ("Administrativ medarbejder", 3)),
        0.03, sickness=1.2,
    ),
    "dagtilbud": Family(
        (("Pædagog", 55), ("Pædagogmedhjælper", 27), ("Pædagogisk assistent", 9), ("Leder", 4),
         ("Køkkenassistent", 3), ("Rengøringsassistent", 2)),
        0.07, 0.04, "Pædagogisk assistentelev", 1.25,
    ),
    "skole": Family(
        (("Lærer", 58), ("Pædagog", 15), ("Pædagogmedhjælper", 8),
         ("Administrativ medarbejder", 4), ("Leder", 5), ("Teknisk servicemedarbejder", 4),
         ("Rengøringsassistent", 6)),
        0.05, sickness=1.0,
    ),
    "pleje": Family(
        (("Social- og sundhedshjælper", 42), ("Social- og sundhedsassistent", 36),
         ("Sygeplejerske", 7), ("Ergoterapeut", 2), ("Rengøringsassistent", 4),
         ("Køkkenassistent", 3), ("Administrativ medarbejder", 3), ("Leder", 3)),
        0.07, 0.07, "Social- og sundhedsassistentelev", 1.4,
    ),
    "sygepleje": Family(
        (("Sygeplejerske", 82), ("Social- og sundhedsassistent", 12),
         ("Administrativ medarbejder", 2), ("Leder", 4)),
        0.04, sickness=1.15,
    ),
    "madservice": Family(
        (("Ernæringsassistent", 40), ("Køkkenassistent", 40), ("Chauffør", 12), ("Leder", 8)),
        0.05, 0.08, "Ernæringsassistentelev", 1.25,
    ),
    "social": Family(
        (("Pædagog", 45), ("Social- og sundhedsassistent", 20), ("Pædagogmedhjælper", 18),
         ("Socialrådgiver", 6), ("Administrativ medarbejder", 6), ("Leder", 5)),
        0.06, 0.03, "Social- og sundhedsassistentelev", 1.25,
    ),
    "sundhedspleje": Family(
        (("Sundhedsplejerske", 85), ("Administrativ medarbejder", 7), ("Leder", 8)),
        0.03, sickness=0.9,
    ),
    "traening": Family(
        (("Fysioterapeut", 42), ("Ergoterapeut", 38), ("Håndværker", 6),
         ("Administrativ medarbejder", 8), ("Leder", 6)),
        0.03, sickness=0.95,
    ),
    "teknik": Family(
        (("Vejmand", 38), ("Gartner", 24), ("Håndværker", 12), ("Chauffør", 8),
         ("Rengøringsassistent", 6), ("Administrativ medarbejder", 6), ("Leder", 6)),
        0.04, 0.03, "Anlægsgartnerelev", 1.15,
    ),
    "bibliotek": Family(
        (("Bibliotekar", 45), ("Biblioteksassistent", 35), ("Administrativ medarbejder", 10),
         ("Leder", 10)),
        0.05, sickness=0.9,
    ),
    "musikskole": Family(
        (("Musikskolelærer", 85), ("Administrativ medarbejder", 8), ("Leder", 7)),
        0.3, sickness=0.8,
    ),
    "kultur": Family(
        (("Kulturmedarbejder", 45), ("Teknisk servicemedarbejder", 25),
         ("Administrativ medarbejder", 20), ("Leder", 10)),
        0.1, sickness=0.9,
    ),
    "idraet": Family(
        (("Teknisk servicemedarbejder", 40), ("Livredder", 30), ("Administrativ medarbejder", 15),
         ("Rengøringsassistent", 10), ("Leder", 5)),
        0.12, sickness=1.0,
    ),
}  # fmt: skip
FAMILY_NAMES = tuple(FAMILIES)
# Which staff a unit of each kind has; kinds missing here (placements, co-financing, the joint
# fire service) have no employees of their own.
KIND_FAMILY = {
    "administration": "administration", "it": "it", "politik": "administration",
    "finansiering": "administration", "borgerservice": "administration",
    "dagpleje": "dagpleje", "vuggestue": "dagtilbud", "boernehave": "dagtilbud",
    "klub": "dagtilbud", "skole": "skole", "specialskole": "skole", "ungdomsskole": "skole",
    "familie_myndighed": "myndighed", "familiehus": "social", "sundhedspleje": "sundhedspleje",
    "hjemmepleje": "pleje", "plejebolig": "pleje", "sygepleje": "sygepleje",
    "madservice": "madservice", "botilbud": "social", "aktivitetstilbud": "social",
    "forsorgshjem": "social", "genoptraening": "traening", "hjaelpemidler": "traening",
    "forebyggelse": "administration", "visitation": "myndighed", "vej": "teknik",
    "vinter": "teknik", "park": "teknik", "driftsgaard": "teknik", "ejendomme": "teknik",
    "byggesag": "administration", "plan": "administration", "miljoe": "administration",
    "kollektiv_trafik": "administration", "bibliotek": "bibliotek",
    "lokalbibliotek": "bibliotek", "musikskole": "musikskole", "kultur": "kultur",
    "museum": "kultur", "idraet": "idraet", "folkeoplysning": "administration",
    "jobcenter": "myndighed", "sygedagpenge": "myndighed", "ydelser": "myndighed",
    "fleksjob": "myndighed", "integration": "myndighed", "ungeindsats": "myndighed",
    "erhverv": "administration", "turisme": "administration",
}  # fmt: skip
# Teachers and pedagogues take their holidays when the schools close.
SCHOOL_HOLIDAY_FAMILIES = ("skole",)
ASK_PRONE_FAMILIES = ("pleje", "teknik", "social")

CATEGORIES = tuple(
    sorted(
        {name for family in FAMILIES.values() for name, _ in family.categories}
        | {family.trainee_category for family in FAMILIES.values() if family.trainee_category}
    )
)

# Absence causes of sources.md; the first four are sickness.
CAUSES = ("SYG", "ASK", "GRAV", "S56", "BSYG", "BARSEL", "FERIE", "OMSORG", "ANDET")
SYG, ASK, GRAV, S56, BSYG, BARSEL, FERIE, OMSORG, ANDET = range(len(CAUSES))
# Hours a day of partial spells as printed; "" = whole days.
HOURS = ("", "3,7", "3", "4", "2,5", "2", "3,5")
PARTIAL_SICK_HOURS = tuple(HOURS.index(h) for h in ("3,7", "3", "4", "2,5"))  # gradual return
PARTIAL_S56_HOURS = tuple(HOURS.index(h) for h in ("2", "3", "3,5", "4"))
# Sickness per person and year: many short spells, fewer medium ones, and a few long ones
# that carry a large share of the days (Danish municipal statistics).
SHORT_SICK_RATE = 2.1
SHORT_SICK_WORKDAYS = ((1, 0.38), (2, 0.24), (3, 0.17), (4, 0.11), (5, 0.10))
MEDIUM_SICK_RATE = 0.32
LONG_SICK_RATE = 0.095
LONG_SICK_MAX_DAYS = 300
# More sickness in winter, little in the July holiday (relative, January first).
SICK_SEASON = np.array((1.25, 1.3, 1.15, 1.0, 0.9, 0.85, 0.6, 0.85, 0.95, 1.05, 1.1, 1.0)) / 1.3
HOURLY_SICKNESS = 0.6  # hourly-paid staff report sickness only for shifts they were booked on
S56_PERSON_SHARE = 0.03
S56_RATE = 6.0
BARSEL_RATE = {True: 0.065, False: 0.04}  # women, men
GRAV_SHARE = 0.35
CHILD_SICK_RATE = 1.6
CARE_DAY_RATE = 1.0
OTHER_RATE = 0.3
HOLIDAY_WEEKS = (7, 8, 14, 33, 40, 42, 43, 44)
LATE_REGISTRATION_SHARE = 0.02


def day_number(date: dt.date) -> int:
    return (date - EPOCH).days


@dataclass
class EmploymentRows:
    """Careers, and after the split into rows employments, as parallel arrays (days since 1970).

    A career is one person's unbroken stay; a change of unit or fraction within it gives a new
    employment row. `*_known` is the day the HR system learnt of the start or end: a snapshot
    shows a row only once its start is known and its end only once that is known.
    """

    person: np.ndarray
    unit: np.ndarray
    kind: np.ndarray  # MDR, TIME or ELEV
    category: np.ndarray
    fraction: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    start_known: np.ndarray
    end_known: np.ndarray
    birth: np.ndarray
    female: np.ndarray
    changeable: np.ndarray
    annulled: np.ndarray  # registered, then deleted before the newest extraction
    leaves: np.ndarray  # the end is a departure from the municipality, not a change

    def __len__(self) -> int:
        return self.person.size

    def take(self, index: np.ndarray) -> EmploymentRows:
        return EmploymentRows(
            **{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)}
        )

    @staticmethod
    def concat(parts: list[EmploymentRows]) -> EmploymentRows:
        return EmploymentRows(
            **{
                f.name: np.concatenate([getattr(part, f.name) for part in parts])
                for f in dataclasses.fields(EmploymentRows)
            }
        )


@dataclass(frozen=True)
class Staffing:
    """The cost centres that employ staff, with their family and expected headcount."""

    codes: tuple[str, ...]
    family: np.ndarray  # index into FAMILY_NAMES
    headcount: np.ndarray  # expected persons at the scale; 0 for the small units
    small: dict[int, int]  # unit index -> fixed number of persons
    fifth_person_unit: int


@dataclass(frozen=True)
class Spells:
    row: np.ndarray  # index into the employment rows
    cause: np.ndarray
    fra: np.ndarray
    til: np.ndarray
    hours: np.ndarray  # index into HOURS
    planned: np.ndarray  # holidays and leave are registered ahead with their end
    registered: np.ndarray


# Calendar helpers on day numbers.


def _as_dates(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def _next_month_start(days: np.ndarray) -> np.ndarray:
    months = _as_dates(days).astype("datetime64[M]") + 1
    return months.astype("datetime64[D]").astype(np.int64)


def _month_start(days: np.ndarray) -> np.ndarray:
    return _as_dates(days).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_end(days: np.ndarray) -> np.ndarray:
    return _next_month_start(days) - 1


def _year_of(days: np.ndarray) -> np.ndarray:
    return _as_dates(days).astype("datetime64[Y]").astype(np.int64) + 1970


def _month_of(days: np.ndarray) -> np.ndarray:
    return _as_dates(days).astype("datetime64[M]").astype(np.int64) % 12 + 1


def _add_workdays(days: np.ndarray, workdays: np.ndarray | int) -> np.ndarray:
    """The day `workdays` weekdays after `days`, which is first moved forward to a weekday."""
    return np.busday_offset(_as_dates(days), workdays, roll="forward").astype(np.int64)


TABLE_START = dt.date(1950, 1, 1)
TABLE_END = dt.date(2035, 12, 31)


@functools.cache
def _date_tables() -> tuple[np.ndarray, np.ndarray]:
    """`DD-MM-YYYY` and the CPR's `DDMMYY` of every day from TABLE_START to TABLE_END."""
    days = np.arange(day_number(TABLE_START), day_number(TABLE_END) + 1).astype("datetime64[D]")
    iso = np.datetime_as_string(days).astype(TEXT)
    year, month, day = (np.strings.slice(iso, a, b) for a, b in ((0, 4), (5, 7), (8, 10)))
    danish = np.strings.add(np.strings.add(np.strings.add(day, "-"), month), "-")
    short_year = np.strings.slice(year, 2, 4)
    return np.strings.add(danish, year), np.strings.add(np.strings.add(day, month), short_year)


def _date_texts(days: np.ndarray) -> np.ndarray:
    return _date_tables()[0][np.asarray(days) - day_number(TABLE_START)]


# Who works where.


def build_staffing(organisation: Organisation, scale: Scale, seed: int) -> Staffing:
    """Expected headcount per cost centre, from the salary (art 1.1) of its budget template."""
    lines = build_budget_lines(organisation)
    salary: dict[str, float] = {}
    for code, art, amount in zip(lines.omkostningssted, lines.art, lines.base_amount, strict=True):
        if art == "1.1":
            salary[code] = salary.get(code, 0.0) + float(amount)
    rng = random_stream(seed, "personale_centre")
    codes, families, headcounts, small = [], [], [], {}
    fifth_person_unit = -1
    for centre in sorted(organisation.cost_centres, key=lambda c: c.omkostningssted):
        if centre.niveau == "enhed" and centre.kind in KIND_FAMILY:
            family = KIND_FAMILY[centre.kind]
            fte = salary.get(centre.omkostningssted, 0.0) / SALARY_PER_FTE
            fte = fte or FTE_WITHOUT_SALARY_LINE.get(centre.kind, 0.0) * centre.size
        elif centre.niveau == "center" and rng.random() < CENTRE_WITH_STAFF_SHARE:
            family = "ledelse"
            fte = salary.get(centre.omkostningssted, 0.0) / SALARY_PER_FTE * CENTRE_TEAM_FACTOR
        else:
            continue
        if centre.navn in SMALL_UNITS:
            small[len(codes)] = SMALL_UNITS[centre.navn]
            if centre.navn == FIFTH_PERSON_UNIT:
                fifth_person_unit = len(codes)
            fte = 0.0  # staffed by hand, never by the random hires
        codes.append(centre.omkostningssted)
        families.append(FAMILY_NAMES.index(family))
        headcounts.append(fte * PERSONS_PER_FTE * scale.staff_factor)
    return Staffing(
        tuple(codes), np.array(families), np.array(headcounts), small, fifth_person_unit
    )


def _draw_categories(
    rng: np.random.Generator, staffing: Staffing, units: np.ndarray, kinds: np.ndarray
) -> np.ndarray:
    family_of = staffing.family[units]
    category = np.zeros(units.size, dtype=np.int64)
    for family_index, name in enumerate(FAMILY_NAMES):
        family = FAMILIES[name]
        names = [category_name for category_name, _ in family.categories]
        weights = np.array([weight for _, weight in family.categories], dtype=float)
        ids = np.array([CATEGORIES.index(category_name) for category_name in names])
        # Managers are monthly-paid; the hourly-paid stand in for the other categories.
        hourly_weights = np.where(np.array(names) == "Leder", 0.0, weights)
        for kind, kind_weights in ((MDR, weights), (TIME, hourly_weights)):
            chosen = np.flatnonzero((family_of == family_index) & (kinds == kind))
            if not chosen.size:
                continue
            pick = rng.choice(ids.size, size=chosen.size, p=kind_weights / kind_weights.sum())
            category[chosen] = ids[pick]
        trainees = np.flatnonzero((family_of == family_index) & (kinds == ELEV))
        if trainees.size:
            category[trainees] = CATEGORIES.index(family.trainee_category)
    return category


def _draw_fractions(
    rng: np.random.Generator, categories: np.ndarray, kinds: np.ndarray
) -> np.ndarray:
    names = np.array(CATEGORIES)[categories]
    profile = np.where(
        np.isin(names, list(PART_TIME_CATEGORIES)),
        "deltid",
        np.where(np.isin(names, list(MIXED_TIME_CATEGORIES)), "blandet", "fuldtid"),
    )
    profile = np.where(kinds == TIME, "time", profile)
    fraction = np.zeros(categories.size, dtype=np.int64)  # trainees work full time
    for name, weights in FRACTION_PROFILES.items():
        chosen = np.flatnonzero((profile == name) & (kinds != ELEV))
        p = np.array(weights, dtype=float)
        fraction[chosen] = rng.choice(len(FRACTIONS), size=chosen.size, p=p / p.sum())
    return fraction


def _draw_careers(
    rng: np.random.Generator,
    staffing: Staffing,
    units: np.ndarray,
    kinds: np.ndarray,
    hired: np.ndarray,
    window_start: int,
    window_end: int,
) -> EmploymentRows:
    """Careers of the staff on `window_start` (hired False) and of hires up to `window_end`."""
    n = units.size
    mdr, hourly, trainee = kinds == MDR, kinds == TIME, kinds == ELEV
    family_names = np.array(FAMILY_NAMES)[staffing.family[units]]

    raw = rng.integers(window_start, window_end + 1, n)
    # Monthly-paid staff start on the 1st; schools and day care hire for August.
    on_first = rng.random(n) < np.where(hourly, 0.4, 0.75)
    hire_start = np.where(on_first, _next_month_start(raw - 1), raw)
    january = _as_dates(raw).astype("datetime64[Y]").astype("datetime64[M]")
    august = (january + 7).astype("datetime64[D]").astype(np.int64)
    for_school_year = mdr & np.isin(family_names, ("skole", "dagtilbud")) & (rng.random(n) < 0.25)
    for_school_year &= (august >= window_start) & (august <= window_end)
    hire_start = np.where(for_school_year, august, hire_start)
    # Trainees start with their school's intake on 1 February or 1 August.
    intakes = [(january + months).astype("datetime64[D]").astype(np.int64) for months in (1, 13)]
    intake = np.where(
        _month_of(raw) == 1, intakes[0], np.where(_month_of(raw) <= 7, august, intakes[1])
    )
    hire_start = np.where(trainee, np.maximum(intake, raw), hire_start)
    reference = np.where(hired, hire_start, window_start)

    young = rng.random(n) < 0.6
    age = np.select(
        [mdr & hired, mdr, hourly & young, hourly],
        [
            np.clip(rng.normal(36, 10, n), 19, 62),
            np.clip(rng.normal(45, 10.5, n), 20, 66),
            np.clip(rng.normal(24, 4, n), 18, 35),
            np.clip(rng.normal(48, 12, n), 25, 66),
        ],
        np.clip(rng.normal(27, 7, n), 18, 45),
    )
    birth = reference - np.round(age * DAYS_PER_YEAR).astype(np.int64)

    # Time since the start of whoever is employed on window_start: many started long ago.
    trainee_years = rng.uniform(1.8, 3.0, n)
    tenure = np.select(
        [mdr, hourly],
        [
            np.minimum(rng.exponential(7.5, n), np.minimum(age - 19, 40)),
            np.minimum(rng.exponential(1.0, n), age - 18),
        ],
        rng.random(n) * trainee_years,
    )
    stock_start = window_start - np.round(tenure * DAYS_PER_YEAR).astype(np.int64)
    stock_start = np.where(~hourly & (rng.random(n) < 0.75), _month_start(stock_start), stock_start)
    start = np.where(hired, hire_start, stock_start)
    # Nobody starts before their 18th birthday (a day's margin for leap years).
    birth = np.minimum(birth, start - round(18 * DAYS_PER_YEAR) - 2)

    fixed_term = hired & (
        (mdr & (rng.random(n) < FIXED_TERM_SHARE[MDR]))
        | (hourly & (rng.random(n) < FIXED_TERM_SHARE[TIME]))
    )
    leave_rate = np.where(hourly, LEAVE_RATE[TIME], LEAVE_RATE[MDR])
    open_end = reference + np.round(rng.exponential(1.0, n) / leave_rate * DAYS_PER_YEAR)
    open_end = open_end.astype(np.int64)
    # Resignations take effect at the end of a month, as the notice periods say.
    to_month_end = rng.random(n) < np.where(hourly, 0.2, 0.7)
    open_end = np.where(to_month_end, _month_end(open_end), open_end)
    fixed_end = start + np.where(hourly, rng.integers(30, 271, n), rng.integers(90, 366, n))
    dropout = trainee & hired & (rng.random(n) < 0.1)
    trainee_days = trainee_years * np.where(dropout, rng.uniform(0.15, 0.8, n), 1.0) * DAYS_PER_YEAR
    trainee_end = start + np.round(trainee_days).astype(np.int64) - 1
    end = np.select([trainee, fixed_term], [trainee_end, fixed_end], open_end)
    end = np.maximum(end, start)

    age_at_end = (end - birth) / DAYS_PER_YEAR
    chance = rng.random(n)
    reason = np.where(
        (age_at_end >= 60) & (chance < 0.75) & ~hourly,
        PENSION,
        np.where(rng.random(n) < 0.82, RESIGNED, DISMISSED),
    )
    reason = np.select(
        [trainee & ~dropout, trainee, fixed_term], [FIXED_TERM, RESIGNED, FIXED_TERM], reason
    )
    retirement = _month_end(birth + round(67 * DAYS_PER_YEAR))
    retires = end > retirement
    end = np.where(retires, retirement, end)
    reason = np.where(retires, PENSION, reason)

    start_known = np.where(hired, start - rng.integers(14, 76, n), FAR_PAST)
    notice = np.select(
        [reason == PENSION, hourly & (reason == RESIGNED), reason == RESIGNED],
        [rng.integers(90, 200, n), rng.integers(0, 15, n), rng.integers(30, 92, n)],
        rng.integers(20, 92, n),
    )
    end_known = np.where(reason == FIXED_TERM, start_known, end - notice)

    category = _draw_categories(rng, staffing, units, kinds)
    share = np.array([FEMALE_SHARE.get(name, DEFAULT_FEMALE_SHARE) for name in CATEGORIES])
    return EmploymentRows(
        person=np.full(n, -1),
        unit=units,
        kind=kinds,
        category=category,
        fraction=_draw_fractions(rng, category, kinds),
        start=start,
        end=end,
        reason=reason,
        start_known=start_known,
        end_known=end_known,
        birth=birth,
        female=rng.random(n) < share[category],
        changeable=mdr & ~fixed_term,
        annulled=np.zeros(n, dtype=bool),
        leaves=np.ones(n, dtype=bool),
    )


def _stock_and_hires(
    rng: np.random.Generator, staffing: Staffing, window_start: int, window_end: int
) -> EmploymentRows:
    families = [FAMILIES[FAMILY_NAMES[index]] for index in staffing.family]
    hourly_share = np.array([family.hourly_share for family in families])
    trainee_share = np.array([family.trainee_share for family in families])
    headcount = np.round(staffing.headcount).astype(np.int64)
    hourly = rng.binomial(headcount, hourly_share)
    trainees = rng.binomial(headcount - hourly, trainee_share / (1 - hourly_share))
    stock = {MDR: headcount - hourly - trainees, TIME: hourly, ELEV: trainees}
    expected = {
        MDR: staffing.headcount * (1 - hourly_share - trainee_share),
        TIME: staffing.headcount * hourly_share,
        ELEV: staffing.headcount * trainee_share,
    }
    years = (window_end - window_start) / DAYS_PER_YEAR
    unit_ids = np.arange(len(staffing.codes))
    units, kinds, hired = [], [], []
    for kind in (MDR, TIME, ELEV):
        hires = rng.poisson(expected[kind] * HIRE_RATE[kind] * years)
        for counts, is_hire in ((stock[kind], False), (hires, True)):
            units.append(np.repeat(unit_ids, counts))
            kinds.append(np.full(int(counts.sum()), kind))
            hired.append(np.full(int(counts.sum()), is_hire))
    return _draw_careers(
        rng,
        staffing,
        np.concatenate(units),
        np.concatenate(kinds),
        np.concatenate(hired),
        window_start,
        window_end,
    )


def _small_unit_careers(
    rng: np.random.Generator, staffing: Staffing, window_start: int, window_end: int
) -> EmploymentRows:
    """The tiny units: long-serving monthly-paid staff, changed only where said."""
    units = np.repeat(list(staffing.small), list(staffing.small.values()))
    extra = [staffing.fifth_person_unit] if staffing.fifth_person_unit >= 0 else []
    units = np.concatenate([units, extra]).astype(np.int64)
    n = units.size
    careers = _draw_careers(
        rng, staffing, units, np.full(n, MDR), np.zeros(n, bool), window_start, window_end
    )
    careers.birth = window_start - rng.integers(30 * 365, 56 * 365, n)
    careers.start = _month_start(window_start - rng.integers(365, 12 * 365, n))
    careers.end = np.full(n, NEVER)
    careers.reason = np.full(n, NO_REASON)
    careers.end_known = np.full(n, NEVER)
    careers.changeable = np.zeros(n, dtype=bool)
    careers.category = np.where(
        careers.category == CATEGORIES.index("Leder"),
        CATEGORIES.index("Administrativ medarbejder"),
        careers.category,
    )
    if extra:
        # A fifth person joins in March 2026 and one of the four leaves at the end of August.
        joiner = n - 1
        leaver = np.flatnonzero(units == staffing.fifth_person_unit)[0]
        careers.start[joiner] = day_number(dt.date(2026, 3, 1))
        careers.start_known[joiner] = day_number(dt.date(2026, 1, 15))
        careers.end[leaver] = day_number(dt.date(2026, 8, 31))
        careers.end_known[leaver] = day_number(dt.date(2026, 6, 20))
        careers.reason[leaver] = RESIGNED
    return careers


def _annulled_careers(
    rng: np.random.Generator, staffing: Staffing, window_start: int, window_end: int
) -> EmploymentRows:
    """Hires registered for 1 July 2026 and deleted again: only the older snapshot has them."""
    weights = staffing.headcount / staffing.headcount.sum()
    units = rng.choice(len(staffing.codes), size=3, p=weights)
    careers = _draw_careers(
        rng, staffing, units, np.full(3, MDR), np.ones(3, bool), window_start, window_end
    )
    careers.start = np.full(3, day_number(dt.date(2026, 7, 1)))
    careers.start_known = np.full(3, day_number(dt.date(2026, 5, 20)))
    careers.end = np.full(3, NEVER)
    careers.end_known = np.full(3, NEVER)
    careers.reason = np.full(3, NO_REASON)
    careers.changeable = np.zeros(3, dtype=bool)
    careers.annulled = np.ones(3, dtype=bool)
    return careers


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Replace -1 by the last value before it (the first value of each career is set)."""
    index = np.where(values >= 0, np.arange(values.size), 0)
    return values[np.maximum.accumulate(index)]


def _split_careers(
    rng: np.random.Generator,
    careers: EmploymentRows,
    staffing: Staffing,
    window_start: int,
    window_end: int,
) -> EmploymentRows:
    """Cut careers at changes of unit or fraction: the old row ends the day before the new."""
    n = len(careers)
    first = np.maximum(careers.start, window_start)
    last = np.minimum(careers.end, window_end)
    years = np.where(careers.changeable, np.maximum(last - first, 0) / DAYS_PER_YEAR, 0.0)
    owner = np.repeat(np.arange(n), rng.poisson(CHANGE_RATE * years))
    raw = first[owner] + (rng.random(owner.size) * (last - first)[owner]).astype(np.int64)
    change_day = _next_month_start(raw)  # changes take effect on the 1st of a month
    keep = change_day <= careers.end[owner]
    owner, change_day = owner[keep], change_day[keep]
    order = np.lexsort((change_day, owner))
    owner, change_day = owner[order], change_day[order]
    repeated = np.zeros(owner.size, dtype=bool)
    repeated[1:] = (owner[1:] == owner[:-1]) & (change_day[1:] == change_day[:-1])
    owner, change_day = owner[~repeated], change_day[~repeated]

    changes = owner.size
    is_move = rng.random(changes) < MOVE_SHARE
    # Staff move between units of the same kind: a nurse to another nursing home.
    family = staffing.family[careers.unit[owner]]
    destination = np.zeros(changes, dtype=np.int64)
    for family_index in np.unique(family):
        chosen = np.flatnonzero(family == family_index)
        weights = np.where(staffing.family == family_index, staffing.headcount, 0.0)
        destination[chosen] = rng.choice(weights.size, size=chosen.size, p=weights / weights.sum())
    new_fraction = _draw_fractions(rng, careers.category[owner], careers.kind[owner])
    change_known = change_day - rng.integers(10, 46, changes)
    # A sentinel change keeps the indexing below valid when there are no changes at all.
    change_day, destination, new_fraction, change_known = (
        np.append(array, 0) for array in (change_day, destination, new_fraction, change_known)
    )
    is_move = np.append(is_move, False)

    per_career = np.bincount(owner, minlength=n)
    career = np.repeat(np.arange(n), per_career + 1)
    rank = np.arange(career.size) - (np.cumsum(per_career + 1) - per_career - 1)[career]
    change_offset = (np.cumsum(per_career) - per_career)[career]
    begins_with_change = rank > 0
    ends_with_change = rank < per_career[career]
    starting = np.where(begins_with_change, change_offset + rank - 1, changes)
    ending = np.where(ends_with_change, change_offset + rank, changes)

    rows = careers.take(career)
    rows.unit = _forward_fill(
        np.where(
            begins_with_change, np.where(is_move[starting], destination[starting], -1), rows.unit
        )
    )
    previous_unit = np.roll(rows.unit, 1)
    moved_here = begins_with_change & is_move[starting] & (rows.unit != previous_unit)
    effective_move = np.zeros(changes + 1, dtype=bool)
    effective_move[starting[moved_here]] = True
    new_fraction_here = begins_with_change & ~moved_here
    fraction = np.where(
        begins_with_change, np.where(new_fraction_here, new_fraction[starting], -1), rows.fraction
    )
    # A change of fraction must change it: take another fraction when the draw did not. Each
    # pass fixes the first of a chain of equal fractions, so a few passes settle it.
    while True:
        filled = _forward_fill(fraction)
        same = new_fraction_here & (filled == np.roll(filled, 1))
        if not same.any():
            break
        fraction[same] = np.where(filled[same] == 0, 2, 0)
    rows.fraction = filled

    rows.start = np.where(begins_with_change, change_day[starting], rows.start)
    rows.start_known = np.where(begins_with_change, change_known[starting], rows.start_known)
    rows.end = np.where(ends_with_change, change_day[ending] - 1, rows.end)
    rows.end_known = np.where(ends_with_change, change_known[ending], rows.end_known)
    rows.reason = np.where(
        ends_with_change, np.where(effective_move[ending], MOVED, NEW_FRACTION), rows.reason
    )
    rows.leaves = ~ends_with_change
    return rows


def build_employments(
    staffing: Staffing, scale: Scale, seed: int
) -> tuple[EmploymentRows, np.ndarray]:
    """All employment rows, with their ansaettelsesnr (ascending in the order of registration)."""
    rng = random_stream(seed, "ansaettelser")
    window_start = day_number(dt.date(scale.first_year, 1, 1))
    # Hires up to three months after the extraction: some are already signed by then.
    window_end = day_number(EXTRACTION_DATE) + 92
    careers = EmploymentRows.concat(
        [
            _stock_and_hires(rng, staffing, window_start, window_end),
            _small_unit_careers(rng, staffing, window_start, window_end),
            _annulled_careers(rng, staffing, window_start, window_end),
        ]
    )
    careers.person = np.arange(len(careers))
    # Some hourly-paid substitutes are monthly-paid staff taking extra shifts elsewhere.
    side_jobs = np.flatnonzero(
        (careers.kind == TIME) & (careers.start >= window_start) & (rng.random(len(careers)) < 0.05)
    )
    candidates = np.flatnonzero(
        (careers.kind == MDR)
        & (careers.start < window_start)
        & (careers.birth > window_start - 55 * 365)
        & ~careers.annulled
    )
    main_job = rng.choice(candidates, size=side_jobs.size)
    careers.person[side_jobs] = main_job
    careers.birth[side_jobs] = careers.birth[main_job]
    careers.female[side_jobs] = careers.female[main_job]

    rows = _split_careers(rng, careers, staffing, window_start, window_end)
    order = np.lexsort((rows.person, rows.start, np.maximum(rows.start_known, rows.start - 400)))
    rows = rows.take(order)
    ansaettelsesnr = 40_000 + np.cumsum(rng.integers(1, 4, len(rows)))
    return rows, ansaettelsesnr


def _cpr_numbers(rows: EmploymentRows, rng: np.random.Generator) -> np.ndarray:
    """Ten-digit CPR numbers, unique per person, with a real birth date and the right century
    digit (0-3 for the 1900s, 4 for 2000-2036); the last digit is even for women."""
    persons, first_row = np.unique(rows.person, return_index=True)
    birth = rows.birth[first_row]
    female = rows.female[first_row]
    dates, inverse = np.unique(birth, return_inverse=True)
    # Persons born on the same day get consecutive serials from a random base: never equal.
    order = np.argsort(inverse, kind="stable")
    group_start = np.searchsorted(inverse[order], inverse[order])
    rank = np.empty(persons.size, dtype=np.int64)
    rank[order] = np.arange(persons.size) - group_start
    serial = (rng.integers(0, 500, dates.size)[inverse] + rank) % 500 * 2 + ~female
    century = np.where(_year_of(birth) >= 2000, 4, rng.integers(0, 4, persons.size))
    serial_text = np.strings.zfill((century * 1000 + serial).astype(TEXT), 4)
    ddmmyy = _date_tables()[1][birth - day_number(TABLE_START)]
    cpr = np.strings.add(ddmmyy, serial_text)
    return cpr[np.searchsorted(persons, rows.person)]


def _cpr_texts(rows: EmploymentRows, seed: int) -> np.ndarray:
    """The CPR number of each row as exported: `DDMMYY-SSSS` or `DDMMYYSSSS`.

    Older records were keyed without the dash, and some persons' later employments in the
    other form than their first, so only the digits identify a person.
    """
    cpr = _cpr_numbers(rows, random_stream(seed, "cpr"))
    rng = random_stream(seed, "cpr_form")
    with_dash = (rng.random(int(rows.person.max()) + 1) < 0.65)[rows.person]
    by_person = np.lexsort((rows.start, rows.person))
    later = np.ones(len(rows), dtype=bool)
    later[by_person[np.unique(rows.person[by_person], return_index=True)[1]]] = False
    with_dash ^= later & (rng.random(len(rows)) < 0.1)
    dashed = np.strings.add(
        np.strings.add(np.strings.slice(cpr, 0, 6), "-"), np.strings.slice(cpr, 6, 10)
    )
    return np.where(with_dash, dashed, cpr)


# Absence.


def _spell_starts(
    rng: np.random.Generator,
    rate: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    season: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Starts of spells on weekdays as a Poisson process on each row's [first, last]."""
    length = np.maximum(last - first + 1, 0)
    scale = 1.0 if season is None else 1.0 / season.mean()
    row = np.repeat(np.arange(rate.size), rng.poisson(rate * scale * length / DAYS_PER_YEAR))
    fra = first[row] + (rng.random(row.size) * length[row]).astype(np.int64)
    if season is not None:
        keep = rng.random(row.size) < season[_month_of(fra) - 1]
        row, fra = row[keep], fra[keep]
    fra = _add_workdays(fra, 0)
    keep = fra <= last[row]
    return row[keep], fra[keep]


def _drop_overlaps(row: np.ndarray, fra: np.ndarray, til: np.ndarray) -> np.ndarray:
    """Order by row and start; drop spells starting inside an earlier spell of the same row."""
    order = np.lexsort((fra, row))
    row, fra, til = row[order], fra[order], til[order]
    offset = row.astype(np.int64) << 20  # day numbers stay far below 2**20
    reach = np.maximum.accumulate(offset + til)
    overlaps = np.zeros(row.size, dtype=bool)
    overlaps[1:] = offset[1:] + fra[1:] <= reach[:-1]
    return order[~overlaps]


def build_absence(
    rows: EmploymentRows,
    staffing: Staffing,
    scale: Scale,
    seed: int,
    organisation: Organisation | None = None,
) -> Spells:
    """The absence spells of every employment row; with the organisation, the demo's planted
    initiative effect on sickness (indsatser.py) is applied."""
    rng = random_stream(seed, "fravaer")
    extraction = day_number(EXTRACTION_DATE)
    first = np.maximum(rows.start, day_number(dt.date(scale.first_year, 1, 1)))
    last = np.minimum(rows.end, extraction - 1)
    last = np.where(rows.annulled, first - 1, last)
    n_persons = int(rows.person.max()) + 1
    frailty = rng.gamma(1.2, 1 / 1.2, n_persons)  # some people are ill far more than others
    has_s56 = rng.random(n_persons) < S56_PERSON_SHARE
    is_parent = rng.random(n_persons) < 0.65
    family = staffing.family[rows.unit]
    sickness = np.array([FAMILIES[name].sickness for name in FAMILY_NAMES])[family]
    sickness *= frailty[rows.person] * np.where(rows.kind == TIME, HOURLY_SICKNESS, 1.0)
    age = (first - rows.birth) / DAYS_PER_YEAR
    salaried = rows.kind != TIME
    parts: list[tuple[np.ndarray, ...]] = []

    def add(row, cause, fra, til, hours=0, planned=False):
        size = row.size
        parts.append(
            (row, np.broadcast_to(cause, size), fra, til, np.broadcast_to(hours, size),
             np.broadcast_to(planned, size))
        )  # fmt: skip

    # Sickness: short spells counted in working days, longer ones in calendar days.
    row_s, fra_s = _spell_starts(rng, SHORT_SICK_RATE * sickness, first, last, SICK_SEASON)
    workdays, p = zip(*SHORT_SICK_WORKDAYS, strict=True)
    til_s = _add_workdays(fra_s, rng.choice(workdays, size=row_s.size, p=p) - 1)
    row_m, fra_m = _spell_starts(rng, MEDIUM_SICK_RATE * sickness, first, last, SICK_SEASON)
    til_m = fra_m + np.exp(rng.uniform(np.log(6), np.log(31), row_m.size)).astype(np.int64) - 1
    row_l, fra_l = _spell_starts(rng, LONG_SICK_RATE * sickness, first, last, SICK_SEASON)
    long_days = np.minimum(31 + rng.lognormal(np.log(40), 0.8, row_l.size), LONG_SICK_MAX_DAYS)
    til_l = fra_l + long_days.astype(np.int64) - 1
    row = np.concatenate([row_s, row_m, row_l])
    fra = np.concatenate([fra_s, fra_m, fra_l])
    til = np.concatenate([til_s, til_m, til_l])
    short = np.arange(row.size) < row_s.size
    # The absence system cuts most spells at the end of the employment, but not all.
    cut = ~rows.leaves[row] | (rng.random(row.size) < 0.85)
    til = np.where(cut, np.minimum(til, rows.end[row]), til)
    kept = _drop_overlaps(row, fra, til)
    row, fra, til, short = row[kept], fra[kept], til[kept], short[kept]
    work_injury = rng.random(row.size) < np.where(short, 0.005, 0.025) * np.where(
        np.isin(np.array(FAMILY_NAMES)[family[row]], ASK_PRONE_FAMILIES), 2.0, 1.0
    )
    add(row, np.where(work_injury, ASK, SYG), fra, til)

    # A gradual return after some long spells: a partial spell from the day after.
    follows = (til - fra >= 30) & ~work_injury & (rng.random(row.size) < 0.25)
    follows &= til + 1 <= last[row]
    follow_fra = til[follows] + 1
    add(
        row[follows], SYG, follow_fra, follow_fra + rng.integers(13, 57, follows.sum()),
        rng.choice(PARTIAL_SICK_HOURS, size=follows.sum()),
    )  # fmt: skip

    # §56 agreements: frequent short absences of a few people, often a few hours, sometimes
    # registered on the same days as their ordinary sickness.
    with_s56 = has_s56[rows.person]
    row_f, fra_f = _spell_starts(rng, np.where(with_s56, S56_RATE, 0.0), first, last)
    til_f = _add_workdays(fra_f, (rng.random(row_f.size) < 0.25).astype(np.int64))
    partial = rng.random(row_f.size) < 0.5
    add(row_f, S56, fra_f, til_f, np.where(partial, rng.choice(PARTIAL_S56_HOURS, row_f.size), 0))
    twin = with_s56[row] & ~work_injury & (til - fra < 31) & (rng.random(row.size) < 0.3)
    add(row[twin], S56, fra[twin], til[twin], rng.choice(PARTIAL_S56_HOURS, twin.sum()))

    # Parental leave, for mothers often after pregnancy-related sickness.
    mothers = rows.female & (age >= 24) & (age <= 42) & salaried
    fathers = ~rows.female & (age >= 25) & (age <= 45) & salaried
    rate = np.where(mothers, BARSEL_RATE[True], np.where(fathers, BARSEL_RATE[False], 0.0))
    row_b, fra_b = _spell_starts(rng, rate, first, last)
    leave_days = np.where(
        rows.female[row_b],
        rng.integers(280, 341, row_b.size),
        np.where(rng.random(row_b.size) < 0.6, 14, rng.integers(28, 78, row_b.size)),
    )
    til_b = fra_b + leave_days - 1
    kept = _drop_overlaps(row_b, fra_b, til_b)
    row_b, fra_b, til_b = row_b[kept], fra_b[kept], til_b[kept]
    add(row_b, BARSEL, fra_b, til_b, planned=True)
    pregnant = rows.female[row_b] & (rng.random(row_b.size) < GRAV_SHARE)
    fra_g = _add_workdays(fra_b[pregnant] - rng.integers(14, 100, pregnant.sum()), 0)
    til_g = fra_b[pregnant] - 1
    valid = (fra_g >= first[row_b[pregnant]]) & (fra_g <= til_g)
    add(row_b[pregnant][valid], GRAV, fra_g[valid], til_g[valid])

    # Child's first sick day, care days and other absence: a day or two at a time.
    parents = salaried & is_parent[rows.person] & (age >= 25) & (age <= 47)
    for cause, rate, two_days in (
        (BSYG, np.where(parents, CHILD_SICK_RATE, 0.0), 0.15),
        (OMSORG, np.where(parents, CARE_DAY_RATE, 0.0), 0.0),
        (ANDET, np.where(salaried, OTHER_RATE, 0.0), 0.3),
    ):
        row_o, fra_o = _spell_starts(rng, rate, first, last)
        til_o = _add_workdays(fra_o, (rng.random(row_o.size) < two_days).astype(np.int64))
        add(row_o, cause, fra_o, til_o)

    for holiday in _holidays(rng, rows, family, first, scale):
        add(*holiday, planned=True)

    row, cause, fra, til, hours, planned = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    # Most spells are registered within days, a few only weeks later; holidays are planned.
    lag = np.where(
        rng.random(row.size) < LATE_REGISTRATION_SHARE,
        rng.integers(30, 121, row.size),
        rng.integers(0, 6, row.size),
    )
    registered = np.where(planned, fra - rng.integers(30, 121, row.size), fra + lag)
    spells = Spells(row, cause, fra, til, hours, planned, registered)
    if organisation is None:
        return spells
    # Early sickness dialogue (initiative X01): fewer sickness spells of up to 30 days there.
    # Applied last, so that every other spell and draw is the same with and without it.
    sickness = np.isin(cause, (SYG, ASK, GRAV, S56)) & (til - fra < 30)
    start = day_number(indsatser.by_id(indsatser.SICKNESS_INITIATIVE).startdato)
    kept = indsatser.sickness_kept(
        organisation, np.asarray(staffing.codes)[rows.unit[row]], fra, start, seed
    )
    keep = ~sickness | kept
    return Spells(*(getattr(spells, f.name)[keep] for f in dataclasses.fields(spells)))


def _holidays(
    rng: np.random.Generator,
    rows: EmploymentRows,
    family: np.ndarray,
    first: np.ndarray,
    scale: Scale,
) -> list[tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
    """About six weeks a year: three summer weeks, two single weeks, Christmas, a loose day."""
    last = np.minimum(rows.end, day_number(PLANNED_UNTIL))
    eligible = (rows.kind != TIME) & ~rows.annulled & (rows.start < day_number(EXTRACTION_DATE))
    eligible &= first <= last
    first_year = np.maximum(_year_of(first), scale.first_year)
    last_year = np.minimum(_year_of(last), LAST_COMPLETE_MONTH[0])
    count = np.where(eligible, np.maximum(last_year - first_year + 1, 0), 0)
    row = np.repeat(np.arange(len(rows)), count)
    year = first_year[row] + np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)
    years = range(scale.first_year, LAST_COMPLETE_MONTH[0] + 1)
    monday = np.array(
        [[day_number(dt.date.fromisocalendar(y, week, 1)) for week in range(1, 53)] for y in years]
    )
    year_index = year - scale.first_year
    school = np.isin(np.array(FAMILY_NAMES)[family[row]], SCHOOL_HOLIDAY_FAMILIES)

    summer_week = np.where(school, 27, rng.integers(26, 31, row.size))
    summer = monday[year_index, summer_week - 1]
    spells = [(summer, _add_workdays(summer, 14))]
    picked = np.argsort(rng.random((row.size, len(HOLIDAY_WEEKS))), axis=1)[:, :2]
    weeks = np.array(HOLIDAY_WEEKS)[picked]
    weeks[school] = (7, 42)  # winter and autumn school holidays
    for column in range(2):
        week_start = monday[year_index, weeks[:, column] - 1]
        spells.append((week_start, _add_workdays(week_start, 4)))
    christmas = np.array([day_number(dt.date(int(y), 12, 22)) for y in years])[year_index]
    christmas = _add_workdays(christmas, 0)
    takes_christmas = rng.random(row.size) < 0.35
    spells.append((np.where(takes_christmas, christmas, NEVER), _add_workdays(christmas, 8)))
    loose = np.array([day_number(dt.date(int(y), 1, 1)) for y in years])[year_index]
    loose = _add_workdays(loose + rng.integers(0, 365, row.size), 0)
    spells.append((loose, loose))

    result = []
    for fra, til in spells:
        keep = (fra >= first[row]) & (fra <= last[row]) & (til <= rows.end[row])
        result.append((row[keep], FERIE, fra[keep], til[keep]))
    return result


# Writing.


def _fraction_texts() -> np.ndarray:
    texts = []
    for value in FRACTIONS:
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        texts.append(text.replace(".", ","))
    return np.array(texts, dtype=TEXT)


def _employment_lines(
    rows: EmploymentRows,
    ansaettelsesnr: np.ndarray,
    cpr: np.ndarray,
    staffing: Staffing,
    extracted: dt.date,
) -> np.ndarray:
    """The snapshot as the HR system shows it on `extracted`: what it knew by then."""
    day = day_number(extracted)
    shown = rows.start_known <= day
    if extracted == EXTRACTION_DATE:
        shown &= ~rows.annulled
    index = np.flatnonzero(shown)
    ended = (rows.end_known[index] <= day) & (rows.end[index] < NEVER)
    end_text = _date_texts(np.where(ended, rows.end[index], rows.start[index]))
    reasons = np.array([csv_field(reason) for reason in REASONS], dtype=TEXT)
    categories = np.array([csv_field(name) for name in CATEGORIES], dtype=TEXT)
    return join_fields(
        np.strings.zfill(ansaettelsesnr[index].astype(TEXT), 7),
        cpr[index],
        np.array(staffing.codes, dtype=TEXT)[rows.unit[index]],
        categories[rows.category[index]],
        np.array(LOENFORM, dtype=TEXT)[rows.kind[index]],
        np.array(ELEV_FLAG, dtype=TEXT)[rows.kind[index]],
        _fraction_texts()[rows.fraction[index]],
        _date_texts(rows.start[index]),
        np.where(ended, end_text, "").astype(TEXT),
        np.where(ended, reasons[rows.reason[index]], "").astype(TEXT),
    )


def _absence_lines(
    spells: Spells, ansaettelsesnr: np.ndarray, year: int, extracted: dt.date
) -> np.ndarray:
    day = day_number(extracted)
    chosen = np.flatnonzero((_year_of(spells.fra) == year) & (spells.registered <= day))
    number = ansaettelsesnr[spells.row[chosen]]
    chosen = chosen[np.lexsort((spells.cause[chosen], spells.fra[chosen], number))]
    til = spells.til[chosen]
    # A spell whose end has not come yet is open, unless it was planned with its end.
    closed = spells.planned[chosen] | (til < day)
    cause = spells.cause[chosen]
    if extracted != EXTRACTION_DATE:
        cause = np.where(cause == ASK, SYG, cause)  # work injuries are recognised later
    return join_fields(
        np.strings.zfill(ansaettelsesnr[spells.row[chosen]].astype(TEXT), 7),
        np.array(CAUSES, dtype=TEXT)[cause],
        _date_texts(spells.fra[chosen]),
        np.where(closed, _date_texts(np.where(closed, til, spells.fra[chosen])), "").astype(TEXT),
        np.array(HOURS, dtype=TEXT)[spells.hours[chosen]],
    )


def write_personale(
    organisation: Organisation, scale: Scale, seed: int, writer: SourceWriter
) -> dict[str, int]:
    staffing = build_staffing(organisation, scale, seed)
    rows, ansaettelsesnr = build_employments(staffing, scale, seed)
    cpr = _cpr_texts(rows, seed)

    counts = {}
    for extracted, encoding, key in (
        (OLDER_EXTRACTION_DATE, Encoding.CP1252, "employments_older"),
        (EXTRACTION_DATE, Encoding.UTF8, "employments"),
    ):
        lines = _employment_lines(rows, ansaettelsesnr, cpr, staffing, extracted)
        counts[key] = writer.write_lines(
            "personale", f"ansaettelser_{extracted:%Y%m%d}.csv", EMPLOYMENT_HEADER, lines, encoding
        )

    spells = build_absence(rows, staffing, scale, seed, organisation)
    counts["absence_spells"] = 0
    extractions = [(year, EXTRACTION_DATE) for year in scale.years]
    extractions.insert(0, OLDER_ABSENCE_EXTRACTION)
    for year, extracted in extractions:
        lines = _absence_lines(spells, ansaettelsesnr, year, extracted)
        written = writer.write_lines(
            "personale", f"fravaer_{year}_{extracted:%Y%m%d}.csv", ABSENCE_HEADER, lines
        )
        if extracted == EXTRACTION_DATE:
            counts["absence_spells"] += written
    return counts
