"""Budget and ledger postings of the demo municipality (oekonomi/ in sources.md).

Each cost centre gets budget lines (funktion, dranst, art) from a template for its kind of
unit. A year's budget is the original budget (OPR) plus supplementary appropriations (TB) and
the carry-over of last year's under- or overspending (OVF). Postings spend that corrected
budget month by month with a seasonal pattern, each line a little over or under budget.
Postings are drawn and formatted with numpy one month at a time, so even the largest scale
(about 17 million postings) needs only one month in memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ._writer import (
    TEXT,
    Encoding,
    SourceWriter,
    csv_field,
    danish_amounts,
    join_fields,
)
from .organisation import CostCentre, Organisation
from .scales import LAST_COMPLETE_MONTH, Scale, random_stream, weekdays_of_month

BUDGET_HEADER = ("aar", "omkostningssted", "funktion", "dranst", "art", "budgettype", "beloeb")
POSTINGS_HEADER = (
    "bilagsnr",
    "posteringsdato",
    "omkostningssted",
    "funktion",
    "dranst",
    "art",
    "beloeb",
    "tekst",
)
PRICE_BASE_YEAR = 2022
ANNUAL_PRICE_GROWTH = 0.025
# The finance system prints large amounts with thousands separators, small ones plain.
POSTINGS_THOUSANDS_FROM_KRONER = 100_000
BUDGET_THOUSANDS_FROM_KRONER = 1_000


@dataclass(frozen=True)
class Profile:
    """How a kind of expense or income is spread over the year and over postings."""

    season: tuple[float, ...]  # relative amount per month, January first
    postings_intensity: float  # relative number of postings per square root of a krone
    split_shape: float  # gamma shape for splitting a month's amount; small = uneven invoices
    payday_share: float = 0.0  # share of postings on the month's last working day


FLAT = (1.0,) * 12
PROFILES = {
    # Holiday pay (ferietillæg) is paid with the May salary.
    "loen": Profile((1, 1, 1, 1, 1.1, 1, 1, 1, 1, 1, 1, 1), 1.0, 3.0, payday_share=0.85),
    # Purchases drop in the July holiday and peak when budgets are spent up in December.
    "varer": Profile((0.85, 0.95, 1.05, 1, 1, 1.05, 0.55, 0.95, 1.05, 1.05, 1.1, 1.4), 4.0, 0.6),
    "tjenester": Profile((0.9, 0.95, 1, 1, 1, 1.05, 0.6, 0.95, 1.05, 1.05, 1.1, 1.35), 2.0, 0.5),
    # July is a payment-free month in Danish day care.
    "foraeldrebetaling": Profile((1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1), 2.5, 4.0),
    "indtaegt": Profile(FLAT, 1.0, 1.5),
    "refusion": Profile((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.3), 0.15, 2.0),
    "overfoersel": Profile(FLAT, 3.0, 2.0),
    "betaling": Profile(FLAT, 0.05, 5.0),
    "anlaeg": Profile((0.3, 0.4, 0.6, 0.9, 1.1, 1.3, 0.9, 1.2, 1.3, 1.3, 1.2, 1.5), 0.3, 0.4),
    "renter": Profile((0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1), 0.02, 3.0),
    "vinter": Profile((2.4, 2.2, 1.3, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 1.2, 2.1), 1.5, 0.6),
    "sommer": Profile((0.3, 0.3, 0.7, 1.2, 1.6, 1.6, 1.3, 1.5, 1.3, 1.0, 0.7, 0.5), 1.5, 0.6),
}
PROFILE_NAMES = tuple(PROFILES)
# Relative number of postings per month: fewer in the July holiday, more at year end.
POSTINGS_VOLUME = (0.95, 0.95, 1.05, 1.0, 1.0, 1.05, 0.7, 0.95, 1.05, 1.05, 1.1, 1.25)
CREDIT_NOTE_SHARE = 0.01
CREDIT_NOTE_PROFILES = ("varer", "tjenester")


@dataclass(frozen=True)
class LineTemplate:
    """One budget line of a kind of unit, as a share of the unit's annual gross amount."""

    funktion: str
    art: str
    share: float  # negative = income or refund
    profile: str
    dranst: str = "1"


