"""Indsatser: the initiative register (the catalogue's sheet `indsatser`) and the effect of
each initiative (docs/kpis.md, Initiative effect).

- bad input: every catalogue error of an initiative quarantines the catalogue by name, and a
  catalogue without the sheet stays valid;
- the published interval equals scipy's Welch interval on the same unit changes, and the
  |T| = 1 interval the formula worked by hand;
- the demo shows every verdict, and over several demo seeds the estimator recovers the
  planted effects within its intervals and calls the null initiative uafklaret in most;
- `maalbar explain` names the units, their means, the months and the files.
"""

from __future__ import annotations

import math
import shutil
from datetime import datetime

import duckdb
import pytest
from openpyxl import load_workbook
from scipy import stats

from dagster_project import cli
from dagster_project.defs.ingest.maal import MAALKATALOG
from dagster_project.demo import indsatser as demo_indsatser
from dagster_project.lib import loader
from dagster_project.lib.dbt_functions import register
from tests.conftest import MAALBAR, maalbar_env, maalbar_run
from tests.test_maal_ingest import GOOD_INDICATORS, _catalogue, con  # noqa: F401 (a fixture)

INDSATS_HEADER = list(demo_indsatser.INDSATS_HEADER)
GOOD_INITIATIVE = [
    "X1", "M1", "Sygesamtaler", "Hvis ... så ...", "I1", "0111", None,
    datetime(2025, 6, 2), None, "120000",
]  # fmt: skip


def _with_initiatives(path, rows):
    book = load_workbook(path)
    sheet = book.create_sheet("indsatser")
    sheet.append(INDSATS_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_a_catalogue_without_the_sheet_stays_valid(con, data_settings):  # noqa: F811
    _catalogue(data_settings, GOOD_INDICATORS)
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "loaded", outcome.reason
    assert con.execute("SELECT count(*) FROM raw.indsatser").fetchone()[0] == 0


def test_initiatives_load_with_their_cells(con, data_settings):  # noqa: F811
    path = _catalogue(data_settings, GOOD_INDICATORS)
    second = ["X2", "M1", "Hjemmepleje", None, "I1", "0111, 0112", "0121",
              datetime(2025, 3, 1), datetime(2025, 12, 31), None]  # fmt: skip
    _with_initiatives(path, [GOOD_INITIATIVE, second])
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "loaded", outcome.reason
    rows = con.execute(
        "SELECT indsats_id, omkostningssteder, sammenligning, startdato, slutdato, "
        "omkostning_kr FROM raw.indsatser ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("X1", "0111", None, datetime(2025, 6, 2).date(), None, 120000.0),
        ("X2", "0111, 0112", "0121", datetime(2025, 3, 1).date(), datetime(2025, 12, 31).date(),
         None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({1: "M9"}, "indsats X1: unknown goal M9"),
        ({4: "I9"}, "indsats X1: unknown indicator I9"),
        ({4: "I2"}, "indsats X1: indicator I2 has frekvens kvartal"),
        ({5: "0111,9999"}, "indsats X1: omkostningssteder names unknown node(s) 9999"),
        ({6: "8888"}, "indsats X1: sammenligning names unknown node(s) 8888"),
        ({8: datetime(2025, 1, 1)}, "indsats X1: slutdato 2025-01-01 lies before startdato"),
        ({7: "32-13-2025"}, "column indsatser.startdato ('32-13-2025')"),
    ],
)
def test_initiative_errors_quarantine_the_catalogue_by_name(con, data_settings, change, message):  # noqa: F811
    row = list(GOOD_INITIATIVE)
    for index, value in change.items():
        row[index] = value
    _with_initiatives(_catalogue(data_settings, GOOD_INDICATORS), [row])
    [outcome] = loader.ingest(con, MAALKATALOG, data_settings, "r", log=lambda m: None)
    assert outcome.status == "quarantined"
    assert message in outcome.reason
    for table in ("indsatser", "indikatorer", "maal"):
        assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0] == 0


# --- The published effects of the demo (scale S, seed 42) ---------------------------------


@pytest.fixture(scope="module")
def published(reference_run):
    db = duckdb.connect(str(reference_run / "published" / "maalbar.duckdb"), read_only=True)
    yield db
    db.close()


