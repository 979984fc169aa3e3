"""The demo generator writes exactly the file names and formats of sources.md."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pytest
from openpyxl import load_workbook

from dagster_project.defs.ingest.assets import ALL_SPECS
from dagster_project.defs.ingest.feedback import SPECS as FEEDBACK_SPECS
from dagster_project.defs.ingest.maal import INDIKATORVAERDIER, MAALKATALOG, known_kpis
from dagster_project.defs.ingest.organisation import ORGANISATION
from dagster_project.defs.ingest.reference import BENCHMARK
from dagster_project.demo import generate
from dagster_project.lib import loader
from dagster_project.lib.config import Settings

FILE_PATTERNS = {
    "organisation": re.compile(r"organisation_\d{8}\.csv"),
    "oekonomi": re.compile(r"budget_\d{4}_\d{8}\.csv|posteringer_\d{6}\.csv"),
    "reference": re.compile(r"befolkning_\d{4}\.csv|aktivitet_\d{6}\.csv|benchmark_\d{8}\.csv"),
    "personale": re.compile(r"ansaettelser_\d{8}\.csv|fravaer_\d{4}_\d{8}\.csv"),
    "maal": re.compile(r"maalkatalog_\d{8}\.xlsx"),
    "indikatorer": re.compile(r"indikatorvaerdier_[A-Za-z0-9-]+_\d{8}\.csv"),
    "feedback": re.compile(
        r"spoergsmaal_\d{8}\.csv|besvarelser_\d{6}\.csv|inviterede_\d{6}\.csv"
        r"|forslag_\d{8}\.csv"
    ),
}
HEADERS = {
    "organisation": ["omkostningssted", "navn", "overordnet", "niveau", "fagudvalg", "ydelse"],
    "budget": ["aar", "omkostningssted", "funktion", "dranst", "art", "budgettype", "beloeb"],
    "posteringer": [
        "bilagsnr", "posteringsdato", "omkostningssted", "funktion",
        "dranst", "art", "beloeb", "tekst",
    ],
    "befolkning": ["alder", "antal"],
    "aktivitet": ["omkostningssted", "ydelse", "antal", "enhed"],
    "ansaettelser": [
        "ansaettelsesnr", "cpr", "omkostningssted", "stillingskategori", "loenform", "elev",
        "beskaeftigelsesgrad", "startdato", "slutdato", "fratraedelsesaarsag",
    ],
    "fravaer": ["ansaettelsesnr", "aarsag", "fra_dato", "til_dato", "timer_pr_dag"],
    "indikatorvaerdier": [
        "indikator_id", "omkostningssted", "periode", "vaerdi", "taeller", "naevner",
    ],
    "spoergsmaal": ["spoergsmaal_id", "tema", "tekst"],
    "besvarelser": ["besvarelse_id", "omkostningssted", "spoergsmaal_id", "score"],
    "inviterede": ["omkostningssted", "antal_inviterede"],
    "forslag": [
        "forslag_id", "omkostningssted", "indsendt", "kategori", "status", "afgjort",
        "estimeret_gevinst_kr",
    ],
    "benchmark": ["kommunekode", "kommune", "kpi", "aar", "vaerdi"],
}  # fmt: skip
DANISH_AMOUNT = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+),\d{2}")
S_MONTHS = [f"{year}{month:02d}" for year in (2025, 2026) for month in range(1, 13)][:22]


def decode(data: bytes) -> str:
    """As the contract reads a file: UTF-8 (BOM optional), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(decode(path.read_bytes()), newline=""), delimiter=";")
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def files_of(demo_dir: Path, prefix: str) -> list[Path]:
    return sorted(path for path in demo_dir.rglob(f"{prefix}_*.csv"))


def file_stem_suffix(path: Path) -> str:
    """The date or period in the file name, e.g. `202607` of posteringer_202607.csv."""
    return path.stem.rsplit("_", 1)[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out_dir = tmp_path_factory.mktemp("demo")
    return out_dir, generate(out_dir, "S", seed=42)


@pytest.fixture(scope="module")
def organisation(demo: tuple[Path, dict[str, int]]) -> dict[str, dict[str, str]]:
    (path,) = files_of(demo[0], "organisation")
    return {row["omkostningssted"]: row for row in read_rows(path)[1]}


def test_same_seed_and_scale_give_identical_bytes(demo, tmp_path):
    """Every file, the Excel catalogue too: its zip entries and properties carry fixed times."""
    demo_dir, counts = demo
    again = generate(tmp_path, "S", seed=42)
    first = {p.relative_to(demo_dir): p.read_bytes() for p in demo_dir.rglob("*.*")}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.*")}
    assert again == counts
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_other_postings_and_staff(demo, tmp_path):
    generate(tmp_path, "S", seed=7)
    for name in (
        "oekonomi/posteringer_202610.csv",
        "personale/ansaettelser_20261105.csv",
        "feedback/besvarelser_202609.csv",
        "indikatorer/indikatorvaerdier_CURA_20261105.csv",
    ):
        assert (tmp_path / name).read_bytes() != (demo[0] / name).read_bytes()


def test_unknown_scale_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="XL"):
        generate(tmp_path, "XL")


def test_file_names_match_the_contract(demo):
    demo_dir, counts = demo
    files = sorted(path for path in demo_dir.rglob("*") if path.is_file())
    assert len(files) == counts["files"]
    for path in files:
        source = path.parent.name
        assert FILE_PATTERNS[source].fullmatch(path.name), path
    assert [file_stem_suffix(p) for p in files_of(demo_dir, "posteringer")] == S_MONTHS
    assert [file_stem_suffix(p) for p in files_of(demo_dir, "aktivitet")] == S_MONTHS
    assert [p.stem for p in files_of(demo_dir, "befolkning")] == [
        "befolkning_2025",
        "befolkning_2026",
    ]
    budget_names = [p.name for p in files_of(demo_dir, "budget")]
    assert budget_names == [
        "budget_2025_20251215.csv",
        "budget_2026_20260115.csv",
        "budget_2026_20261015.csv",
    ]


