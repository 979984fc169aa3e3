"""The demo generator writes exactly the file names and formats of sources.md."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest

from dagster_project.demo import generate

FILE_PATTERNS = {
    "organisation": re.compile(r"organisation_\d{8}\.csv"),
    "oekonomi": re.compile(r"budget_\d{4}_\d{8}\.csv|posteringer_\d{6}\.csv"),
    "reference": re.compile(r"befolkning_\d{4}\.csv|aktivitet_\d{6}\.csv"),
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


def test_another_seed_gives_other_postings(demo, tmp_path):
    generate(tmp_path, "S", seed=7)
    name = Path("oekonomi/posteringer_202610.csv")
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