def _administration(funktion: str, income_share: float = 0.0) -> tuple[LineTemplate, ...]:
    lines = (
        LineTemplate(funktion, "1.1", 0.80, "loen"),
        LineTemplate(funktion, "2.9", 0.05, "varer"),
        LineTemplate(funktion, "4.0", 0.15, "tjenester"),
    )
    if income_share:
        lines += (LineTemplate(funktion, "7.2", -income_share, "indtaegt"),)
    return lines


def _day_care(funktion: str, parent_payment_share: float) -> tuple[LineTemplate, ...]:
    return (
        LineTemplate(funktion, "1.1", 0.79, "loen"),
        LineTemplate(funktion, "2.2", 0.05, "varer"),
        LineTemplate(funktion, "2.9", 0.05, "varer"),
        LineTemplate(funktion, "4.0", 0.08, "tjenester"),
        LineTemplate(funktion, "4.5", 0.03, "tjenester"),
        LineTemplate(funktion, "7.2", -parent_payment_share, "foraeldrebetaling"),
    )


# Functions are from the authorised chart of accounts (Budget- og regnskabssystem for
# kommuner); the amount is the gross annual amount in 2022 kroner of a unit of typical size.
# Service kinds (organisation.SERVICE_KINDS) take their amount from capacity x unit cost.
KIND_TEMPLATES: dict[str, tuple[float, tuple[LineTemplate, ...]]] = {
    "omraadeledelse": (5_500_000, _administration("6.45.51")),
    "centerledelse": (2_800_000, _administration("6.45.51")),
    "administration": (12_000_000, _administration("6.45.51")),
    "borgerservice": (9_000_000, _administration("6.45.51", income_share=0.08)),
    "it": (40_000_000, (
        LineTemplate("6.45.52", "1.1", 0.35, "loen"),
        LineTemplate("6.45.52", "2.7", 0.15, "varer"),
        LineTemplate("6.45.52", "4.0", 0.50, "tjenester"),
    )),
    "politik": (8_000_000, (
        LineTemplate("6.42.41", "1.1", 0.75, "loen"),
        LineTemplate("6.42.41", "4.0", 0.25, "tjenester"),
    )),
    # Hovedkonto 7 (renter) lies outside the service accounts 0-6: interest income on bank
    # deposits and interest on long-term loans. The export leaves `art` empty here.
    "finansiering": (10_000_000, (
        LineTemplate("7.22.05", "", -0.35, "renter"),
        LineTemplate("7.55.79", "", 1.20, "renter"),
    )),
    "dagpleje": (0, _day_care("5.25.11", 0.24)),
    "vuggestue": (0, _day_care("5.25.12", 0.22)),
    "boernehave": (0, _day_care("5.25.13", 0.25)),
    "skole": (0, (
        LineTemplate("3.22.01", "1.1", 0.78, "loen"),
        LineTemplate("3.22.01", "2.7", 0.03, "varer"),
        LineTemplate("3.22.01", "2.9", 0.05, "varer"),
        LineTemplate("3.22.01", "4.0", 0.07, "tjenester"),
        LineTemplate("3.22.01", "4.5", 0.04, "tjenester"),
        # The school's after-school care (SFO) is budgeted on its own function.
        LineTemplate("3.22.05", "1.1", 0.10, "loen"),
        LineTemplate("3.22.05", "2.9", 0.01, "varer"),
        LineTemplate("3.22.05", "7.2", -0.06, "foraeldrebetaling"),
    )),
    "specialskole": (0, (
        LineTemplate("3.22.08", "1.1", 0.82, "loen"),
        LineTemplate("3.22.08", "2.9", 0.04, "varer"),
        LineTemplate("3.22.08", "4.0", 0.10, "tjenester"),
        LineTemplate("3.22.08", "4.5", 0.04, "tjenester"),
        LineTemplate("3.22.08", "7.7", -0.10, "indtaegt"),
    )),
    "ungdomsskole": (7_000_000, _administration("3.22.14")),
    "klub": (4_000_000, _administration("5.25.16", income_share=0.08)),
    "familie_myndighed": (90_000_000, (
        LineTemplate("6.45.58", "1.1", 0.22, "loen"),
        LineTemplate("5.28.21", "4.0", 0.18, "tjenester"),
        LineTemplate("5.28.23", "4.7", 0.35, "betaling"),
        LineTemplate("5.28.22", "4.0", 0.25, "tjenester"),
    )),
    "familiehus": (12_000_000, _administration("5.28.21")),
    "anbringelser": (60_000_000, (
        LineTemplate("5.28.20", "4.7", 0.55, "betaling"),
        LineTemplate("5.28.22", "5.2", 0.45, "overfoersel"),
    )),
    "sundhedspleje": (9_000_000, _administration("4.62.89")),
    "hjemmepleje": (0, (
        LineTemplate("5.32.32", "1.1", 0.84, "loen"),
        LineTemplate("5.32.32", "2.3", 0.04, "varer"),
        LineTemplate("5.32.32", "2.9", 0.03, "varer"),
        LineTemplate("5.32.32", "4.0", 0.09, "tjenester"),
    )),
    "sygepleje": (26_000_000, (
        LineTemplate("5.32.32", "1.1", 0.86, "loen"),
        LineTemplate("5.32.32", "2.9", 0.08, "varer"),
        LineTemplate("5.32.32", "4.0", 0.06, "tjenester"),
    )),
    "plejebolig": (0, (
        LineTemplate("5.32.32", "1.1", 0.76, "loen"),
        LineTemplate("5.32.32", "2.2", 0.06, "varer"),
        LineTemplate("5.32.32", "2.9", 0.04, "varer"),
        LineTemplate("5.32.32", "4.0", 0.06, "tjenester"),
        LineTemplate("5.32.30", "4.5", 0.08, "tjenester"),
        LineTemplate("5.32.30", "7.1", -0.14, "indtaegt"),
        LineTemplate("5.32.32", "7.2", -0.05, "indtaegt"),
    )),
    "madservice": (10_000_000, (
        LineTemplate("5.32.32", "1.1", 0.45, "loen"),
        LineTemplate("5.32.32", "2.2", 0.45, "varer"),
        LineTemplate("5.32.32", "2.9", 0.10, "varer"),
        LineTemplate("5.32.32", "7.2", -0.55, "indtaegt"),
    )),
    "botilbud": (0, (
        LineTemplate("5.38.50", "1.1", 0.80, "loen"),
        LineTemplate("5.38.50", "2.2", 0.05, "varer"),
        LineTemplate("5.38.50", "2.9", 0.05, "varer"),
        LineTemplate("5.38.50", "4.0", 0.10, "tjenester"),
        LineTemplate("5.38.50", "7.7", -0.18, "indtaegt"),
        # State refund of particularly expensive single cases.
        LineTemplate("5.38.50", "8.6", -0.04, "refusion", dranst="2"),
    )),
    "aktivitetstilbud": (9_000_000, _administration("5.38.59")),
    "forsorgshjem": (14_000_000, (
        *_administration("5.38.42"),
        LineTemplate("5.38.42", "8.6", -0.50, "refusion", dranst="2"),
    )),
    "genoptraening": (18_000_000, _administration("4.62.82")),
    "forebyggelse": (5_000_000, _administration("4.62.88")),
    "hjaelpemidler": (30_000_000, (
        LineTemplate("5.32.35", "1.1", 0.20, "loen"),
        LineTemplate("5.32.35", "2.7", 0.50, "varer"),
        LineTemplate("5.32.35", "4.0", 0.30, "tjenester"),
    )),
    "medfinansiering": (150_000_000, (LineTemplate("4.62.81", "4.8", 1.0, "betaling"),)),
    "visitation": (10_000_000, _administration("6.45.57")),
    "vej": (32_000_000, (
        LineTemplate("2.28.14", "1.1", 0.35, "loen"),
        LineTemplate("2.28.14", "2.3", 0.08, "varer"),
        LineTemplate("2.28.14", "2.9", 0.07, "varer"),
        LineTemplate("2.28.14", "4.5", 0.50, "sommer"),
    )),
    "vinter": (9_000_000, (
        LineTemplate("2.28.21", "1.1", 0.25, "loen"),
        LineTemplate("2.28.21", "2.9", 0.35, "vinter"),
        LineTemplate("2.28.21", "4.5", 0.40, "vinter"),
    )),
    "park": (15_000_000, (
        LineTemplate("0.28.20", "1.1", 0.55, "loen"),
        LineTemplate("0.28.20", "2.9", 0.15, "sommer"),
        LineTemplate("0.28.20", "4.5", 0.30, "sommer"),
    )),
    "driftsgaard": (8_000_000, (
        *_administration("2.22.01"),
        LineTemplate("2.22.01", "2.3", 0.15, "varer"),
    )),
    "byggesag": (8_000_000, _administration("6.45.56", income_share=0.25)),
    "plan": (6_000_000, _administration("6.45.51")),
    "miljoe": (6_000_000, _administration("6.45.55")),
    "ejendomme": (24_000_000, (
        LineTemplate("0.25.10", "1.1", 0.20, "loen"),
        LineTemplate("0.25.10", "2.9", 0.05, "varer"),
        LineTemplate("0.25.10", "4.0", 0.20, "tjenester"),
        LineTemplate("0.25.10", "4.5", 0.55, "tjenester"),
        LineTemplate("0.25.11", "7.1", -0.25, "indtaegt"),
    )),
    "kollektiv_trafik": (40_000_000, (LineTemplate("2.32.31", "4.9", 1.0, "betaling"),)),
    "beredskab": (12_000_000, (LineTemplate("0.58.95", "4.7", 1.0, "betaling"),)),
    "bibliotek": (16_000_000, (
        LineTemplate("3.35.64", "1.1", 0.65, "loen"),
        LineTemplate("3.35.64", "2.9", 0.15, "varer"),
        LineTemplate("3.35.64", "4.0", 0.15, "tjenester"),
        LineTemplate("3.35.64", "4.5", 0.05, "tjenester"),
    )),
    "lokalbibliotek": (4_500_000, _administration("3.35.64")),
    "musikskole": (8_000_000, _administration("3.35.62", income_share=0.20)),
    "kultur": (7_000_000, (
        *_administration("3.35.63", income_share=0.10),
        LineTemplate("3.35.63", "5.9", 0.20, "betaling"),
    )),
    "museum": (4_000_000, (LineTemplate("3.35.60", "5.9", 1.0, "betaling"),)),
    "idraet": (12_000_000, (
        LineTemplate("0.32.31", "1.1", 0.50, "loen"),
        LineTemplate("0.32.31", "2.9", 0.10, "varer"),
        LineTemplate("0.32.31", "4.0", 0.20, "tjenester"),
        LineTemplate("0.32.31", "4.5", 0.20, "tjenester"),
        LineTemplate("0.32.31", "7.2", -0.20, "indtaegt"),
    )),
    "folkeoplysning": (7_000_000, (
        LineTemplate("3.38.73", "5.9", 0.80, "betaling"),
        LineTemplate("3.38.72", "5.9", 0.20, "betaling"),
    )),
    "jobcenter": (30_000_000, (
        *_administration("6.45.53"),
        LineTemplate("5.68.90", "4.0", 0.60, "tjenester"),
    )),
    "sygedagpenge": (170_000_000, (
        LineTemplate("5.57.71", "5.2", 1.0, "overfoersel"),
        LineTemplate("5.57.71", "8.6", -0.40, "refusion", dranst="2"),
    )),
    "ydelser": (260_000_000, (
        LineTemplate("5.57.73", "5.2", 0.55, "overfoersel"),
        LineTemplate("5.57.73", "8.6", -0.20, "refusion", dranst="2"),
        LineTemplate("5.57.72", "5.2", 0.05, "overfoersel"),
        # The municipality co-finances the unemployment benefit of insured job seekers.
        LineTemplate("5.57.78", "4.6", 0.40, "betaling"),
    )),
    "fleksjob": (110_000_000, (
        LineTemplate("5.58.81", "5.2", 1.0, "overfoersel"),
        LineTemplate("5.58.81", "8.6", -0.35, "refusion", dranst="2"),
    )),
    "integration": (14_000_000, (
        LineTemplate("5.46.60", "1.1", 0.50, "loen"),
        LineTemplate("5.46.60", "4.0", 0.50, "tjenester"),
    )),
    "ungeindsats": (6_000_000, _administration("3.22.30")),
    "erhverv": (6_000_000, _administration("6.48.67")),
    "turisme": (3_000_000, (
        *_administration("6.48.62"),
        LineTemplate("6.48.62", "5.9", 0.30, "betaling"),
    )),
}  # fmt: skip