def test_headers_are_exact(demo):
    for path in sorted(demo[0].rglob("*.csv")):
        kind = path.stem.split("_")[0]
        assert read_rows(path)[0] == HEADERS[kind], path


def test_organisation_is_windows_1252_with_crlf(demo):
    (path,) = files_of(demo[0], "organisation")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "Søholm Kommune" in text and "Børnehaven" in text
    assert text.count("\r\n") == text.count("\n")


def test_some_activity_files_are_windows_1252_and_the_rest_utf8(demo):
    encodings = {}
    for path in files_of(demo[0], "aktivitet"):
        try:
            path.read_bytes().decode("utf-8")
            encodings[path.name] = "utf-8"
        except UnicodeDecodeError:
            encodings[path.name] = "cp1252"
            assert "barn-måneder" in path.read_bytes().decode("cp1252")
    assert 0 < list(encodings.values()).count("cp1252") < len(encodings) / 2


def test_organisation_has_one_root_and_no_cycles(organisation):
    roots = [code for code, row in organisation.items() if not row["overordnet"]]
    assert len(roots) == 1
    assert organisation[roots[0]]["niveau"] == "kommune"
    for code in organisation:
        seen = set()
        while code:
            assert code not in seen, f"cycle through {code}"
            seen.add(code)
            code = organisation[code]["overordnet"]  # KeyError = parent missing


def test_organisation_shape(organisation):
    rows = list(organisation.values())
    areas = [row for row in rows if row["niveau"] == "omraade"]
    assert 5 <= len(areas) <= 6
    assert all(row["fagudvalg"] for row in areas)
    assert not any(row["fagudvalg"] for row in rows if row["niveau"] in ("center", "enhed"))
    assert 130 <= len(rows) <= 170
    assert any(code.startswith("0") for code in organisation)
    assert all(code.isdigit() for code in organisation)

    ydelser_by_centre = defaultdict(set)
    for row in rows:
        if row["niveau"] == "enhed" and row["ydelse"]:
            ydelser_by_centre[row["overordnet"]].add(row["ydelse"])
    sizes = [len(ydelser) for ydelser in ydelser_by_centre.values()]
    assert 1 in sizes and max(sizes) > 1  # some centres deliver one service, some several


def test_every_cost_centre_used_exists_in_the_organisation(demo, organisation):
    prefixes = ("posteringer", "budget", "aktivitet", "indikatorvaerdier", "besvarelser")
    for prefix in (*prefixes, "inviterede", "forslag"):
        for path in files_of(demo[0], prefix):
            used = {row["omkostningssted"] for row in read_rows(path)[1]}
            assert used <= organisation.keys(), (path, used - organisation.keys())


def test_postings_lie_in_their_month_and_use_danish_formats(demo):
    hovedkonti, dranster, has_thousands, has_drift_income = set(), set(), False, False
    for path in files_of(demo[0], "posteringer"):
        period = file_stem_suffix(path)
        for row in read_rows(path)[1]:
            posted = dt.datetime.strptime(row["posteringsdato"], "%d-%m-%Y")
            assert f"{posted:%Y%m}" == period, (path, row)
            assert DANISH_AMOUNT.fullmatch(row["beloeb"]), (path, row)
            assert re.fullmatch(r"\d\.\d\d\.\d\d", row["funktion"]), (path, row)
            hovedkonti.add(row["funktion"][0])
            dranster.add(row["dranst"])
            has_thousands |= "." in row["beloeb"]
            has_drift_income |= row["dranst"] == "1" and row["beloeb"].startswith("-")
    assert {"0", "3", "5", "6", "7"} <= hovedkonti
    assert {"1", "2", "3"} <= dranster
    assert has_thousands and has_drift_income


def test_budget_year_matches_file_and_newer_extraction_differs(demo):
    rows_by_file = {}
    for path in files_of(demo[0], "budget"):
        year = path.stem.split("_")[1]
        rows = read_rows(path)[1]
        assert {row["aar"] for row in rows} == {year}
        assert all(DANISH_AMOUNT.fullmatch(row["beloeb"]) for row in rows)
        rows_by_file[path.name] = rows
    older = rows_by_file["budget_2026_20260115.csv"]
    newer = rows_by_file["budget_2026_20261015.csv"]
    assert {row["budgettype"] for row in older} == {"OPR"}
    assert {row["budgettype"] for row in newer} == {"OPR", "TB", "OVF"}
    tillaeg = [row["beloeb"] for row in newer if row["budgettype"] == "TB"]
    assert any(a.startswith("-") for a in tillaeg) and not all(a.startswith("-") for a in tillaeg)


def test_population_is_a_mid_size_municipality(demo):
    for path in files_of(demo[0], "befolkning"):
        rows = read_rows(path)[1]
        ages = [int(row["alder"]) for row in rows]
        assert ages == list(range(len(ages))) and 100 <= max(ages) <= 125
        assert 50_000 <= sum(int(row["antal"]) for row in rows) <= 70_000


# Personale: employments and absence.

