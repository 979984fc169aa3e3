"""Søholm Kommune: the organisation tree of the demo municipality (about 60,000 inhabitants).

The tree is fixed: root (`kommune`), six areas (`omraade`) each reporting to a political
committee, centres (`center`) and units (`enhed`). Only the sizes of the units depend on the
seed. Every other source of the demo hangs its rows on these cost centres.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._writer import Encoding, SourceWriter
from .scales import SNAPSHOT_DATE, random_stream

ROOT_CODE = "0100"
ROOT_NAME = "Søholm Kommune"


@dataclass(frozen=True)
class ServiceKind:
    """A service a unit delivers, with the unit it is counted in and what one unit costs."""

    ydelse: str
    enhed: str
    typical_capacity: float  # activity per month of a unit of typical size
    annual_cost_per_capacity: float  # gross DKK per year per unit of monthly activity
    decimals: int  # how the activity system reports `antal`


# Kinds of unit that deliver a service; the cost per unit keeps `enhedsomkostning` plausible.
SERVICE_KINDS = {
    "dagpleje": ServiceKind("DAGPLEJE", "barn-måneder", 52, 145_000, 0),
    "vuggestue": ServiceKind("VUGGESTUE", "barn-måneder", 42, 172_000, 0),
    "boernehave": ServiceKind("BOERNEHAVE", "barn-måneder", 68, 84_000, 0),
    "skole": ServiceKind("SKOLE_ELEVER", "elever", 430, 69_000, 0),
    "specialskole": ServiceKind("SKOLE_ELEVER", "elever", 64, 340_000, 0),
    "hjemmepleje": ServiceKind("HJEMMEPLEJE_TIMER", "timer", 7_600, 5_700, 1),
    "plejebolig": ServiceKind("PLEJEBOLIG", "beboere", 46, 560_000, 1),
    "botilbud": ServiceKind("BOTILBUD", "beboere", 16, 830_000, 0),
}


@dataclass(frozen=True)
class CostCentre:
    omkostningssted: str
    navn: str
    overordnet: str | None
    niveau: str
    fagudvalg: str | None
    kind: str  # which budget template the unit follows (see oekonomi.py)
    size: float  # relative to the kind's typical size

    @property
    def service(self) -> ServiceKind | None:
        return SERVICE_KINDS.get(self.kind)

    @property
    def ydelse(self) -> str | None:
        return self.service.ydelse if self.service else None

    @property
    def capacity(self) -> float:
        """Activity per month the unit is sized for (services only)."""
        return self.service.typical_capacity * self.size if self.service else 0.0


@dataclass(frozen=True)
class Organisation:
    cost_centres: tuple[CostCentre, ...]

    @property
    def service_units(self) -> list[CostCentre]:
        return [centre for centre in self.cost_centres if centre.service]

    def by_code(self) -> dict[str, CostCentre]:
        return {centre.omkostningssted: centre for centre in self.cost_centres}


# (name, kind) of each unit, grouped by centre and area. Codes follow from the position:
# area prefix + centre digit + two unit digits, e.g. 02401 = first school. Areas created long
# ago have codes with a leading zero; Beskæftigelse og Erhverv came later and starts with 1.
AREAS: tuple[tuple[str, str, str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]], ...] = (
    ("01000", "Økonomi og Administration", "ØU", (
        ("Økonomi og Digitalisering", (
            ("Økonomiafdelingen", "administration"),
            ("IT og Digitalisering", "it"),
            ("Indkøb og Udbud", "administration"),
            ("Analyse og Styring", "administration"),
            ("Renter og Finansiering", "finansiering"),
            ("Forsikring og Risikostyring", "administration"),
        )),
        ("HR og Løn", (
            ("HR-afdelingen", "administration"),
            ("Lønkontoret", "administration"),
            ("Arbejdsmiljø og Sundhed", "administration"),
            ("Elev- og Uddannelseskontoret", "administration"),
        )),
        ("Borgerservice", (
            ("Borgerservice Rådhuset", "borgerservice"),
            ("Borgerservice Åmarken", "borgerservice"),
        )),
        ("Direktion og Sekretariat", (
            ("Direktionen", "administration"),
            ("Politisk Sekretariat", "politik"),
            ("Kommunikation", "administration"),
            ("Jura og Kvalitet", "administration"),
            ("Digital Udvikling", "administration"),
        )),
    )),
    ("02000", "Børn og Unge", "BUU", (
        ("Dagplejen", (
            ("Dagplejen Nord", "dagpleje"),
            ("Dagplejen Syd", "dagpleje"),
            ("Dagplejen Øst", "dagpleje"),
            ("Dagplejen Vest", "dagpleje"),
            ("Dagplejen Midt", "dagpleje"),
        )),
        ("Dagtilbud Øst", (
            ("Vuggestuen Mælkebøtten", "vuggestue"),
            ("Vuggestuen Spiren", "vuggestue"),
            ("Vuggestuen Humlebien", "vuggestue"),
            ("Børnehaven Solsikken", "boernehave"),
            ("Børnehuset Æblehaven", "boernehave"),
            ("Børnehaven Skovtrolden", "boernehave"),
            ("Børnehaven Græshoppen", "boernehave"),
            ("Naturbørnehaven Østerskov", "boernehave"),
        )),
        ("Dagtilbud Vest", (
            ("Vuggestuen Lærkereden", "vuggestue"),
            ("Vuggestuen Myretuen", "vuggestue"),
            ("Vuggestuen Guldklumpen", "vuggestue"),
            ('Børnehuset "Lille Ø"', "boernehave"),
            ("Børnehaven Kastanjen", "boernehave"),
            ("Børnehaven Søstjernen", "boernehave"),
            ("Børnehaven Fyrtårnet", "boernehave"),
            ("Børnehaven Ællingen", "boernehave"),
        )),
        ("Dagtilbud Nord", (
            ("Vuggestuen Bikuben", "vuggestue"),
            ("Vuggestuen Troldehøj", "vuggestue"),
            ("Børnehaven Regnbuen", "boernehave"),
            ("Børnehaven Mariehønen", "boernehave"),
            ("Børnehaven Ærtebjerg", "boernehave"),
            ("Børnehaven Kløverengen", "boernehave"),
            ("Børnehaven Fuglereden", "boernehave"),
        )),
        ("Skoler", (
            ("Skovgårdsskolen", "skole"),
            ("Østre Skole", "skole"),
            ("Vestre Skole", "skole"),
            ("Søholm Skole", "skole"),
            ("Nørremarkskolen", "skole"),
            ("Engvejens Skole", "skole"),
            ("Bakkeskolen", "skole"),
            ("Lindehøjskolen", "skole"),
            ("Åskolen", "skole"),
            ("Fjordskolen", "skole"),
            ("Kirkebjerg Skole", "skole"),
            ("Hørhaveskolen", "skole"),
            ("Møllevangskolen", "skole"),
        )),
        ("Specialundervisning og Unge", (
            ("Kildebakkeskolen", "specialskole"),
            ("Ungdomsskolen", "ungdomsskole"),
            ("Ungdomsklubben Kælderen", "klub"),
        )),
        ("Familie og Forebyggelse", (
            ("Familierådgivningen", "familie_myndighed"),
            ("Familiehuset Ankeret", "familiehus"),
            ("Sundhedsplejen", "sundhedspleje"),
            ("Anbringelser og Plejefamilier", "anbringelser"),
        )),
    )),
    ("03000", "Social, Sundhed og Ældre", "SOU", (
        ("Hjemmepleje og Sygepleje", (
            ("Hjemmeplejen Nord", "hjemmepleje"),
            ("Hjemmeplejen Syd", "hjemmepleje"),
            ("Hjemmeplejen Øst", "hjemmepleje"),
            ("Hjemmeplejen Vest", "hjemmepleje"),
            ("Hjemmeplejen Midt", "hjemmepleje"),
            ("Aften- og Natplejen", "hjemmepleje"),
            ("Sygeplejen", "sygepleje"),
        )),
        ("Plejecentre", (
            ("Plejecenter Åbo", "plejebolig"),
            ("Plejecenter Søbakken", "plejebolig"),
            ("Plejecenter Fælledgården", "plejebolig"),
            ("Plejecenter Møllehøj", "plejebolig"),
            ("Plejecenter Bøgely", "plejebolig"),
            ("Plejecenter Lindegården", "plejebolig"),
            ("Plejecenter Rosenhaven", "plejebolig"),
            ("Madservice Køkkenhaven", "madservice"),
        )),
        ("Handicap og Psykiatri", (
            ("Bostedet Lærkebo", "botilbud"),
            ("Bofællesskabet Åbrinken", "botilbud"),
            ("Botilbuddet Skovly", "botilbud"),
            ("Aktivitetscentret Tømrerhuset", "aktivitetstilbud"),
            ("Forsorgshjemmet Lyngly", "forsorgshjem"),
        )),
        ("Sundhed og Træning", (
            ("Genoptræningscentret", "genoptraening"),
            ("Forebyggelse og Sundhedsfremme", "forebyggelse"),
            ("Hjælpemiddelcentret", "hjaelpemidler"),
            ("Sundhedsøkonomi og Medfinansiering", "medfinansiering"),
        )),
        ("Visitation og Myndighed", (
            ("Visitationen", "visitation"),
            ("Handicap- og Psykiatrirådgivningen", "visitation"),
        )),
    )),
    ("04000", "Teknik og Miljø", "TMU", (
        ("Vej og Park", (
            ("Vejafdelingen", "vej"),
            ("Vintertjenesten", "vinter"),
            ("Parkafdelingen", "park"),
            ("Driftsgården", "driftsgaard"),
        )),
        ("Plan, Byg og Miljø", (
            ("Byggesagsafdelingen", "byggesag"),
            ("Plan og Udvikling", "plan"),
            ("Natur og Miljø", "miljoe"),
        )),
        ("Ejendomme og Trafik", (
            ("Ejendomsdrift", "ejendomme"),
            ("Kollektiv Trafik", "kollektiv_trafik"),
            ("Beredskab", "beredskab"),
        )),
    )),
    ("05000", "Kultur og Fritid", "KFU", (
        ("Biblioteker og Kultur", (
            ("Hovedbiblioteket", "bibliotek"),
            ("Lokalbiblioteket Nørreby", "lokalbibliotek"),
            ("Lokalbiblioteket Åby", "lokalbibliotek"),
            ('Musikskolen "Tonen"', "musikskole"),
            ("Kulturhuset Fabrikken", "kultur"),
            ("Søholm Museum", "museum"),
        )),
        ("Fritid og Idræt", (
            ("Idrætscentret", "idraet"),
            ("Svømmehallen Bølgen", "idraet"),
            ("Folkeoplysning og Foreningsliv", "folkeoplysning"),
        )),
    )),
    ("10000", "Beskæftigelse og Erhverv", "EBU", (
        ("Jobcenter", (
            ("Jobcenter Søholm", "jobcenter"),
            ("Virksomhedsservice", "jobcenter"),
            ("Sygedagpengeteamet", "sygedagpenge"),
            ("Ydelseskontoret", "ydelser"),
            ("Fleksjob og Ressourceforløb", "fleksjob"),
            ("Integrationsteamet", "integration"),
            ("Ungeindsatsen", "ungeindsats"),
        )),
        ("Erhverv og Turisme", (
            ("Erhvervsservice", "erhverv"),
            ("Turistkontoret", "turisme"),
        )),
    )),
)  # fmt: skip


def build_organisation(seed: int) -> Organisation:
    """The fixed tree, with unit sizes drawn from the seed (same for every scale)."""
    rng = random_stream(seed, "organisation")
    centres = [CostCentre(ROOT_CODE, ROOT_NAME, None, "kommune", None, "", 1.0)]
    for area_code, area_name, fagudvalg, area_centres in AREAS:
        prefix = area_code[:2]
        centres.append(
            CostCentre(area_code, area_name, ROOT_CODE, "omraade", fagudvalg, "omraadeledelse", 1.0)
        )
        for centre_number, (centre_name, units) in enumerate(area_centres, start=1):
            centre_code = f"{prefix}{centre_number}00"
            centres.append(
                CostCentre(
                    centre_code, centre_name, area_code, "center", None, "centerledelse", 1.0
                )
            )
            sizes = rng.uniform(0.7, 1.3, size=len(units))
            for unit_number, ((unit_name, kind), size) in enumerate(
                zip(units, sizes, strict=True), start=1
            ):
                centres.append(
                    CostCentre(
                        f"{prefix}{centre_number}{unit_number:02d}",
                        unit_name,
                        centre_code,
                        "enhed",
                        None,
                        kind,
                        round(float(size), 3),
                    )
                )
    return Organisation(tuple(centres))


def write_organisation(organisation: Organisation, writer: SourceWriter) -> None:
    """One full snapshot; exported from the HR/ERP system on Windows, hence cp1252 and CRLF."""
    rows = (
        (
            centre.omkostningssted,
            centre.navn,
            centre.overordnet or "",
            centre.niveau,
            centre.fagudvalg or "",
            centre.ydelse or "",
        )
        for centre in sorted(organisation.cost_centres, key=lambda c: c.omkostningssted)
    )
    writer.write_rows(
        "organisation",
        f"organisation_{SNAPSHOT_DATE:%Y%m%d}.csv",
        ("omkostningssted", "navn", "overordnet", "niveau", "fagudvalg", "ydelse"),
        rows,
        Encoding.CP1252,
    )