# Construction projects (dranst 3), gross kroner a year, on the unit that owns them.
ANLAEG_PROJECTS: dict[str, tuple[tuple[str, float], ...]] = {
    "Skovgårdsskolen": (("3.22.01", 28_000_000),),
    "Vejafdelingen": (("2.28.22", 20_000_000),),
    "Plejecenter Lindegården": (("5.32.30", 14_000_000),),
    "Idrætscentret": (("0.32.31", 6_000_000),),
}

# Mean share of the corrected budget spent; some areas run over as they do in real life.
MEAN_CONSUMPTION = {"hjemmepleje": 1.04, "anbringelser": 1.07, "sygedagpenge": 1.03, "it": 0.95}
DEFAULT_CONSUMPTION = 0.985

DANISH_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip

# Posting texts by art, or by profile where the profile says more; {maaned}, {aar} and
# {kvartal} are filled in per month. Some contain `;` or `"` so that quoting is exercised.
POSTING_TEXTS: dict[str, tuple[str, ...]] = {
    "1.1": ("Løn {maaned} {aar}", "Lønkørsel {maaned}", "Timeløn og tillæg",
            "Vikarløn; {maaned}", "Overarbejde {maaned}"),
    "2.2": ("Fødevarer {maaned}", "Dagligvarer", "Frugtordning", "Mælk og brød; uge-levering"),
    "2.3": ("Brændstof", "Diesel til materiel", "Vejsalt", "Fyringsolie"),
    "2.7": ("Inventar", "IT-udstyr", "Møbler; mødelokale", "Maskiner og udstyr"),
    "2.9": ("Kontorartikler", "Rengøringsartikler", "Materialer", "Legetøj og hobbymaterialer",
            'Faktura "Nordisk Papir A/S"'),
    "4.0": ("Konsulentbistand", "Licenser", "Kursusgebyr", "Rengøring; {maaned}",
            "Telefoni og data"),
    "4.5": ("Håndværkerregning", "Vedligeholdelse af bygning", "Reparation; tag og tagrender",
            "Asfaltarbejde"),
    "4.6": ("Medfinansiering af dagpenge {maaned}",),
    "4.7": ("Mellemkommunal betaling {maaned}", "Betaling til anden kommune"),
    "4.8": ("Aktivitetsbestemt medfinansiering {maaned}",),
    "4.9": ("Betaling til trafikselskab {maaned}",),
    "5.2": ("Udbetaling {maaned}", "Ydelse til borger", "Efterbetaling"),
    "5.9": ("Tilskud til forening", "Driftstilskud {aar}"),
    "7.1": ("Husleje {maaned}", "Huslejeindtægt"),
    "7.2": ("Salg af ydelser", "Gebyr", "Betaling for ydelse {maaned}", "Entré og billetsalg"),
    "7.7": ("Betaling fra anden kommune {maaned}",),
    "8.6": ("Statsrefusion {maaned}", "Refusion; efterregulering"),
    "foraeldrebetaling": ("Forældrebetaling {maaned}", "Forældrebetaling; søskenderabat"),
    "renter": ("Renter {kvartal}. kvartal {aar}", "Renter og bidrag"),
    "vinter": ("Vejsalt", "Snerydning; {maaned}", "Glatførebekæmpelse", "Vintervagt"),
    "sommer": ("Græsslåning", "Beplantning", "Asfaltarbejde", "Vedligehold af stier"),
    "anlaeg": ("Acontobetaling entreprise", "Rådgivning; anlægsprojekt", "Byggeledelse",
               "Slutregning entreprise"),
}  # fmt: skip


