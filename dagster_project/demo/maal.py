"""The goal catalogue and the indicator values delivered by subject systems (maal/, indikatorer/).

- maalkatalog_20261105.xlsx: the administration's Excel workbook with the six committees, their
  goals and the goals' indicators, as typed by people: numbers, numbers as text with a decimal
  comma, Excel dates and one date typed as text. An older maalkatalog_20260105.xlsx holds the
  catalogue as it stood then (fewer indicators, closed goals still active), so "newest wins"
  has something to replace.
- indikatorvaerdier_<KILDE>_20261105.csv: the values of the indicators without a KPI, one file
  per subject system, from the baseline period to the latest complete period. The building
  authority's system (BYG-SAG) also delivered in July, with preliminary figures that the
  November extraction corrects.

Indicators built on KPIs measure nodes where the KPI is defined (`enhedsomkostning` only on
centres whose units all deliver one service). Their baselines were read off the S demo; a few
are left empty so that the pipeline takes them from the data, and for those the target is put
on the right side of what the demo's survey data will give. The delivered values drift from
the baseline towards the target at a pace set per indicator, so that some are on track, some
at risk and some off track.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from . import indsatser
from ._writer import SourceWriter, danish_decimal
from .feedback import Feedback
from .organisation import ROOT_NAME, Organisation
from .personale import EXTRACTION_DATE
from .scales import LAST_COMPLETE_MONTH, Scale, random_stream

OLDER_CATALOGUE_DATE = dt.date(2026, 1, 5)
INDSATSER_SINCE = dt.date(2026, 11, 1)  # the initiatives sheet was added to the workbook then
OLDER_VALUES = ("BYG-SAG", dt.date(2026, 7, 5))
# Preliminary figures in the older delivery: its last months were revised upwards later.
PRELIMINARY_MONTHS = 2
PRELIMINARY_FACTOR = 1.06

COMMITTEES = {
    "ØU": "Økonomiudvalget",
    "BUU": "Børne- og Ungeudvalget",
    "SOU": "Social-, Sundheds- og Ældreudvalget",
    "TMU": "Teknik- og Miljøudvalget",
    "KFU": "Kultur- og Fritidsudvalget",
    "EBU": "Erhvervs- og Beskæftigelsesudvalget",
}
UDVALG_HEADER = ("fagudvalg", "navn")
MAAL_HEADER = (
    "maal_id", "fagudvalg", "titel", "beskrivelse", "maalgruppe", "ansvarlig", "startdato",
    "slutdato", "status",
)  # fmt: skip
INDIKATOR_HEADER = (
    "indikator_id", "maal_id", "navn", "kpi", "omkostningssted", "enhed", "retning", "frekvens",
    "baseline_periode", "baseline_vaerdi", "maal_periode", "maal_vaerdi", "indfoert", "udfaset",
    "erstatter",
)  # fmt: skip
VAERDI_HEADER = ("indikator_id", "omkostningssted", "periode", "vaerdi", "taeller", "naevner")

PERIODS_PER_YEAR = {"maaned": 12, "kvartal": 4, "aar": 1}
# Paces of progress towards the target: ahead, on track, at risk, off track, going backwards.
AHEAD, ON_TRACK, AT_RISK, OFF_TRACK, BACKWARDS = 1.25, 1.0, 0.72, 0.3, -0.3
FROM_DATA = "from data"  # a baseline the administration read off the figures when it set the goal


@dataclass(frozen=True)
class Goal:
    maal_id: str
    fagudvalg: str
    titel: str
    beskrivelse: str
    maalgruppe: str
    ansvarlig: str  # name of a cost centre
    slutdato: dt.date | None = dt.date(2027, 12, 31)
    status: str = "aktiv"
    closed: dt.date | None = None  # when an opfyldt or opgivet goal was closed


@dataclass(frozen=True)
class Indicator:
    indikator_id: str
    maal_id: str
    navn: str
    kpi: str | None
    node: str | None  # name of a cost centre; None = the goal's ansvarlig
    enhed: str
    retning: str
    frekvens: str
    baseline: float | str | None  # a number, FROM_DATA, or None (empty in the catalogue)
    target: float
    target_year: int
    indfoert: dt.date
    udfaset: dt.date | None = None
    erstatter: str | None = None
    decimals: int = 1
    # Delivered indicators only: the subject system, the pace of progress, the size of the
    # denominator of a percentage, and the last day delivered when the delivery stopped.
    kilde: str | None = None
    pace: float = ON_TRACK
    naevner: int | None = None
    delivered_until: dt.date | None = None


D = dt.date
GOALS = (
    Goal("M01", "ØU", "Økonomi i balance",
          "Driften holdes inden for det korrigerede budget i hele kommunen og i de store "
          "velfærdsområder.", "organisation", "Økonomi og Digitalisering"),
    Goal("M02", "ØU", "Sundt arbejdsmiljø i administrationen",
          "Sygefraværet i administrationen nedbringes, så det kommer under niveauet for "
          "kontorområdet i sammenlignelige kommuner.", "organisation",
          "Økonomi og Administration"),
    Goal("M03", "ØU", "Medarbejdernes idéer bliver brugt",
          "Flere medarbejdere sender forbedringsforslag, og flere svarer på trivselsmålingen.",
          "organisation", "HR og Løn", slutdato=None),
    Goal("M04", "ØU", "Automatisering af administrative opgaver",
          "Robotter og selvbetjening frigør årsværk i økonomi- og IT-funktionen. Opgivet, da "
          "løsningen ikke kunne leveres inden for budgettet.", "organisation",
          "Økonomi og Digitalisering", status="opgivet", closed=D(2026, 3, 31)),
    Goal("M05", "BUU", "Alle elever trives i skolen",
          "Flere elever trives, færre oplever mobning, og elevfraværet falder.", "borgere",
          "Skoler"),
    Goal("M06", "BUU", "Stabil og sund bemanding i dagtilbud",
          "Lavere sygefravær og personaleomsætning, så børnene møder de samme voksne.",
          "organisation", "Børn og Unge", slutdato=D(2028, 12, 31)),
    Goal("M07", "BUU", "Effektive dagtilbud og skoler",
          "Enhedsomkostningerne i dagplejen og skolerne holdes på niveau med "
          "sammenlignelige kommuner.", "organisation", "Børn og Unge"),
    Goal("M08", "BUU", "Lavere sygefravær i Dagplejen",
          "Sygefraværet blandt dagplejerne bringes under 4,5 %. Opfyldt i sommeren 2026.",
          "organisation", "Dagplejen", slutdato=D(2026, 12, 31), status="opfyldt",
         closed=D(2026, 6, 30)),
    Goal("M09", "SOU", "Kortere ventetid på plejebolig",
          "Borgere, der er visiteret til en plejebolig, skal vente kortere og få tilbudt en "
          "bolig inden for garantien.", "borgere", "Visitation og Myndighed"),
    Goal("M10", "SOU", "Færre genindlæggelser af ældre",
          "En tidlig indsats i hjemmeplejen og sygeplejen skal forebygge genindlæggelser, og "
          "borgerne skal være tilfredse med hjælpen.", "borgere", "Hjemmepleje og Sygepleje"),
    Goal("M11", "SOU", "Lavere sygefravær i ældreplejen",
          "Et bedre arbejdsmiljø skal nedbringe sygefraværet og holde på medarbejderne.",
          "organisation", "Social, Sundhed og Ældre", slutdato=D(2028, 12, 31)),
    Goal("M12", "SOU", "Effektiv hjemmepleje og plejecentre",
          "Enhedsomkostningerne holdes i ro, mens tiderne for besøgene overholdes.",
          "organisation", "Hjemmepleje og Sygepleje"),
    Goal("M13", "TMU", "Hurtigere byggesagsbehandling",
          "Byggesager afgøres hurtigere og inden for servicemålet, og puklen af verserende sager "
          "nedbringes.", "borgere", "Plan, Byg og Miljø"),
    Goal("M14", "TMU", "Godt arbejdsmiljø i Vej og Park",
          "Færre sygedage og lavere personaleomsætning blandt vejmænd og gartnere.",
          "organisation", "Vej og Park"),
    Goal("M15", "TMU", "Økonomi og arbejdsmiljø i Teknik og Miljø",
          "Området holder sit driftsbudget, også med vintertjenesten, og sygefraværet i "
          "Ejendomme og Trafik bringes ned.", "organisation", "Teknik og Miljø"),
    Goal("M16", "KFU", "Engagerede medarbejdere i Kultur og Fritid",
          "Medarbejderne er engagerede og deltager i trivselsmålingen.", "organisation",
          "Kultur og Fritid", slutdato=None),
    Goal("M17", "KFU", "Lavere sygefravær på bibliotekerne",
          "Sygefraværet i Biblioteker og Kultur nedbringes.", "organisation",
          "Biblioteker og Kultur"),
    Goal("M18", "KFU", "Flere idéer fra kultur- og fritidsområdet",
          "Flere forbedringsforslag, og flere af dem gennemføres.", "organisation",
          "Kultur og Fritid"),
    Goal("M19", "EBU", "Stabil bemanding i Jobcentret",
          "Færre sagsbehandlere forlader Jobcentret, så borgerne beholder deres rådgiver.",
          "organisation", "Jobcenter"),
    Goal("M20", "EBU", "Motiverede medarbejdere og god ledelse",
          "Medarbejderne er motiverede og oplever god ledelse.", "organisation",
          "Beskæftigelse og Erhverv"),
    Goal("M21", "EBU", "Økonomi i balance i Beskæftigelse og Erhverv",
          "Driften holdes inden for budgettet, og bemandingen i Jobcentret tilpasses det "
          "faldende antal sager.", "organisation", "Beskæftigelse og Erhverv"),
)  # fmt: skip

# Economy figures of a running year are year-to-date (kpis.md), so a yearly forbrugsprocent
# indicator looks reached until the year closes; the catalogue keeps only a few of them.
INDICATORS = (
    Indicator("I01", "M01", "Forbrugsprocent, drift, hele kommunen", "forbrugsprocent_drift",
      ROOT_NAME, "%", "ned", "aar", 99.6, 99.0, 2027, D(2021, 2, 1)),
    Indicator("I02", "M01", "Forbrugsprocent, drift, Børn og Unge", "forbrugsprocent_drift",
      "Børn og Unge", "%", "ned", "aar", 100.4, 99.5, 2027, D(2023, 3, 1)),
    Indicator("I03", "M01", "Enhedsomkostning, botilbud (kr. pr. beboer-måned)",
      "enhedsomkostning", "Handicap og Psykiatri", "kr.", "ned", "maaned", 57_000, 54_000, 2027,
      D(2023, 3, 1), decimals=0),
    Indicator("I04", "M02", "Sygefravær i administrationen", "sygefravaer_pct",
      None, "%", "ned", "maaned", 4.2, 3.5, 2027, D(2022, 1, 10)),
    Indicator("I05", "M02", "Korttidssygefravær, HR og Løn", "korttidssygefravaer_pct",
      "HR og Løn", "%", "ned", "aar", 2.1, 1.8, 2027, D(2024, 5, 1), decimals=2),
    Indicator("I06", "M03", "Indsendte forbedringsforslag, hele kommunen", "forslag_indsendt",
      ROOT_NAME, "antal", "op", "maaned", FROM_DATA, 50, 2027, D(2025, 1, 15), decimals=0),
    Indicator("I07", "M03", "Svarprocent i trivselsmålingen", "svarprocent",
      ROOT_NAME, "%", "op", "aar", None, 80.0, 2027, D(2024, 9, 1)),
    Indicator("I08", "M04", "Medarbejdere i Økonomi og Digitalisering", "medarbejdere",
      None, "antal", "ned", "aar", 117, 105, 2027, D(2024, 2, 1), decimals=0),
    Indicator("I09", "M04", "Sygefravær, Økonomi og Digitalisering", "sygefravaer_pct",
      None, "%", "ned", "aar", 4.6, 4.0, 2027, D(2024, 2, 1), udfaset=D(2026, 3, 31)),
    Indicator("I10", "M05", "Andel elever med god trivsel", None,
      None, "%", "op", "aar", 85.2, 90.0, 2027, D(2021, 9, 1),
      kilde="SKOLE-TRIVSEL", pace=AHEAD, naevner=3_900),
    Indicator("I11", "M05", "Elevfravær", None,
      None, "%", "ned", "maaned", 6.4, 5.0, 2027, D(2022, 8, 1),
      kilde="SKOLE-TRIVSEL", pace=OFF_TRACK, naevner=112_000),
    Indicator("I12", "M05", "Andel elever, der har oplevet mobning", None,
      None, "%", "ned", "kvartal", 7.5, 5.0, 2027, D(2025, 8, 15),
      kilde="SKOLE-TRIVSEL", pace=AT_RISK, naevner=3_700),
    Indicator("I13", "M06", "Sygefravær, Dagtilbud Øst", "sygefravaer_pct",
      "Dagtilbud Øst", "%", "ned", "maaned", 7.4, 6.0, 2027, D(2022, 3, 1)),
    Indicator("I14", "M06", "Personaleomsætning, Dagtilbud Vest", "personaleomsaetning_afgang_pct",
      "Dagtilbud Vest", "%", "ned", "aar", 19.0, 15.0, 2028, D(2023, 1, 16)),
    Indicator("I15", "M06", "Trivsel: ledelse i Dagtilbud Nord", "trivsel_ledelse",
      "Dagtilbud Nord", "point", "op", "aar", None, 4.2, 2027, D(2025, 6, 2), decimals=2),
    Indicator("I16", "M07", "Enhedsomkostning, dagpleje (kr. pr. barn-måned)", "enhedsomkostning",
      "Dagplejen", "kr.", "ned", "maaned", 10_900, 10_400, 2027, D(2021, 4, 1), decimals=0),
    Indicator("I17", "M07", "Enhedsomkostning, skoler (kr. pr. elev-måned)", "enhedsomkostning",
      "Skoler", "kr.", "ned", "aar", 6_750, 6_500, 2027, D(2023, 8, 1), decimals=0),
    Indicator("I18", "M08", "Sygefravær, Dagplejen", "sygefravaer_pct",
      None, "%", "ned", "aar", 5.0, 4.5, 2026, D(2022, 6, 1), udfaset=D(2026, 6, 30)),
    Indicator("I19", "M08", "Korttidssygefravær, Dagplejen", "korttidssygefravaer_pct",
      None, "%", "ned", "maaned", 3.4, 3.0, 2026, D(2024, 1, 15)),
    Indicator("I20", "M09", "Ventetid på plejebolig", None,
      None, "dage", "ned", "maaned", 62, 45, 2027, D(2021, 3, 1), udfaset=D(2026, 3, 31),
      kilde="CURA", pace=AT_RISK),
    Indicator("I21", "M09", "Ventetid på plejebolig, garantisager", None,
      None, "dage", "ned", "kvartal", 58, 30, 2027, D(2026, 4, 1), erstatter="I20",
      kilde="CURA", pace=ON_TRACK),
    Indicator("I22", "M09", "Andel tilbudt plejebolig inden for garantien", None,
      None, "%", "op", "kvartal", 71.0, 90.0, 2027, D(2023, 1, 2),
      kilde="CURA", pace=OFF_TRACK, naevner=45),
    Indicator("I23", "M10", "Genindlæggelser inden for 30 dage", None,
      None, "antal", "ned", "maaned", 34, 25, 2027, D(2022, 2, 1), decimals=0,
      kilde="CURA", pace=AT_RISK),
    Indicator("I24", "M10", "Borgertilfredshed i hjemmeplejen", None,
      "Hjemmepleje og Sygepleje", "%", "op", "aar", 84.0, 90.0, 2027, D(2021, 11, 1),
      kilde="CURA", pace=AHEAD, naevner=650),
    Indicator("I25", "M12", "Besøg leveret til den aftalte tid", None,
      "Hjemmepleje og Sygepleje", "%", "op", "maaned", 91.5, 95.0, 2027, D(2025, 3, 3),
      kilde="CURA", pace=ON_TRACK, naevner=52_000, delivered_until=D(2026, 6, 30)),
    Indicator("I26", "M11", "Sygefravær, Hjemmepleje og Sygepleje", "sygefravaer_pct",
      "Hjemmepleje og Sygepleje", "%", "ned", "maaned", 6.9, 5.5, 2028, D(2021, 1, 15)),
    Indicator("I27", "M11", "Korttidssygefravær, Plejecentre", "korttidssygefravaer_pct",
      "Plejecentre", "%", "ned", "maaned", 4.4, 3.5, 2027, D(2023, 9, 1)),
    Indicator("I28", "M11", "Personaleomsætning, Social, Sundhed og Ældre",
      "personaleomsaetning_afgang_pct", None, "%", "ned", "aar", 14.5, 12.0, 2028,
      D(2024, 3, 1)),
    Indicator("I29", "M11", "Trivsel: arbejdsglæde på plejecentrene", "trivsel_arbejdsglaede",
      "Plejecentre", "point", "op", "aar", None, 4.2, 2028, D(2025, 2, 3), decimals=2),
    Indicator("I30", "M12", "Enhedsomkostning, hjemmepleje (kr. pr. time)", "enhedsomkostning",
      None, "kr.", "ned", "aar", 570, 545, 2027, D(2022, 9, 1), decimals=0),
    Indicator("I31", "M12", "Enhedsomkostning, plejecentre (kr. pr. beboer-måned)",
      "enhedsomkostning", "Plejecentre", "kr.", "ned", "maaned", 42_000, 40_000, 2027,
      D(2024, 10, 1), decimals=0),
    Indicator("I32", "M13", "Sagsbehandlingstid, byggesager", None,
      "Byggesagsafdelingen", "dage", "ned", "maaned", 64, 40, 2027, D(2021, 6, 1),
      kilde="BYG-SAG", pace=AHEAD),
    Indicator("I33", "M13", "Andel byggesager afgjort inden for servicemålet", None,
      "Byggesagsafdelingen", "%", "op", "kvartal", 58.0, 80.0, 2027, D(2023, 4, 3),
      kilde="BYG-SAG", pace=AT_RISK, naevner=95),
    Indicator("I34", "M13", "Verserende byggesager", None,
      None, "antal", "ned", "maaned", 180, 120, 2027, D(2025, 9, 1), decimals=0,
      kilde="BYG-SAG", pace=BACKWARDS),
    Indicator("I35", "M14", "Sygefravær, Vej og Park", "sygefravaer_pct",
      None, "%", "ned", "aar", 4.8, 4.0, 2027, D(2022, 4, 1)),
    Indicator("I36", "M14", "Personaleomsætning, Vej og Park", "personaleomsaetning_afgang_pct",
      None, "%", "ned", "aar", 15.0, 12.0, 2027, D(2022, 4, 1)),
    Indicator("I37", "M14", "Trivsel: samarbejde i Teknik og Miljø", "trivsel_samarbejde",
      "Teknik og Miljø", "point", "op", "aar", None, 4.3, 2028, D(2026, 2, 2), decimals=2),
    Indicator("I38", "M15", "Forbrugsprocent, drift, Teknik og Miljø", "forbrugsprocent_drift",
      None, "%", "ned", "aar", 100.8, 99.5, 2026, D(2023, 2, 1)),
    Indicator("I39", "M15", "Sygefravær, Ejendomme og Trafik", "sygefravaer_pct",
      "Ejendomme og Trafik", "%", "ned", "aar", 6.5, 5.5, 2027, D(2024, 2, 15)),
    Indicator("I40", "M16", "Trivsel: engagement", "trivsel_engagement",
      None, "point", "op", "aar", None, 4.3, 2027, D(2024, 11, 1), decimals=2),
    Indicator("I41", "M16", "Svarprocent i trivselsmålingen, Kultur og Fritid", "svarprocent",
      None, "%", "op", "aar", None, 85.0, 2027, D(2024, 11, 1)),
    Indicator("I42", "M17", "Sygefravær, Biblioteker og Kultur", "sygefravaer_pct",
      None, "%", "ned", "maaned", 4.5, 3.8, 2027, D(2022, 10, 3)),
    Indicator("I43", "M17", "Korttidssygefravær, Biblioteker og Kultur", "korttidssygefravaer_pct",
      None, "%", "ned", "aar", 2.7, 2.3, 2027, D(2022, 10, 3)),
    Indicator("I44", "M18", "Indsendte forbedringsforslag, Kultur og Fritid", "forslag_indsendt",
      None, "antal", "op", "maaned", FROM_DATA, 4, 2027, D(2025, 4, 1), decimals=0),
    Indicator("I45", "M18", "Andel gennemførte forslag, Kultur og Fritid",
      "forslag_gennemfoert_pct", None, "%", "op", "aar", 50.0, 65.0, 2027, D(2025, 4, 1)),
    Indicator("I46", "M19", "Personaleomsætning, Jobcenter", "personaleomsaetning_afgang_pct",
      None, "%", "ned", "aar", 18.5, 14.0, 2027, D(2021, 8, 2)),
    Indicator("I47", "M19", "Sygefravær, Jobcenter", "sygefravaer_pct",
      None, "%", "ned", "maaned", 4.9, 4.2, 2027, D(2021, 8, 2)),
    Indicator("I48", "M20", "Trivsel: motivation", "trivsel_motivation",
      None, "point", "op", "aar", None, 4.3, 2027, D(2025, 1, 20), decimals=2),
    Indicator("I49", "M20", "Trivsel: ledelse i Jobcentret", "trivsel_ledelse",
      "Jobcenter", "point", "op", "aar", 3.7, 4.0, 2027, D(2026, 1, 19), decimals=2),
    Indicator("I50", "M21", "Forbrugsprocent, drift, Beskæftigelse og Erhverv",
      "forbrugsprocent_drift", None, "%", "ned", "aar", 100.6, 99.5, 2027, D(2023, 2, 1)),
    Indicator("I51", "M21", "Årsværk i Jobcentret", "aarsvaerk",
      "Jobcenter", "årsværk", "ned", "aar", 136, 128, 2027, D(2024, 1, 10), decimals=0),
    Indicator("I52", "M06", "Korttidssygefravær, Dagtilbud Øst", "korttidssygefravaer_pct",
      "Dagtilbud Øst", "%", "ned", "maaned", 3.2, 2.4, 2028, D(2025, 10, 1), decimals=2),
)  # fmt: skip


# Periods are numbered in their frequency: a month is year * 12 + month - 1, a quarter
# year * 4 + quarter - 1, a year the year, so that a difference counts periods.


def period_number(frekvens: str, year: int, month: int) -> int:
    per_year = PERIODS_PER_YEAR[frekvens]
    return year * per_year + (month - 1) * per_year // 12


def period_text(frekvens: str, number: int) -> str:
    per_year = PERIODS_PER_YEAR[frekvens]
    year, within = divmod(number, per_year)
    if frekvens == "maaned":
        return f"{year}-{within + 1:02d}"
    if frekvens == "kvartal":
        return f"{year}-Q{within + 1}"
    return str(year)


def last_complete_period(frekvens: str) -> int:
    """The latest period that has ended by the last complete month of the demo calendar."""
    year, month = LAST_COMPLETE_MONTH
    months_per_period = 12 // PERIODS_PER_YEAR[frekvens]
    return (year * 12 + month) // months_per_period - 1


@dataclass(frozen=True)
class Placed:
    """An indicator of the catalogue as written for a scale: its node, periods and numbers."""

    spec: Indicator
    node: str  # cost-centre code measured
    baseline_period: int
    target_period: int
    baseline: float | None  # None = empty in the catalogue
    data_baseline: float | None  # the value the data will give, where the demo knows it
    target: float


def _subtrees(organisation: Organisation) -> dict[str, set[str]]:
    children: dict[str, list[str]] = {}
    for centre in organisation.cost_centres:
        if centre.overordnet:
            children.setdefault(centre.overordnet, []).append(centre.omkostningssted)

    def below(code: str) -> set[str]:
        found = {code}
        for child in children.get(code, ()):
            found |= below(child)
        return found

    return {
        centre.omkostningssted: below(centre.omkostningssted)
        for centre in organisation.cost_centres
    }


def _codes_by_name(organisation: Organisation) -> dict[str, str]:
    codes: dict[str, str] = {}
    for centre in organisation.cost_centres:
        if centre.navn in codes:
            raise ValueError(f"Two cost centres are named {centre.navn!r}")
        codes[centre.navn] = centre.omkostningssted
    return codes


def _beyond(value: float, target: float, retning: str, decimals: int) -> float:
    """The target, or one 5 % further than `value` when the target is not beyond it."""
    if (retning == "op" and target > value) or (retning == "ned" and target < value):
        return target
    step = max(abs(value) * 0.05, 10.0**-decimals)
    moved = value + step if retning == "op" else value - step
    rounding = math.ceil if retning == "op" else math.floor
    return rounding(moved * 10**decimals) / 10**decimals


def place_indicators(organisation: Organisation, scale: Scale, feedback: Feedback) -> list[Placed]:
    codes = _codes_by_name(organisation)
    subtrees = _subtrees(organisation)
    goals = {goal.maal_id: goal for goal in GOALS}
    placed = []
    for spec in INDICATORS:
        node = codes[spec.node or goals[spec.maal_id].ansvarlig]
        baseline_period = period_number(spec.frekvens, scale.first_year, 1)
        target_period = period_number(spec.frekvens, spec.target_year, 12)
        data_baseline = None
        if spec.baseline is None or spec.baseline == FROM_DATA:
            text = period_text(spec.frekvens, baseline_period)
            data_baseline = feedback.value(spec.kpi, subtrees[node], text)
        baseline = data_baseline if spec.baseline == FROM_DATA else spec.baseline
        target = spec.target
        reference = baseline if baseline is not None else data_baseline
        if reference is not None:
            target = _beyond(reference, target, spec.retning, spec.decimals)
        placed.append(
            Placed(spec, node, baseline_period, target_period, baseline, data_baseline, target)
        )
    return placed


# The catalogue workbook.


def _number_cell(value: float, as_text: bool, decimals: int) -> object:
    if as_text:
        return danish_decimal(value, decimals)  # typed with a decimal comma, stored as text
    return int(value) if float(value).is_integer() else value


def _date_cell(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day) if day else None


def _catalogue_sheets(
    placed: list[Placed], organisation: Organisation, scale: Scale, extracted: dt.date
) -> dict[str, tuple[tuple[str, ...], list[list[object]]]]:
    codes = _codes_by_name(organisation)
    committees = [c.fagudvalg for c in organisation.cost_centres if c.niveau == "omraade"]
    udvalg = [[code, COMMITTEES[code]] for code in committees]
    maal = []
    for number, goal in enumerate(GOALS):
        closed = goal.closed is not None and goal.closed <= extracted
        start: object = dt.datetime(scale.first_year, 1, 1)
        if number == 4:
            start = f"01-01-{scale.first_year}"  # typed as text in a cell formatted as text
        maal.append(
            [
                goal.maal_id,
                goal.fagudvalg,
                goal.titel,
                goal.beskrivelse,
                goal.maalgruppe,
                codes[goal.ansvarlig],
                start,
                _date_cell(goal.closed if closed else goal.slutdato),
                goal.status if closed else "aktiv",
            ]
        )
    indikatorer = []
    for number, item in enumerate(placed):
        spec = item.spec
        if spec.indfoert > extracted:
            continue
        periods = [
            period_text(spec.frekvens, p) for p in (item.baseline_period, item.target_period)
        ]
        if spec.frekvens == "aar" and number % 2:
            periods = [int(p) for p in periods]  # Excel turns a typed year into a number
        as_text = number % 4 == 1
        baseline = None
        if item.baseline is not None:
            baseline = _number_cell(item.baseline, as_text, spec.decimals)
        retired = spec.udfaset if spec.udfaset and spec.udfaset <= extracted else None
        indikatorer.append(
            [
                spec.indikator_id,
                spec.maal_id,
                spec.navn,
                spec.kpi,
                item.node if spec.node else None,
                spec.enhed,
                spec.retning,
                spec.frekvens,
                periods[0],
                baseline,
                periods[1],
                _number_cell(item.target, as_text and number % 8 == 1, spec.decimals),
                _date_cell(spec.indfoert),
                _date_cell(retired),
                spec.erstatter,
            ]
        )
    sheets = {
        "udvalg": (UDVALG_HEADER, udvalg),
        "maal": (MAAL_HEADER, maal),
        "indikatorer": (INDIKATOR_HEADER, indikatorer),
    }
    if extracted >= INDSATSER_SINCE:  # the older catalogue predates the sheet
        sheets["indsatser"] = (indsatser.INDSATS_HEADER, indsatser.catalogue_rows(codes))
    return sheets


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed time, so the same catalogue gives the same bytes.

    openpyxl stamps each entry with the clock: small parts through `writestr`, worksheets
    through `write` from a temporary file.
    """

    stamp = (2026, 1, 1, 0, 0, 0)

    def writestr(self, name, data, *args, **kwargs):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, date_time=self.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            name = info
        super().writestr(name, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())