PERSONALE_FILES = [
    "ansaettelser_20260605.csv",
    "ansaettelser_20261105.csv",
    "fravaer_2025_20260110.csv",
    "fravaer_2025_20261105.csv",
    "fravaer_2026_20261105.csv",
]
SICKNESS = {"SYG", "ASK", "GRAV", "S56"}
CAUSES = SICKNESS | {"BSYG", "BARSEL", "FERIE", "OMSORG", "ANDET"}
EXTRACTED = dt.date(2026, 11, 5)
HORIZON = dt.date(2026, 10, 31)


@functools.cache  # tens of thousands of spells share a few hundred dates
def danish_date(text: str) -> dt.date:
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", text), text
    return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))


def danish_number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def cpr_birth_date(cpr: str) -> dt.date:
    """The birth date of a CPR number; the 7th digit and the year give the century."""
    digits = cpr.replace("-", "")
    day, month, year, seventh = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    return dt.date(century + year, month, day)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@pytest.fixture(scope="module")
def employments(demo) -> list[dict[str, str]]:
    return read_rows(demo[0] / "personale" / "ansaettelser_20261105.csv")[1]


@pytest.fixture(scope="module")
def absence(demo) -> dict[str, list[dict[str, str]]]:
    return {path.name: read_rows(path)[1] for path in files_of(demo[0], "fravaer")}


def newest_absence(absence: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    return [row for name, rows in absence.items() if name.endswith("_20261105.csv") for row in rows]


def test_personale_files_and_encodings(demo):
    folder = demo[0] / "personale"
    assert sorted(path.name for path in folder.iterdir()) == PERSONALE_FILES
    older = (folder / "ansaettelser_20260605.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        older.decode("utf-8")
    assert "Pædagog" in older.decode("cp1252")
    assert "Pædagog" in (folder / "ansaettelser_20261105.csv").read_bytes().decode("utf-8")


def test_cpr_numbers_are_valid_dates_of_working_age_in_both_forms(employments):
    forms = set()
    for row in employments:
        assert re.fullmatch(r"\d{6}-?\d{4}", row["cpr"]), row
        forms.add("-" in row["cpr"])
        birth = cpr_birth_date(row["cpr"])  # ValueError = not a real date
        assert age_on(birth, danish_date(row["startdato"])) >= 18, row
        last_day = min(danish_date(row["slutdato"]) if row["slutdato"] else EXTRACTED, EXTRACTED)
        assert age_on(birth, last_day) <= 67, row
    assert forms == {True, False}


def test_employment_rows_follow_the_contract(employments, organisation):
    numbers = [row["ansaettelsesnr"] for row in employments]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"\d{7}", number) for number in numbers)
    assert any(number.startswith("0") for number in numbers)
    for row in employments:
        assert organisation[row["omkostningssted"]]["niveau"] in ("enhed", "center"), row
        assert row["loenform"] in ("MDR", "TIME") and row["elev"] in ("J", "N"), row
        assert 0 < danish_number(row["beskaeftigelsesgrad"]) <= 1, row
        if row["slutdato"]:
            assert danish_date(row["startdato"]) <= danish_date(row["slutdato"]), row
        else:
            assert not row["fratraedelsesaarsag"], row
    hourly = sum(row["loenform"] == "TIME" for row in employments) / len(employments)
    trainees = sum(row["elev"] == "J" for row in employments) / len(employments)
    assert 0.05 < hourly < 0.2 and 0.01 < trainees < 0.06
    assert min(danish_date(row["startdato"]) for row in employments) < dt.date(2010, 1, 1)
    assert {"Pædagog", "Social- og sundhedshjælper", "Lærer", "Vejmand"} <= {
        row["stillingskategori"] for row in employments
    }


def test_a_move_ends_the_old_row_the_day_before_the_new_one(employments):
    by_person = defaultdict(list)
    for row in employments:
        by_person[row["cpr"].replace("-", "")].append(row)
    moves = 0
    for rows in by_person.values():
        rows.sort(key=lambda row: danish_date(row["startdato"]))
        for old, new in zip(rows, rows[1:], strict=False):
            moves += (
                old["fratraedelsesaarsag"] == "Intern flytning"
                and old["omkostningssted"] != new["omkostningssted"]
                and danish_date(old["slutdato"]) + dt.timedelta(days=1)
                == danish_date(new["startdato"])
            )
    assert moves >= 10


def test_newest_snapshot_replaces_the_older(demo, employments):
    older = read_rows(demo[0] / "personale" / "ansaettelser_20260605.csv")[1]
    older_by_number = {row["ansaettelsesnr"]: row for row in older}
    newer_by_number = {row["ansaettelsesnr"]: row for row in employments}
    assert older_by_number.keys() - newer_by_number.keys()  # registered, then deleted
    assert newer_by_number.keys() - older_by_number.keys()  # hired since
    ended_since = [
        number
        for number, row in older_by_number.items()
        if not row["slutdato"] and newer_by_number.get(number, {}).get("slutdato")
    ]
    assert ended_since


def test_absence_rows_belong_to_employments_active_on_their_first_day(absence, employments):
    by_number = {row["ansaettelsesnr"]: row for row in employments}
    for name, rows in absence.items():
        year = int(name.split("_")[1])
        assert rows, name
        for row in rows:
            employment = by_number[row["ansaettelsesnr"]]  # KeyError = unknown employment
            assert row["aarsag"] in CAUSES, row
            fra = danish_date(row["fra_dato"])
            assert fra.year == year, (name, row)
            assert danish_date(employment["startdato"]) <= fra, (row, employment)
            if employment["slutdato"]:
                assert fra <= danish_date(employment["slutdato"]), (row, employment)
            if row["til_dato"]:
                assert danish_date(row["til_dato"]) >= fra, row
            if row["timer_pr_dag"]:
                assert 0 < danish_number(row["timer_pr_dag"]) < 7.4, row