def _changes(db, initiative: str, side: str) -> list[float]:
    return [
        d
        for (d,) in db.execute(
            "SELECT aendring FROM marts.indsats_enhedsaendringer "
            "WHERE indsats_id = ? AND side = ? AND deltager ORDER BY omkostningssted",
            [initiative, side],
        ).fetchall()
    ]


@pytest.mark.slow
def test_the_demo_shows_every_verdict(published):
    verdicts = dict(
        published.execute("SELECT indsats_id, vurdering FROM marts.indsats_effekt").fetchall()
    )
    assert verdicts == {
        "X01": "virker",
        "X02": "uafklaret",
        "X03": "virker_modsat",
        "X04": "for_tidligt",
        "X05": "kan_ikke_vurderes",
    }


@pytest.mark.slow
def test_the_interval_is_scipys_welch_interval_on_the_same_unit_changes(published):
    rows = published.execute(
        "SELECT indsats_id, effekt, effekt_lav, effekt_hoej, antal_enheder, antal_sammenligning "
        "FROM marts.indsats_effekt WHERE effekt IS NOT NULL AND antal_enheder >= 2"
    ).fetchall()
    assert rows, "no judged initiative with two or more treated units"
    for initiative, effect, low, high, n_t, n_c in rows:
        treated, comparison = (
            _changes(published, initiative, "indsats"),
            _changes(published, initiative, "sammenligning"),
        )
        assert (len(treated), len(comparison)) == (n_t, n_c)
        test = stats.ttest_ind(treated, comparison, equal_var=False)
        interval = test.confidence_interval(0.95)
        assert effect == pytest.approx(sum(treated) / n_t - sum(comparison) / n_c, abs=1e-9)
        assert (low, high) == pytest.approx((interval.low, interval.high), abs=1e-9)


@pytest.mark.slow
def test_the_interval_of_one_treated_unit_is_the_formula(published, reference_run, tmp_path):
    """|T| = 1: se = s_C · √(1 + 1/|C|) with |C| − 1 degrees of freedom. X03's published unit
    changes with one treated unit kept, run through the model's own compiled SQL."""
    warehouse = tmp_path / "maalbar.duckdb"
    shutil.copy(reference_run / "warehouse" / "maalbar.duckdb", warehouse)
    sql = _compiled_sql(tmp_path, warehouse)
    db = duckdb.connect(str(warehouse))
    register(db)
    kept = db.execute(
        "SELECT min(omkostningssted) FROM marts.indsats_enhedsaendringer "
        "WHERE indsats_id = 'X03' AND side = 'indsats' AND deltager"
    ).fetchone()[0]
    db.execute(
        "DELETE FROM marts.indsats_enhedsaendringer WHERE indsats_id = 'X03' "
        "AND side = 'indsats' AND omkostningssted != ?",
        [kept],
    )
    low, high, effect, verdict = db.execute(
        f"SELECT effekt_lav, effekt_hoej, effekt, vurdering FROM ({sql}) WHERE indsats_id = 'X03'"
    ).fetchone()
    [treated] = [
        d for (d,) in db.execute(
            "SELECT aendring FROM marts.indsats_enhedsaendringer WHERE indsats_id = 'X03' "
            "AND side = 'indsats' AND deltager"
        ).fetchall()
    ]  # fmt: skip
    comparison = [
        d for (d,) in db.execute(
            "SELECT aendring FROM marts.indsats_enhedsaendringer WHERE indsats_id = 'X03' "
            "AND side = 'sammenligning' AND deltager"
        ).fetchall()
    ]  # fmt: skip
    db.close()
    n_c = len(comparison)
    mean_c = sum(comparison) / n_c
    s_c = math.sqrt(sum((d - mean_c) ** 2 for d in comparison) / (n_c - 1))
    half = stats.t.ppf(0.975, n_c - 1) * s_c * math.sqrt(1 + 1 / n_c)
    assert effect == pytest.approx(treated - mean_c, abs=1e-9)
    assert (low, high) == pytest.approx((effect - half, effect + half), abs=1e-9)
    assert verdict in ("virker_modsat", "uafklaret")