@dataclass(frozen=True)
class BudgetLines:
    """All budget lines of the municipality as parallel arrays, sorted by cost centre."""

    omkostningssted: tuple[str, ...]
    funktion: tuple[str, ...]
    dranst: tuple[str, ...]
    art: tuple[str, ...]
    profile: np.ndarray  # index into PROFILE_NAMES
    text_key: tuple[str, ...]
    base_amount: np.ndarray  # kroner a year in PRICE_BASE_YEAR prices
    mean_consumption: np.ndarray
    carries_over: np.ndarray  # decentral expenditure lines whose result moves to next year

    def __len__(self) -> int:
        return len(self.omkostningssted)


def build_budget_lines(organisation: Organisation) -> BudgetLines:
    rows: list[tuple[CostCentre, str, str, str, str, float]] = []
    for centre in organisation.cost_centres:
        if centre.niveau == "kommune":
            continue  # the municipality as a whole books everything on its units
        gross, templates = KIND_TEMPLATES[centre.kind]
        if centre.service:
            gross = centre.capacity * centre.service.annual_cost_per_capacity
        else:
            gross *= centre.size
        for template in templates:
            amount = gross * template.share
            rows.append(
                (centre, template.funktion, template.dranst, template.art, template.profile, amount)
            )
        for funktion, amount in ANLAEG_PROJECTS.get(centre.navn, ()):
            rows.append((centre, funktion, "3", "4.5", "anlaeg", amount))
    rows.sort(key=lambda row: (row[0].omkostningssted, row[1], row[2], row[3]))

    def text_key(art: str, profile: str) -> str:
        return profile if profile in POSTING_TEXTS else art

    return BudgetLines(
        omkostningssted=tuple(row[0].omkostningssted for row in rows),
        funktion=tuple(row[1] for row in rows),
        dranst=tuple(row[2] for row in rows),
        art=tuple(row[3] for row in rows),
        profile=np.array([PROFILE_NAMES.index(row[4]) for row in rows]),
        text_key=tuple(text_key(row[3], row[4]) for row in rows),
        base_amount=np.array([row[5] for row in rows]),
        mean_consumption=np.array(
            [MEAN_CONSUMPTION.get(row[0].kind, DEFAULT_CONSUMPTION) for row in rows]
        ),
        carries_over=np.array(
            [row[0].niveau == "enhed" and row[5] > 0 and row[2] in ("1", "3") for row in rows]
        ),
    )