def test_absence_has_the_cases_the_sickness_kpis_must_handle(absence, employments):
    rows = newest_absence(absence)
    sickness = [row for row in rows if row["aarsag"] in SICKNESS]
    assert any(not row["til_dato"] for row in sickness)  # open, counts up to the horizon
    assert any(row["timer_pr_dag"] for row in sickness)  # partial days
    assert any(
        row["til_dato"]
        and (danish_date(row["til_dato"]) - danish_date(row["fra_dato"])).days + 1 > 30
        for row in sickness
    )
    assert any(
        row["til_dato"] and danish_date(row["til_dato"]).year > danish_date(row["fra_dato"]).year
        for row in absence["fravaer_2025_20261105.csv"]
        if row["aarsag"] in SICKNESS
    )
    days_by_employment = defaultdict(set)
    overlapping = False
    for row in sickness:
        if row["til_dato"] and row["fra_dato"] == row["til_dato"]:
            key = (row["ansaettelsesnr"], row["fra_dato"])
            overlapping |= key in days_by_employment[row["ansaettelsesnr"]]
            days_by_employment[row["ansaettelsesnr"]].add(key)
    assert overlapping  # e.g. SYG and a partial S56 on the same day
    ends = {row["ansaettelsesnr"]: row["slutdato"] for row in employments}
    assert any(
        row["til_dato"]
        and ends[row["ansaettelsesnr"]]
        and danish_date(row["til_dato"]) > danish_date(ends[row["ansaettelsesnr"]])
        for row in sickness
    )
    causes = {row["aarsag"] for row in rows}
    assert causes == CAUSES
    # The older extraction of 2025 still had spells open that the newer one has closed, and
    # did not yet know the work injuries.
    older = absence["fravaer_2025_20260110.csv"]
    assert any(not row["til_dato"] for row in older)
    assert not any(row["til_dato"] == "" for row in absence["fravaer_2025_20261105.csv"])
    assert "ASK" not in {row["aarsag"] for row in older}


def test_sickness_is_about_five_percent_of_possible_working_days(absence, employments):
    """sygefravaer_pct of kpis.md over the whole S period, with weekdays for working days."""
    population = [row for row in employments if row["loenform"] == "MDR" and row["elev"] == "N"]
    index = {row["ansaettelsesnr"]: i for i, row in enumerate(population)}
    days = np.arange(np.datetime64("2025-01-01"), np.datetime64("2026-11-01"))
    days = days[np.is_busday(days)]
    start = np.array([np.datetime64(danish_date(row["startdato"])) for row in population])
    end = np.array(
        [np.datetime64(danish_date(row["slutdato"] or "31-12-2099")) for row in population]
    )
    fraction = np.array([danish_number(row["beskaeftigelsesgrad"]) for row in population])
    active = (days >= start[:, None]) & (days <= end[:, None])
    hours = np.zeros((len(population), days.size + 1))
    for row in newest_absence(absence):
        i = index.get(row["ansaettelsesnr"])
        if i is None or row["aarsag"] not in SICKNESS:
            continue
        til = danish_date(row["til_dato"]) if row["til_dato"] else HORIZON
        first = np.searchsorted(days, np.datetime64(danish_date(row["fra_dato"])))
        after = np.searchsorted(days, np.datetime64(til), side="right")
        per_day = danish_number(row["timer_pr_dag"]) if row["timer_pr_dag"] else 7.4 * fraction[i]
        hours[i, first] += per_day
        hours[i, after] -= per_day
    sick_hours = np.minimum(np.cumsum(hours, axis=1)[:, :-1], 7.4 * fraction[:, None])
    sick_days = (sick_hours * active).sum() / 7.4
    possible_days = (fraction[:, None] * active).sum()
    assert 4.0 < 100 * sick_days / possible_days < 6.5