def _compiled_sql(tmp_path, warehouse) -> str:
    """indsats_effekt's SQL as dbt compiles it against `warehouse`."""
    import os

    from dbt.cli.main import dbtRunner

    from dagster_project.lib.config import DBT_PROJECT_DIR

    os.environ["MAALBAR_WAREHOUSE_PATH"] = str(warehouse)  # read by dbt/profiles.yml
    try:
        result = dbtRunner().invoke(
            ["compile", "--select", "indsats_effekt", "--quiet", "--project-dir",
             str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
        )  # fmt: skip
    finally:
        del os.environ["MAALBAR_WAREHOUSE_PATH"]
    assert result.success, result.exception
    [node] = [r.node for r in result.result.results if r.node.name == "indsats_effekt"]
    return node.compiled_code


@pytest.mark.slow
def test_explain_names_the_units_their_means_and_the_files(reference_run, capsys, monkeypatch):
    monkeypatch.setenv("MAALBAR_DATA_DIR", str(reference_run))
    db = duckdb.connect(str(reference_run / "published" / "maalbar.duckdb"), read_only=True)
    runs, first, last = db.execute(
        "SELECT omkostningssteder, foer_fra, efter_til FROM marts.indsats_effekt "
        "WHERE indsats_id = 'X03'"
    ).fetchone()
    units = db.execute(
        "SELECT omkostningssted FROM marts.indsats_enhedsaendringer WHERE indsats_id = 'X03'"
    ).fetchall()
    db.close()
    node = runs.split(",")[0]
    assert cli.main(["explain", "X03", node, last]) == 0
    out = " ".join(capsys.readouterr().out.split())  # as one line: the text is wrapped
    assert f"pre-period ({first} to" in out
    for (unit,) in units:
        assert f"unit {unit} " in out
    assert "pre mean" in out and "post mean" in out and "d " in out
    assert "indikatorvaerdier_CURA_20261105.csv" in out
    assert "maalkatalog_20261105.xlsx" in out
    assert cli.main(["explain", "X03", "9999", last]) == 1
    assert "is run by" in capsys.readouterr().err


# --- Over several demo seeds -----------------------------------------------------------------

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def seeded_runs(tmp_path_factory):
    import subprocess

    runs = {}
    for seed in SEEDS:
        root = tmp_path_factory.mktemp(f"seed{seed}")
        landing = root / "landing"
        subprocess.run(
            [MAALBAR, "demo", "--out", str(landing), "--scale", "S", "--seed", str(seed)],
            check=True,
            capture_output=True,
            env=maalbar_env(root / "data", landing),
        )
        result = maalbar_run(root / "data", landing)
        assert result.returncode == 0, result.stderr[-2000:]
        db = duckdb.connect(str(root / "data" / "published" / "maalbar.duckdb"), read_only=True)
        runs[seed] = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT indsats_id, effekt, effekt_lav, effekt_hoej, efter_enheder, vurdering "
                "FROM marts.indsats_effekt"
            ).fetchall()
        }
        db.close()
    return runs


@pytest.mark.slow
def test_the_planted_effects_lie_in_their_intervals_over_seeds(seeded_runs):
    for seed, effects in seeded_runs.items():
        # Delivered indicators: the effect planted on the treated units after the start.
        _, low, high, _, verdict = effects["X03"]
        assert low <= demo_indsatser.PLANTED_EFFECTS["X03"] <= high, (seed, low, high)
        assert verdict == "virker_modsat", seed
        # X01 keeps a share k of the sickness spells: the post mean would have been
        # observed / k, so the planted effect is observed · (1 − 1/k).
        _, low, high, post, verdict = effects["X01"]
        planted = post * (1 - 1 / demo_indsatser.SICKNESS_KEPT_SHARE)
        assert low <= planted <= high, (seed, planted, low, high)
        assert verdict == "virker", seed
        assert effects["X04"][-1] == "for_tidligt"
        assert effects["X05"][-1] == "kan_ikke_vurderes"


@pytest.mark.slow
def test_the_null_initiative_is_uafklaret_in_most_seeds(seeded_runs):
    verdicts = [effects["X02"][-1] for effects in seeded_runs.values()]
    assert verdicts.count("uafklaret") > len(verdicts) / 2, verdicts
    covered = [low <= 0 <= high for _, low, high, _, _ in (e["X02"] for e in seeded_runs.values())]
    assert sum(covered) > len(covered) / 2