@dataclass(frozen=True)
class Tillaeg:
    """A supplementary appropriation (tillægsbevilling) on one line, decided on a date."""

    line: int
    amount: int
    decided: dt.date


@dataclass(frozen=True)
class YearBudget:
    year: int
    original: np.ndarray  # OPR, whole kroner per line
    carry_over: np.ndarray | None  # OVF, whole kroner per line; None in the first year
    tillaeg: tuple[Tillaeg, ...]
    consumption: np.ndarray  # share of the corrected budget actually spent, per line

    @property
    def corrected(self) -> np.ndarray:
        total = self.original.astype(float)
        if self.carry_over is not None:
            total += self.carry_over
        for tillaeg in self.tillaeg:
            total[tillaeg.line] += tillaeg.amount
        return total

    @property
    def spending(self) -> np.ndarray:
        """What the postings of the year add up to per line (before monthly noise)."""
        return self.corrected * self.consumption


def budget_extraction_dates(year: int) -> list[dt.date]:
    """Closed years are extracted once in December; the running year twice, so the newer
    extraction replaces the older one (before and after the carry-over and later TBs)."""
    if year < LAST_COMPLETE_MONTH[0]:
        return [dt.date(year, 12, 15)]
    return [dt.date(year, 1, 15), dt.date(year, LAST_COMPLETE_MONTH[1], 15)]