def workbook_bytes(sheets: dict, extracted: dt.date) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "DD-MM-YYYY"
    book.properties.creator = ROOT_NAME
    book.properties.created = book.properties.modified = dt.datetime(
        extracted.year, extracted.month, extracted.day, 7, 30
    )
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(book, archive).save()  # closes the archive
    return buffer.getvalue()


def _write_bytes(writer: SourceWriter, source: str, name: str, data: bytes, rows: int) -> None:
    """The workbook is not text, so it bypasses the CSV writer but is counted the same way."""
    folder = writer.out_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    writer.files += 1
    writer.bytes_written += len(data)
    writer.rows_by_source[source] = writer.rows_by_source.get(source, 0) + rows


# The delivered indicator values.


def _delivered_rows(item: Placed, seed: int, number: int) -> list[tuple[str, float, int | None]]:
    """(periode, vaerdi, naevner) from the baseline period to the last one delivered."""
    spec = item.spec
    last = last_complete_period(spec.frekvens)
    for stop in (spec.udfaset, spec.delivered_until):
        if stop:
            last = min(last, period_number(spec.frekvens, stop.year, stop.month))
    rng = random_stream(seed, "indikatorvaerdier", number)
    span = item.target - item.baseline
    rows = []
    for period in range(item.baseline_period, last + 1):
        expected = (period - item.baseline_period) / (item.target_period - item.baseline_period)
        value = item.baseline + spec.pace * expected * span + rng.normal(0, 0.07 * abs(span))
        naevner = None
        if spec.naevner:
            naevner = max(1, round(spec.naevner * rng.normal(1.0, 0.04)))
            share = min(max(value / 100, 0.0), 1.0)
            value = 100 * round(share * naevner) / naevner
        rows.append((period_text(spec.frekvens, period), max(value, 0.0), naevner))
    return rows