def test_some_units_are_too_small_to_show_sickness(employments):
    """Suppression needs units with fewer than 5 persons, and one at exactly 5 for a while."""
    population = [row for row in employments if row["loenform"] == "MDR" and row["elev"] == "N"]
    persons_by_unit_month = defaultdict(set)
    for row in population:
        first = max(danish_date(row["startdato"]), dt.date(2025, 1, 1))
        last = min(danish_date(row["slutdato"]) if row["slutdato"] else HORIZON, HORIZON)
        month = (first.year, first.month)
        while month <= (last.year, last.month):
            persons_by_unit_month[row["omkostningssted"], month].add(row["cpr"].replace("-", ""))
            month = (month[0] + month[1] // 12, month[1] % 12 + 1)
    smallest = defaultdict(lambda: 10**6)
    sizes = defaultdict(set)
    for (unit, _), persons in persons_by_unit_month.items():
        smallest[unit] = min(smallest[unit], len(persons))
        sizes[unit].add(len(persons))
    assert sum(size < 5 for size in smallest.values()) >= 3
    assert any(5 in unit_sizes and min(unit_sizes) < 5 for unit_sizes in sizes.values())


# Goals: the Excel catalogue and the delivered indicator values.

KPI_IDS = set(known_kpis())  # the KPI ids of kpis.md, from dbt/seeds/kpi_definitions.csv
PERIOD_FORMS = {
    "maaned": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "kvartal": re.compile(r"\d{4}-Q[1-4]"),
    "aar": re.compile(r"\d{4}"),
}
# The latest period of each frequency that is complete before November 2026.
LATEST_PERIOD = {"maaned": "2026-10", "kvartal": "2026-Q3", "aar": "2025"}
CATALOGUES = ["maalkatalog_20260105.xlsx", "maalkatalog_20261105.xlsx"]


def sheet_rows(path: Path) -> dict[str, list[dict[str, object]]]:
    """Each sheet as rows of raw cell values under its header row."""
    book = load_workbook(path, read_only=True, data_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = list(rows[0])
        sheets[sheet.title] = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    book.close()
    return sheets


def cell_number(value: object) -> float | None:
    """A number cell, or a text cell holding a Danish decimal, as the ingest reads them."""
    if value is None:
        return None
    return danish_number(value) if isinstance(value, str) else float(value)


def cell_period(value: object) -> str:
    return str(value)  # a year typed into Excel becomes a number


def period_count(frekvens: str, first: str, last: str) -> int:
    """Periods from `first` through `last`, both included."""

    def number(period: str) -> int:
        year = int(period[:4])
        if frekvens == "maaned":
            return year * 12 + int(period[5:]) - 1
        if frekvens == "kvartal":
            return year * 4 + int(period[6:]) - 1
        return year

    return number(last) - number(first) + 1


def subtree(organisation: dict[str, dict[str, str]], node: str) -> set[str]:
    found, frontier = {node}, [node]
    while frontier:
        parent = frontier.pop()
        children = [code for code, row in organisation.items() if row["overordnet"] == parent]
        found.update(children)
        frontier += children
    return found


@pytest.fixture(scope="module")
def catalogues(demo) -> dict[str, dict[str, list[dict[str, object]]]]:
    return {name: sheet_rows(demo[0] / "maal" / name) for name in CATALOGUES}


@pytest.fixture(scope="module")
def catalogue(catalogues) -> dict[str, list[dict[str, object]]]:
    return catalogues[CATALOGUES[-1]]


@pytest.fixture(scope="module")
def delivered(demo) -> dict[str, list[dict[str, str]]]:
    return {path.name: read_rows(path)[1] for path in files_of(demo[0], "indikatorvaerdier")}


def test_catalogue_workbooks_have_the_contract_sheets(demo, catalogues):
    assert sorted(path.name for path in (demo[0] / "maal").iterdir()) == CATALOGUES
    book = load_workbook(demo[0] / "maal" / CATALOGUES[-1], read_only=True)
    # The initiatives' sheet came with the newest catalogue (it is optional).
    assert book.sheetnames[:3] == ["udvalg", "maal", "indikatorer"]
    assert book.sheetnames[3:] == ["indsatser"]
    headers = {name: list(sheet.iter_rows(max_row=1, values_only=True))[0] for name, sheet in
               zip(book.sheetnames, book.worksheets, strict=True)}  # fmt: skip
    book.close()
    assert headers == {
        "udvalg": ("fagudvalg", "navn"),
        "maal": (
            "maal_id", "fagudvalg", "titel", "beskrivelse", "maalgruppe", "ansvarlig",
            "startdato", "slutdato", "status",
        ),
        "indikatorer": (
            "indikator_id", "maal_id", "navn", "kpi", "omkostningssted", "enhed", "retning",
            "frekvens", "baseline_periode", "baseline_vaerdi", "maal_periode", "maal_vaerdi",
            "indfoert", "udfaset", "erstatter",
        ),
        "indsatser": (
            "indsats_id", "maal_id", "titel", "forandringsteori", "indikator_id",
            "omkostningssteder", "sammenligning", "startdato", "slutdato", "omkostning_kr",
        ),
    }  # fmt: skip
    older, newer = (catalogues[name]["indikatorer"] for name in CATALOGUES)
    older_ids = {row["indikator_id"] for row in older}
    newer_ids = {row["indikator_id"] for row in newer}
    assert older_ids < newer_ids and len(newer_ids - older_ids) >= 2
    older_status = {row["maal_id"]: row["status"] for row in catalogues[CATALOGUES[0]]["maal"]}
    assert set(older_status.values()) == {"aktiv"}  # closed since


@pytest.mark.parametrize("name", CATALOGUES)
def test_catalogue_is_consistent(catalogues, organisation, name):
    """The rules the ingest applies: any break would quarantine the whole catalogue."""
    sheets = catalogues[name]
    committees = {row["fagudvalg"] for row in sheets["udvalg"]}
    assert committees == {row["fagudvalg"] for row in organisation.values() if row["fagudvalg"]}
    goals = {row["maal_id"]: row for row in sheets["maal"]}
    assert len(goals) == len(sheets["maal"])
    for goal in goals.values():
        assert goal["fagudvalg"] in committees, goal
        assert goal["ansvarlig"] in organisation, goal
        assert goal["maalgruppe"] in ("borgere", "organisation"), goal
        assert goal["status"] in ("aktiv", "opfyldt", "opgivet"), goal
    goals_per_committee = defaultdict(int)
    for goal in goals.values():
        goals_per_committee[goal["fagudvalg"]] += 1
    assert all(3 <= count <= 5 for count in goals_per_committee.values()), goals_per_committee

    indicators = {row["indikator_id"]: row for row in sheets["indikatorer"]}
    assert len(indicators) == len(sheets["indikatorer"])
    for row in indicators.values():
        assert row["maal_id"] in goals, row
        assert row["kpi"] is None or row["kpi"] in KPI_IDS, row
        assert row["omkostningssted"] is None or row["omkostningssted"] in organisation, row
        assert row["retning"] in ("op", "ned"), row
        frekvens = row["frekvens"]
        assert not (frekvens == "kvartal" and row["kpi"]), row
        baseline_period, target_period = (
            cell_period(row[column]) for column in ("baseline_periode", "maal_periode")
        )
        assert PERIOD_FORMS[frekvens].fullmatch(baseline_period), row
        assert PERIOD_FORMS[frekvens].fullmatch(target_period), row
        assert baseline_period.startswith("2025") and baseline_period <= target_period, row
        assert "2026" <= target_period[:4] <= "2028", row
        baseline, target = cell_number(row["baseline_vaerdi"]), cell_number(row["maal_vaerdi"])
        if baseline is not None:
            assert target > baseline if row["retning"] == "op" else target < baseline, row
        else:
            assert row["kpi"], row  # only KPI-based indicators take their baseline from data
        assert isinstance(row["indfoert"], dt.datetime), row
        if row["erstatter"]:
            assert indicators[row["erstatter"]]["udfaset"], row
    indicators_per_goal = defaultdict(int)
    for row in indicators.values():
        indicators_per_goal[row["maal_id"]] += 1
    # A goal may have got its second indicator after the older extraction.
    fewest = 2 if name == CATALOGUES[-1] else 1
    assert all(fewest <= count <= 4 for count in indicators_per_goal.values())


def test_catalogue_has_the_cases_the_portfolio_must_handle(catalogue):
    goals = {row["maal_id"]: row for row in catalogue["maal"]}
    indicators = catalogue["indikatorer"]
    statuses = [goal["status"] for goal in goals.values()]
    assert statuses.count("opfyldt") == 1 and statuses.count("opgivet") == 1
    assert statuses.count("aktiv") == len(statuses) - 2
    assert any(  # an active indicator whose goal is closed
        not row["udfaset"] and goals[row["maal_id"]]["status"] != "aktiv" for row in indicators
    )
    assert 2 <= sum(bool(row["udfaset"]) for row in indicators) <= 5
    assert any(row["erstatter"] for row in indicators)
    assert len({row["indfoert"].year for row in indicators}) >= 5
    assert {row["frekvens"] for row in indicators} == {"maaned", "kvartal", "aar"}
    with_kpi = [row for row in indicators if row["kpi"]]
    assert {"sygefravaer_pct", "enhedsomkostning", "svarprocent", "forslag_indsendt"} <= {
        row["kpi"] for row in with_kpi
    }
    assert 3 <= sum(row["baseline_vaerdi"] is None for row in with_kpi) < len(with_kpi) / 2
    # Cells as people type them: numbers, Danish decimals as text, dates, a date as text.
    values = [row[column] for row in indicators for column in ("baseline_vaerdi", "maal_vaerdi")]
    assert any(isinstance(value, str) and "," in value for value in values)
    assert any(isinstance(value, float) for value in values)
    assert any(isinstance(value, int) for value in values)
    assert any(isinstance(row["baseline_periode"], int) for row in indicators)
    starts = [goal["startdato"] for goal in goals.values()]
    assert any(isinstance(start, dt.datetime) for start in starts)
    assert any(isinstance(start, str) and danish_date(start) for start in starts)


def test_enhedsomkostning_is_measured_where_one_service_is_delivered(catalogue, organisation):
    goals = {row["maal_id"]: row for row in catalogue["maal"]}
    for row in catalogue["indikatorer"]:
        if row["kpi"] != "enhedsomkostning":
            continue
        node = row["omkostningssted"] or goals[row["maal_id"]]["ansvarlig"]
        ydelser = {
            unit["ydelse"] for unit in organisation.values()
            if unit["overordnet"] == node and unit["ydelse"]
        }  # fmt: skip
        assert len(ydelser) == 1, (row, ydelser)


def test_delivered_values_follow_the_catalogue(demo, catalogue, delivered):
    goals = {row["maal_id"]: row for row in catalogue["maal"]}
    initiative_indicators = {row["indikator_id"] for row in catalogue.get("indsatser", [])}
    indicators = {row["indikator_id"]: row for row in catalogue["indikatorer"]}
    sources = {name.split("_")[1] for name in delivered}
    assert 2 <= len(sources) <= 3
    newest = {}
    for name, rows in delivered.items():
        keys = [(row["indikator_id"], row["omkostningssted"], row["periode"]) for row in rows]
        assert len(set(keys)) == len(keys), name
        for row in rows:
            indicator = indicators[row["indikator_id"]]  # KeyError = unknown indicator
            assert not indicator["kpi"], row
            node = indicator["omkostningssted"] or goals[indicator["maal_id"]]["ansvarlig"]
            if row["omkostningssted"] != node:
                # A unit's own monthly value, measured for an initiative on the indicator.
                assert row["indikator_id"] in initiative_indicators, row
                assert indicator["frekvens"] == "maaned", row
                continue
            assert PERIOD_FORMS[indicator["frekvens"]].fullmatch(row["periode"]), row
            assert re.fullmatch(r"-?\d+(,\d+)?", row["vaerdi"]), row
            if row["naevner"]:
                share = int(row["taeller"]) / int(row["naevner"])
                assert abs(100 * share - danish_number(row["vaerdi"])) < 0.06, row
            if name.endswith("_20261105.csv"):
                newest.setdefault(row["indikator_id"], []).append(row["periode"])
    delivered_indicators = {key for key, row in indicators.items() if not row["kpi"]}
    assert newest.keys() == delivered_indicators
    stopped = []
    for key, periods in newest.items():
        indicator = indicators[key]
        frekvens = indicator["frekvens"]
        assert periods == sorted(periods) and periods[0] == cell_period(
            indicator["baseline_periode"]
        ), key
        if indicator["udfaset"]:
            assert periods[-1] < LATEST_PERIOD[frekvens], key
        elif periods[-1] != LATEST_PERIOD[frekvens]:
            stopped.append(key)
        else:
            assert len(periods) == period_count(frekvens, periods[0], periods[-1]), key
    # An active indicator whose deliveries stopped months ago, for the portfolio to flag.
    assert stopped and all(indicators[key]["frekvens"] == "maaned" for key in stopped)
    assert all(max(newest[key]) <= "2026-07" for key in stopped)


def test_older_delivery_is_corrected_by_the_newer(delivered):
    older = [name for name in delivered if not name.endswith("_20261105.csv")]
    assert older == ["indikatorvaerdier_BYG-SAG_20260705.csv"]
    newer = {
        (row["indikator_id"], row["omkostningssted"], row["periode"]): row["vaerdi"]
        for row in delivered["indikatorvaerdier_BYG-SAG_20261105.csv"]
    }
    corrected = 0
    for row in delivered[older[0]]:
        key = (row["indikator_id"], row["omkostningssted"], row["periode"])
        assert key[2] <= ("2026-Q2" if "Q" in key[2] else "2026-06"), row
        corrected += newer[key] != row["vaerdi"]
    assert 1 <= corrected <= 6


def test_delivered_values_move_at_different_paces(catalogue, delivered):
    """Some indicators head for their target faster than planned, some fall behind."""
    indicators = {row["indikator_id"]: row for row in catalogue["indikatorer"]}
    progress = {}
    for row in delivered["indikatorvaerdier_BYG-SAG_20261105.csv"]:
        indicator = indicators[row["indikator_id"]]
        if row["periode"] == LATEST_PERIOD[indicator["frekvens"]]:
            baseline = cell_number(indicator["baseline_vaerdi"])
            target = cell_number(indicator["maal_vaerdi"])
            value = danish_number(row["vaerdi"])
            progress[row["indikator_id"]] = (value - baseline) / (target - baseline)
    assert max(progress.values()) > 0.4 and min(progress.values()) < 0.1


# Feedback: survey, invitations and suggestions.

THEMES = {"MOTIVATION", "ENGAGEMENT", "ARBEJDSGLAEDE", "LEDELSE", "SAMARBEJDE"}
S_ROUNDS = ["202503", "202506", "202509", "202512", "202603", "202606", "202609"]


@pytest.fixture(scope="module")
def survey(demo) -> dict[str, tuple[list[dict[str, str]], dict[str, int]]]:
    """Per round: the answers and the invited per cost centre."""
    rounds = {}
    for path in files_of(demo[0], "besvarelser"):
        invited = read_rows(path.with_name(path.name.replace("besvarelser", "inviterede")))[1]
        rounds[file_stem_suffix(path)] = (
            read_rows(path)[1],
            {row["omkostningssted"]: int(row["antal_inviterede"]) for row in invited},
        )
    return rounds


@pytest.fixture(scope="module")
def questions(demo) -> dict[str, str]:
    (path,) = files_of(demo[0], "spoergsmaal")
    return {row["spoergsmaal_id"]: row["tema"] for row in read_rows(path)[1]}


def test_questions_cover_five_themes_in_windows_1252(demo, questions):
    (path,) = files_of(demo[0], "spoergsmaal")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert "føler" in path.read_bytes().decode("cp1252")
    per_theme = defaultdict(int)
    for theme in questions.values():
        per_theme[theme] += 1
    assert per_theme.keys() == THEMES
    assert all(2 <= count <= 4 for count in per_theme.values())


def test_survey_rounds_answers_and_invitations(survey, questions, employments):
    assert sorted(survey) == S_ROUNDS
    staffed = {row["omkostningssted"] for row in employments if row["loenform"] == "MDR"}
    small_rounds, blank_respondents, skipped = [], 0, 0
    for runde, (answers, invited) in survey.items():
        assert invited.keys() <= staffed, runde
        by_respondent = defaultdict(list)
        for row in answers:
            assert row["score"] in ("", "1", "2", "3", "4", "5"), row
            by_respondent[row["besvarelse_id"]].append(row)
        respondents_per_unit = defaultdict(int)
        for respondent, rows in by_respondent.items():
            assert sorted(row["spoergsmaal_id"] for row in rows) == sorted(questions), respondent
            assert len({row["omkostningssted"] for row in rows}) == 1, respondent
            respondents_per_unit[rows[0]["omkostningssted"]] += 1
            scores = [row["score"] for row in rows]
            blank_respondents += not any(scores)
            skipped += any(scores) and not all(scores)
        for unit, count in respondents_per_unit.items():
            assert count <= invited[unit], (runde, unit)
        small_rounds += [(runde, unit) for unit, count in respondents_per_unit.items() if count < 5]
        answered = sum(respondents_per_unit.values()) / sum(invited.values())
        assert 0.6 <= answered <= 0.8, runde
    assert len(small_rounds) >= len(S_ROUNDS)  # small units in every round
    assert blank_respondents and skipped


def test_survey_levels_differ_between_units_and_themes(survey, questions):
    sums = defaultdict(lambda: [0, 0])
    for answers, _ in survey.values():
        for row in answers:
            if row["score"]:
                cell = sums[row["omkostningssted"], questions[row["spoergsmaal_id"]]]
                cell[0] += int(row["score"])
                cell[1] += 1
    means = {key: total / count for key, (total, count) in sums.items() if count >= 100}
    assert 3.0 < min(means.values()) < 3.6 and 4.0 < max(means.values()) < 4.6
    theme_means = defaultdict(list)
    for (_, theme), mean in means.items():
        theme_means[theme].append(mean)
    averages = {theme: sum(values) / len(values) for theme, values in theme_means.items()}
    assert averages["SAMARBEJDE"] > averages["LEDELSE"]


def test_suggestions_flow_and_decisions(demo):
    (path,) = files_of(demo[0], "forslag")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    rows = read_rows(path)[1]
    ids = [row["forslag_id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert 30 <= len(rows) / 22 <= 50  # about 40 a month over the S window
    assert {row["kategori"] for row in rows} == {
        "Arbejdsgange", "Digitalisering", "Arbejdsmiljø", "Borgerkontakt", "Økonomi",
    }  # fmt: skip
    statuses = defaultdict(int)
    for row in rows:
        sent = danish_date(row["indsendt"])
        assert dt.date(2025, 1, 1) <= sent < EXTRACTED and sent.weekday() < 5, row
        statuses[row["status"]] += 1
        if row["status"] in ("gennemfoert", "afvist"):
            waited = (danish_date(row["afgjort"]) - sent).days
            # 2-12 weeks, moved past weekends and holidays (up to 5 days at Easter)
            assert 14 <= waited <= 84 + 5 and danish_date(row["afgjort"]) < EXTRACTED, row
            assert danish_date(row["afgjort"]).weekday() < 5, row
        else:
            assert not row["afgjort"], row
        if (EXTRACTED - sent).days < 14:
            assert row["status"] in ("modtaget", "behandles"), row
        if row["estimeret_gevinst_kr"]:
            assert DANISH_AMOUNT.fullmatch(row["estimeret_gevinst_kr"]), row
    assert statuses["gennemfoert"] + statuses["afvist"] > 0.8 * len(rows)
    assert statuses["modtaget"] and statuses["behandles"]
    gains = sum(bool(row["estimeret_gevinst_kr"]) for row in rows)
    assert 0.2 < gains / len(rows) < 0.5


def test_empty_baselines_lie_before_their_targets_in_the_data(
    catalogue, survey, questions, organisation
):
    """The pipeline takes these baselines from the data and checks their retning there."""
    goals = {row["maal_id"]: row for row in catalogue["maal"]}
    checked = 0
    for row in catalogue["indikatorer"]:
        if row["baseline_vaerdi"] is not None:
            continue
        node = row["omkostningssted"] or goals[row["maal_id"]]["ansvarlig"]
        year = cell_period(row["baseline_periode"])
        below = subtree(organisation, node)
        numerator = denominator = 0.0
        for runde, (answers, invited) in survey.items():
            if not runde.startswith(year):
                continue
            in_subtree = below & invited.keys()
            if row["kpi"] == "svarprocent":
                numerator += len(
                    {a["besvarelse_id"] for a in answers
                     if a["omkostningssted"] in in_subtree and a["score"]}
                )  # fmt: skip
                denominator += sum(invited[unit] for unit in in_subtree)
            else:
                theme = row["kpi"].removeprefix("trivsel_").upper()
                scores = [
                    int(a["score"]) for a in answers
                    if a["omkostningssted"] in in_subtree and a["score"]
                    and questions[a["spoergsmaal_id"]] == theme
                ]  # fmt: skip
                numerator += sum(scores)
                denominator += len(scores)
        value = numerator / denominator * (100 if row["kpi"] == "svarprocent" else 1)
        target = cell_number(row["maal_vaerdi"])
        assert target > value, (row, value)
        checked += 1
    assert checked >= 3


# Benchmark.

BENCHMARK_RANGES = {
    "sygefravaer_pct": (4.0, 6.5),
    "driftsudgift_pr_indbygger": (38_000, 48_000),
    "forbrugsprocent_drift": (94, 104),
    "personaleomsaetning_afgang_pct": (10, 20),
    "svarprocent": (60, 90),
    "trivsel_motivation": (3.5, 4.4),
}


def test_benchmark_names_real_peers(demo):
    (path,) = files_of(demo[0], "benchmark")
    rows = read_rows(path)[1]
    # The 98 municipalities with their codes (a copy of the shared reference list).
    kommuner_path = Path(__file__).parent / "reference" / "kommuner.csv"
    kommuner = {row[0]: row[1] for row in csv.reader(io.StringIO(
        kommuner_path.read_text(encoding="utf-8")), delimiter=";")}  # fmt: skip
    peers = {(row["kommunekode"], row["kommune"]) for row in rows}
    assert len(peers) == 10
    for code, name in peers:
        assert re.fullmatch(r"\d{3}", code) and kommuner[code] == name, (code, name)
    assert {row["kpi"] for row in rows} == BENCHMARK_RANGES.keys() <= KPI_IDS
    assert {row["aar"] for row in rows} == {"2025"}
    for row in rows:
        low, high = BENCHMARK_RANGES[row["kpi"]]
        assert low <= danish_number(row["vaerdi"]) <= high, row


# The real ingest on the generated landing folder.


def test_ingest_loads_every_goal_feedback_and_benchmark_file(demo, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", landing_dir=demo[0])
    settings.ensure_dirs()
    con = duckdb.connect(str(settings.warehouse_path))
    loader.ensure_tables(con, ALL_SPECS)
    outcomes = []
    for spec in (ORGANISATION, MAALKATALOG, INDIKATORVAERDIER, *FEEDBACK_SPECS, BENCHMARK):
        outcomes += loader.ingest(con, spec, settings, "test", log=lambda message: None)
    assert {o.file_name: (o.status, o.reason) for o in outcomes if o.status != "loaded"} == {}
    expected = {"organisation"} | {"maal", "indikatorer", "feedback"}
    names = {path.name for path in demo[0].rglob("*") if path.parent.name in expected}
    names.add("benchmark_20261105.csv")
    assert {o.file_name for o in outcomes} == names
    assert sum(o.rows_rejected for o in outcomes) == 0
    assert con.execute("SELECT count(*) FROM raw.indikatorer").fetchone()[0] == len(
        [row for row in sheet_rows(demo[0] / "maal" / CATALOGUES[-1])["indikatorer"]]
    )
    con.close()