def carry_over_date(year: int) -> dt.date:
    # The council decides the carry-over from last year in April.
    return dt.date(year, 4, 15)


def build_year_budgets(lines: BudgetLines, scale: Scale, seed: int) -> dict[int, YearBudget]:
    budgets: dict[int, YearBudget] = {}
    is_anlaeg = np.array([dranst == "3" for dranst in lines.dranst])
    for year in scale.years:
        rng = random_stream(seed, "budget", year)
        price_level = (1 + ANNUAL_PRICE_GROWTH) ** (year - PRICE_BASE_YEAR)
        noise = rng.lognormal(0.0, 0.03, len(lines))
        original = np.round(lines.base_amount * price_level * noise, -3).astype(np.int64)

        consumption = lines.mean_consumption * rng.normal(1.0, 0.03, len(lines))
        consumption = np.where(is_anlaeg, rng.uniform(0.6, 1.0, len(lines)), consumption)

        last_decision = budget_extraction_dates(year)[-1]
        chosen = np.flatnonzero(rng.random(len(lines)) < 0.07)
        signs = np.where(rng.random(chosen.size) < 0.6, 1, -1)
        fractions = rng.uniform(0.03, 0.15, chosen.size)
        months = rng.integers(2, last_decision.month, chosen.size, endpoint=True)
        days = rng.integers(1, 28, chosen.size, endpoint=True)
        tillaeg = []
        for line, sign, fraction, month, day in zip(
            chosen, signs, fractions, months, days, strict=True
        ):
            amount = int(round(original[line] * sign * fraction, -3))
            if amount:
                decided = min(dt.date(year, int(month), int(day)), last_decision)
                tillaeg.append(Tillaeg(int(line), amount, decided))

        previous = budgets.get(year - 1)
        carry_over = None
        if previous is not None:
            corrected = previous.corrected
            result = corrected * (1 - previous.consumption)
            # Drift may carry at most a modest surplus or deficit; anlæg carries what is unspent.
            capped = np.clip(result, -0.05 * np.abs(corrected), 0.10 * np.abs(corrected))
            result = np.where(is_anlaeg, result, capped)
            carry_over = np.where(lines.carries_over, np.round(result), 0).astype(np.int64)
        budgets[year] = YearBudget(year, original, carry_over, tuple(tillaeg), consumption)
    return budgets


