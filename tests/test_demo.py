"""The demo generator writes exactly the file names and formats of sources.md."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from dagster_project.demo import generate

FILE_PATTERNS = {
    "organisation": re.compile(r"organisation_\d{8}\.csv"),
    "oekonomi": re.compile(r"budget_\d{4}_\d{8}\.csv|posteringer_\d{6}\.csv"),
    "reference": re.compile(r"befolkning_\d{4}\.csv|aktivitet_\d{6}\.csv"),
    "personale": re.compile(r"ansaettelser_\d{8}\.csv|fravaer_\d{4}_\d{8}\.csv"),
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
    demo_dir, counts = demo
    again = generate(tmp_path, "S", seed=42)
    first = {p.relative_to(demo_dir): p.read_bytes() for p in demo_dir.rglob("*.csv")}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.csv")}
    assert again == counts
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_other_postings_and_staff(demo, tmp_path):
    generate(tmp_path, "S", seed=7)
    for name in ("oekonomi/posteringer_202610.csv", "personale/ansaettelser_20261105.csv"):
        assert (tmp_path / name).read_bytes() != (demo[0] / name).read_bytes()


def test_unknown_scale_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="XL"):
        generate(tmp_path, "XL")


def test_file_names_match_the_contract(demo):
    demo_dir, counts = demo
    files = sorted(demo_dir.rglob("*.csv"))
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
    for prefix in ("posteringer", "budget", "aktivitet"):
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
