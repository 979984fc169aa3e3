"""`dbt build` of the feedback KPIs, the LEON comparison and the benchmark comparison.

The municipality is `raw_warehouse.golden_rows()` with the survey, suggestions and benchmark
rows of `raw_warehouse_feedback.golden_feedback_rows()`; every figure below is worked out by
hand from those rows. Tree: 0100 -> 0110 -> 0111, 0112; 0100 -> 0120 -> 0121.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from raw_warehouse import golden_rows, run_dbt, undescribed_mart_columns
from raw_warehouse_feedback import golden_feedback_rows, make_feedback_warehouse

ROOT, AREA_A, NORD, SYD, AREA_B, HOME_CARE = "0100", "0110", "0111", "0112", "0120", "0121"
HIDDEN = (None, None, None, True)

# Survey rounds 2024-01 and 2024-02 (the horizon); Q1, Q2 MOTIVATION, Q3 LEDELSE.
# 0111, January: N1 (4, 5, 3), N2 (3, -, 4), N3 (5, 5, -), N4 (2, 3, 2) and N5, who answered
# nothing: 4 respondents, so 0111 is suppressed (MOTIVATION 27 / 7, LEDELSE 9 / 3 from 3).
# 0112, January: 6 respondents (MOTIVATION 37 / 11; LEDELSE 17 / 5 from 5). Not small, but
# 0110 (nobody on 0110 itself) minus 0112 would give 0111 back, so 0112, 0110's only other
# part, is hidden too (secondary suppression), in January and, on its own, in the year, which
# holds only January for both units.
# 0121: January 6 respondents (MOTIVATION 47 / 12, LEDELSE 23 / 6), February 5 (all 4s:
# 40 / 10 and 20 / 5): 5 respondents are enough.
TRIVSEL = {
    "trivsel_motivation": {
        (NORD, "2024-01"): HIDDEN,
        (NORD, "2024"): HIDDEN,
        (SYD, "2024-01"): HIDDEN,
        (SYD, "2024"): HIDDEN,
        (AREA_A, "2024-01"): (64 / 18, 64, 18, False),
        (AREA_A, "2024"): (64 / 18, 64, 18, False),
        (HOME_CARE, "2024-01"): (47 / 12, 47, 12, False),
        (HOME_CARE, "2024-02"): (4, 40, 10, False),
        (HOME_CARE, "2024"): (87 / 22, 87, 22, False),
        (ROOT, "2024-01"): (3.7, 111, 30, False),
        (ROOT, "2024-02"): (4, 40, 10, False),
        (ROOT, "2024"): (3.775, 151, 40, False),
    },
    "trivsel_ledelse": {
        (NORD, "2024-01"): HIDDEN,
        (NORD, "2024"): HIDDEN,
        (SYD, "2024-01"): HIDDEN,
        (SYD, "2024"): HIDDEN,
        (AREA_A, "2024-01"): (26 / 8, 26, 8, False),
        (AREA_A, "2024"): (26 / 8, 26, 8, False),
        (HOME_CARE, "2024-01"): (23 / 6, 23, 6, False),
        (HOME_CARE, "2024-02"): (4, 20, 5, False),
        (HOME_CARE, "2024"): (43 / 11, 43, 11, False),
        (ROOT, "2024-01"): (3.5, 49, 14, False),
        (ROOT, "2024-02"): (4, 20, 5, False),
        (ROOT, "2024"): (69 / 19, 69, 19, False),
    },
}
for _kpi in TRIVSEL.values():
    # 0120 has only 0121 below it and nobody on itself.
    _kpi |= {(AREA_B, p): _kpi[(HOME_CARE, p)] for p in ("2024-01", "2024-02", "2024")}

# Invited: January 0111 8, 0112 10, 0121 6; February 0112 5 (nobody answered: 0 %), 0121 6.
# Respondents with an answer: January 0111 4 (not N5), 0112 6, 0121 6; February 0121 5.
SVARPROCENT = {
    (NORD, "2024-01"): (4, 8),
    (NORD, "2024"): (4, 8),
    (SYD, "2024-01"): (6, 10),
    (SYD, "2024-02"): (0, 5),
    (SYD, "2024"): (6, 15),
    (AREA_A, "2024-01"): (10, 18),
    (AREA_A, "2024-02"): (0, 5),
    (AREA_A, "2024"): (10, 23),
    (HOME_CARE, "2024-01"): (6, 6),
    (HOME_CARE, "2024-02"): (5, 6),
    (HOME_CARE, "2024"): (11, 12),
    (AREA_B, "2024-01"): (6, 6),
    (AREA_B, "2024-02"): (5, 6),
    (AREA_B, "2024"): (11, 12),
    (ROOT, "2024-01"): (16, 24),
    (ROOT, "2024-02"): (5, 11),
    (ROOT, "2024"): (21, 35),
}

# Suggestions extracted 2024-03-05: horizon 2024-02. F1 0111 submitted and carried out in
# January; F2 0111 submitted in January, rejected in February; F3 0112 submitted in January,
# carried out in February; F4 0121 submitted in February, undecided; F5 0121 submitted in
# February, carried out on 1 March (after the horizon); F6 submitted in March (after it).
FORSLAG_INDSENDT = {
    (NORD, "2024-01"): 2,
    (NORD, "2024"): 2,
    (SYD, "2024-01"): 1,
    (SYD, "2024"): 1,
    (AREA_A, "2024-01"): 3,
    (AREA_A, "2024"): 3,
    (HOME_CARE, "2024-02"): 2,
    (HOME_CARE, "2024"): 2,
    (AREA_B, "2024-02"): 2,
    (AREA_B, "2024"): 2,
    (ROOT, "2024-01"): 3,
    (ROOT, "2024-02"): 2,
    (ROOT, "2024"): 5,
}
FORSLAG_GENNEMFOERT = {
    (NORD, "2024-01"): (1, 1),
    (NORD, "2024-02"): (0, 1),
    (NORD, "2024"): (1, 2),
    (SYD, "2024-02"): (1, 1),
    (SYD, "2024"): (1, 1),
    **{(node, "2024-01"): (1, 1) for node in (AREA_A, ROOT)},
    **{(node, "2024-02"): (1, 2) for node in (AREA_A, ROOT)},
    **{(node, "2024"): (2, 3) for node in (AREA_A, ROOT)},
}


def _expected() -> dict[tuple, tuple]:
    expected = {}
    for kpi_id, cells in TRIVSEL.items():
        expected |= {(kpi_id, *key): value for key, value in cells.items()}
    for key, (respondents, invited) in SVARPROCENT.items():
        expected[("svarprocent", *key)] = (100 * respondents / invited, respondents, invited, False)
    for key, count in FORSLAG_INDSENDT.items():
        expected[("forslag_indsendt", *key)] = (count, count, None, False)
    for key, (done, decided) in FORSLAG_GENNEMFOERT.items():
        expected[("forslag_gennemfoert_pct", *key)] = (100 * done / decided, done, decided, False)
    return expected


@pytest.fixture(scope="module")
def feedback_build(tmp_path_factory: pytest.TempPathFactory):
    """The comparisons and every model under them, then the data and unit tests of the
    feedback, benchmark and LEON models."""
    work_dir = tmp_path_factory.mktemp("dbt_feedback")
    warehouse = make_feedback_warehouse(
        work_dir / "warehouse.duckdb", {**golden_rows(), **golden_feedback_rows()}
    )
    feedback_paths = [
        "path:models/staging/feedback",
        "path:models/staging/reference/stg_reference__benchmark.sql",
        "path:models/intermediate/feedback",
        "path:models/marts/feedback",
        "path:models/marts/leon",
        "path:tests/feedback",
        "path:tests/leon",
    ]
    with pytest.MonkeyPatch.context() as monkeypatch:
        # The models and the seed under the comparisons; the other domains' data tests run in
        # test_dbt_build.py.
        built = run_dbt(
            [
                "build",
                "--select",
                "+leon_enhedsomkostning",
                "+benchmark_sammenligning",
                "--resource-type",
                "model",
                "--resource-type",
                "seed",
            ],
            warehouse,
            work_dir,
            monkeypatch,
        )
        tested = run_dbt(["test", "--select", *feedback_paths], warehouse, work_dir, monkeypatch)
    return built, tested, warehouse


def _query(warehouse, sql):
    # dbt-duckdb keeps its DuckDB instance open in this process after the run; a connection
    # with the default configuration shares it.
    with duckdb.connect(str(warehouse)) as con:
        return con.execute(sql).fetchall()


def test_build_and_feedback_tests_pass(feedback_build):
    built, tested, _ = feedback_build
    assert built.success, built.exception
    assert tested.success, tested.exception
    unit_tests = [r for r in tested.result if r.node.resource_type == "unit_test"]
    assert len(unit_tests) >= 14
    # The warnings (themes outside the catalogue, more respondents than invited) stay silent.
    assert all(r.status == "pass" for r in tested.result)


def test_feedback_kpi_values_match_hand_computed_figures(feedback_build):
    _, _, warehouse = feedback_build
    rows = _query(
        warehouse,
        "select kpi_id, omkostningssted, periode, periodetype, vaerdi, taeller, naevner,"
        " undertrykt from marts.kpi_values where kpi_id in ('svarprocent', 'forslag_indsendt',"
        " 'forslag_gennemfoert_pct') or kpi_id like 'trivsel%'",
    )
    actual = {(r[0], r[1], r[2]): r[3:] for r in rows}
    expected = _expected()
    assert set(actual) == set(expected)
    for key, values in expected.items():
        periodetype, *got = actual[key]
        assert periodetype == ("maaned" if "-" in key[2] else "aar"), key
        for got_value, value in zip(got[:3], values[:3], strict=True):
            assert got_value == (None if value is None else pytest.approx(value)), key
        assert got[3] is values[3], key


def test_leon_shows_unit_costs_beside_quality_never_a_suppressed_one(feedback_build):
    _, _, warehouse = feedback_build
    rows = _query(
        warehouse,
        "select ydelse, periode, omkostningssted, enhedsomkostning_kr, antal_enheder, rang,"
        " median_enhedsomkostning_kr, bedste_kvartil_enhedsomkostning_kr,"
        " merudgift_ift_bedste_kvartil_kr, trivsel_samlet, trivsel_undertrykt, svarprocent"
        " from marts.leon_enhedsomkostning order by ydelse, periode, omkostningssted",
    )
    # Unit costs of test_dbt_build.py. DAGPLEJE in February: 0111 0 kr. for 12 barn-måneder,
    # 0112 20 kr. for 5; median 10, best quartile 0 + 0.25 · 20 = 5, 0112's gap (20 − 5) · 5.
    # 2024: 0111 150 / 22, 0112 20; median and quartile interpolate between them.
    # 0111 and 0112 have suppressed survey themes; 0121's themes pool to 130 / 33.
    nord_2024, syd_2024 = 150 / 22, 20.0
    median_2024 = (nord_2024 + syd_2024) / 2
    quartile_2024 = nord_2024 + 0.25 * (syd_2024 - nord_2024)
    nord, syd = (True, 50.0), (True, 40.0)
    home_care = (130 / 33, False, 100 * 11 / 12)
    expected = [
        ("DAGPLEJE", "2024", NORD, nord_2024, 2, 1, median_2024, quartile_2024, 0, None, *nord),
        (
            "DAGPLEJE",
            "2024",
            SYD,
            syd_2024,
            2,
            2,
            median_2024,
            quartile_2024,
            (syd_2024 - quartile_2024) * 5,
            None,
            *syd,
        ),
        ("DAGPLEJE", "2024-01", NORD, 15, 1, 1, 15, 15, 0, None, *nord),
        ("DAGPLEJE", "2024-02", NORD, 0, 2, 1, 10, 5, 0, None, *nord),
        ("DAGPLEJE", "2024-02", SYD, 20, 2, 2, 10, 5, 75, None, *syd),
        ("HJEMMEPLEJE_TIMER", "2024", HOME_CARE, 4, 1, 1, 4, 4, 0, *home_care),
        ("HJEMMEPLEJE_TIMER", "2024-01", HOME_CARE, 4, 1, 1, 4, 4, 0, *home_care),
    ]
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert got[:3] == want[:3]
        assert got[3:] == pytest.approx(want[3:]), want[:3]


def test_benchmark_ranks_the_municipality_among_its_peers(feedback_build):
    _, _, warehouse = feedback_build
    rows = _query(
        warehouse,
        "select kpi_id, aar, egen_vaerdi, rang, antal_i_rangering, rangordning,"
        " median_sammenligning, afstand_til_median, afstand_til_median_pct, bedste_kommune"
        " from marts.benchmark_sammenligning order by kpi_id",
    )
    # driftsudgift_pr_indbygger 2024 is 800 / 250 = 3.2 (test_dbt_build.py), neutral: by size,
    # after Frederiksberg's 3.0. svarprocent 2024 is 21 / 35 = 60 %, higher is better: after
    # Ballerup's 80 and København's 70, level with Frederiksberg.
    assert rows == [
        (
            "driftsudgift_pr_indbygger",
            2024,
            pytest.approx(3.2),
            2,
            3,
            "laveste_foerst",
            3.5,
            pytest.approx(-0.3),
            pytest.approx(-30 / 3.5),
            "Frederiksberg",
        ),
        (
            "svarprocent",
            2024,
            pytest.approx(60),
            3,
            5,
            "hoejeste_foerst",
            65,
            pytest.approx(-5),
            pytest.approx(-500 / 65),
            "Ballerup",
        ),
    ]


def test_comparison_marts_describe_every_column(feedback_build):
    _, _, warehouse = feedback_build
    comparisons = ("leon_enhedsomkostning", "benchmark_sammenligning", "kpi_values_feedback")
    assert undescribed_mart_columns(warehouse, comparisons) == []


def test_comparisons_are_published_and_building_blocks_are_not(feedback_build):
    """dbt_project.yml: the publication copies the marts flagged meta.published."""
    _, _, warehouse = feedback_build
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text("utf-8"))
    published = {
        node["name"]: node["config"].get("meta", {}).get("published")
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    }
    assert published["leon_enhedsomkostning"] and published["benchmark_sammenligning"]
    assert published["kpi_values"]
    for building_block in ("kpi_trivsel", "kpi_svarprocent", "kpi_forslag", "kpi_values_feedback"):
        assert not published[building_block], building_block