def write_budgets(lines: BudgetLines, budgets: dict[int, YearBudget], writer: SourceWriter) -> int:
    """One file per extraction; exported from Excel as UTF-8 with BOM."""
    row_count = 0
    for year, budget in budgets.items():
        for extracted in budget_extraction_dates(year):
            entries: list[tuple[int, int, str, int]] = []  # line, order, budgettype, kroner
            for line, amount in enumerate(budget.original.tolist()):
                if amount:
                    entries.append((line, 0, "OPR", amount))
            if budget.carry_over is not None and carry_over_date(year) <= extracted:
                for line in np.flatnonzero(budget.carry_over).tolist():
                    entries.append((line, 1, "OVF", int(budget.carry_over[line])))
            for tillaeg in budget.tillaeg:
                if tillaeg.decided <= extracted:
                    entries.append((tillaeg.line, 2, "TB", tillaeg.amount))
            entries.sort(key=lambda entry: (entry[0], entry[1]))
            amounts = danish_amounts(
                np.array([entry[3] for entry in entries], dtype=np.int64) * 100,
                BUDGET_THOUSANDS_FROM_KRONER,
            ).tolist()
            rows = (
                (
                    year,
                    lines.omkostningssted[line],
                    lines.funktion[line],
                    lines.dranst[line],
                    lines.art[line],
                    budgettype,
                    amount,
                )
                for (line, _, budgettype, _), amount in zip(entries, amounts, strict=True)
            )
            row_count += writer.write_rows(
                "oekonomi",
                f"budget_{year}_{extracted:%Y%m%d}.csv",
                BUDGET_HEADER,
                rows,
                Encoding.UTF8_BOM,
            )
    return row_count