def _value_line(item: Placed, period: str, value: float, naevner: int | None) -> tuple:
    decimals = item.spec.decimals
    if naevner is None:
        return (item.spec.indikator_id, item.node, period, danish_decimal(value, decimals), "", "")
    taeller = round(value * naevner / 100)
    return (
        item.spec.indikator_id,
        item.node,
        period,
        danish_decimal(value, decimals),
        str(taeller),
        str(naevner),
    )


def write_indicator_values(
    placed: list[Placed], seed: int, writer: SourceWriter, organisation: Organisation, scale: Scale
) -> int:
    by_source: dict[str, list[tuple]] = {}
    # The per-unit values the initiatives on delivered indicators are measured on.
    kilder = {item.spec.indikator_id: item.spec.kilde for item in placed}
    for indikator, unit, period, value, decimals in indsatser.delivered_unit_values(
        organisation, scale, seed
    ):
        line = (indikator, unit, period, danish_decimal(value, decimals), "", "")
        by_source.setdefault(kilder[indikator], []).append(line)
    older: list[tuple] = []
    kilde, older_date = OLDER_VALUES
    older_last_month = period_number("maaned", older_date.year, older_date.month) - 1
    for number, item in enumerate(placed):
        if item.spec.kilde is None:
            continue
        rows = _delivered_rows(item, seed, number)
        by_source.setdefault(item.spec.kilde, []).extend(_value_line(item, *row) for row in rows)
        if item.spec.kilde != kilde:
            continue
        frekvens = item.spec.frekvens
        older_last = (older_last_month + 1) // (12 // PERIODS_PER_YEAR[frekvens]) - 1
        for offset, (period, value, naevner) in enumerate(rows):
            number_of_period = item.baseline_period + offset
            if number_of_period > older_last:
                break
            if frekvens == "maaned" and number_of_period > older_last - PRELIMINARY_MONTHS:
                value *= PRELIMINARY_FACTOR
            older.append(_value_line(item, period, value, naevner))
    count = 0
    for source, lines in sorted(by_source.items()):
        count += writer.write_rows(
            "indikatorer", f"indikatorvaerdier_{source}_{EXTRACTION_DATE:%Y%m%d}.csv",
            VAERDI_HEADER, lines,
        )  # fmt: skip
    writer.write_rows(
        "indikatorer", f"indikatorvaerdier_{kilde}_{older_date:%Y%m%d}.csv", VAERDI_HEADER, older
    )
    return count


def write_maal(
    organisation: Organisation, scale: Scale, seed: int, feedback: Feedback, writer: SourceWriter
) -> dict[str, int]:
    placed = place_indicators(organisation, scale, feedback)
    for extracted in (OLDER_CATALOGUE_DATE, EXTRACTION_DATE):
        sheets = _catalogue_sheets(placed, organisation, scale, extracted)
        rows = sum(len(rows) for _, rows in sheets.values())
        data = workbook_bytes(sheets, extracted)
        _write_bytes(writer, "maal", f"maalkatalog_{extracted:%Y%m%d}.xlsx", data, rows)
    return {
        "goals": len(GOALS),
        "indicators": len(placed),
        "indicator_values": write_indicator_values(placed, seed, writer, organisation, scale),
    }