def _text_catalogue(
    text_keys: list[str], year: int, month: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posting texts of the month, already quoted for CSV, with each key's offset and count."""
    values = {"maaned": DANISH_MONTHS[month - 1], "aar": year, "kvartal": (month - 1) // 3 + 1}
    texts: list[str] = []
    offsets, counts = [], []
    for key in text_keys:
        templates = POSTING_TEXTS.get(key, ("Postering",))
        offsets.append(len(texts))
        counts.append(len(templates))
        texts.extend(csv_field(template.format(**values)) for template in templates)
    return np.array(texts, dtype=TEXT), np.array(offsets), np.array(counts)


def month_posting_lines(
    lines: BudgetLines, budget: YearBudget, month: int, postings_per_month: int, seed: int
) -> np.ndarray:
    """All postings of one accounting month as formatted CSV lines (without the header)."""
    year = budget.year
    rng = random_stream(seed, "posteringer", year, month)
    seasons = np.array([PROFILES[name].season for name in PROFILE_NAMES])
    season_share = seasons[:, month - 1] / seasons.sum(axis=1)
    monthly = budget.spending * season_share[lines.profile]
    monthly *= rng.lognormal(0.0, 0.06, len(lines))
    active = np.abs(monthly) >= 1.0

    intensity = np.array([PROFILES[name].postings_intensity for name in PROFILE_NAMES])
    weights = np.where(active, intensity[lines.profile] * np.sqrt(np.abs(monthly)), 0.0)
    wanted = round(postings_per_month * POSTINGS_VOLUME[month - 1] * rng.normal(1.0, 0.02))
    counts = active.astype(np.int64)
    counts += rng.multinomial(max(wanted - int(counts.sum()), 0), weights / weights.sum())

    line_of = np.repeat(np.arange(len(lines)), counts)
    profile_of = lines.profile[line_of]
    split_shape = np.array([PROFILES[name].split_shape for name in PROFILE_NAMES])
    # The floor keeps invoices from shrinking to a few øre when a line has many postings.
    shares = rng.gamma(split_shape[profile_of]) + 0.05
    share_sums = np.bincount(line_of, weights=shares, minlength=len(lines))
    amounts = monthly[line_of] * shares / share_sums[line_of]
    # A few invoices come back as credit notes, with the opposite sign.
    credit_profiles = np.isin(profile_of, [PROFILE_NAMES.index(p) for p in CREDIT_NOTE_PROFILES])
    credit = credit_profiles & (rng.random(line_of.size) < CREDIT_NOTE_SHARE)
    amounts = np.where(credit, -0.4 * amounts, amounts)
    oere = np.rint(amounts * 100).astype(np.int64)

    working_days = weekdays_of_month(year, month)
    days = working_days[rng.integers(0, working_days.size, line_of.size)]
    payday_share = np.array([PROFILES[name].payday_share for name in PROFILE_NAMES])
    on_payday = rng.random(line_of.size) < payday_share[profile_of]
    days = np.where(on_payday, working_days[-1], days)

    keep = oere != 0
    line_of, profile_of, oere, days = line_of[keep], profile_of[keep], oere[keep], days[keep]
    order = np.lexsort((line_of, days))
    line_of, oere, days = line_of[order], oere[order], days[order]

    # Lines of one voucher share cost centre, account and day; a new voucher now and then.
    new_voucher = np.ones(line_of.size, dtype=bool)
    new_voucher[1:] = (
        (line_of[1:] != line_of[:-1])
        | (days[1:] != days[:-1])
        | (rng.random(line_of.size - 1) < 0.45)
    )
    bilagsnr = (year * 100 + month) * 1_000_000 + np.cumsum(new_voucher)

    date_texts = np.array(
        [""] + [f"{day:02d}-{month:02d}-{year}" for day in range(1, 32)], dtype=TEXT
    )
    line_prefixes = np.array(
        [
            f"{cc};{funktion};{dranst};{art}"
            for cc, funktion, dranst, art in zip(
                lines.omkostningssted, lines.funktion, lines.dranst, lines.art, strict=True
            )
        ],
        dtype=TEXT,
    )
    key_names = sorted(set(lines.text_key))
    catalogue, offsets, text_counts = _text_catalogue(key_names, year, month)
    key_index = np.array([key_names.index(key) for key in lines.text_key])[line_of]
    text_index = offsets[key_index] + rng.integers(0, text_counts[key_index])

    return join_fields(
        bilagsnr.astype(TEXT),
        date_texts[days],
        line_prefixes[line_of],
        danish_amounts(oere, POSTINGS_THOUSANDS_FROM_KRONER),
        catalogue[text_index],
    )


def write_oekonomi(
    organisation: Organisation, scale: Scale, seed: int, writer: SourceWriter
) -> dict[str, int]:
    lines = build_budget_lines(organisation)
    budgets = build_year_budgets(lines, scale, seed)
    budget_rows = write_budgets(lines, budgets, writer)
    postings = 0
    for year, month in scale.months:
        posting_lines = month_posting_lines(
            lines, budgets[year], month, scale.postings_per_month, seed
        )
        postings += writer.write_lines(
            "oekonomi", f"posteringer_{year}{month:02d}.csv", POSTINGS_HEADER, posting_lines
        )
    return {"budget_lines": len(lines), "budget_rows": budget_rows, "postings": postings}
