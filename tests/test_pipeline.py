"""End to end: `maalbar run` through Dagster, dbt and GX on a tiny landing folder.

The figures are computed by hand from the rows below (see each assertion's comment).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pytest

from dagster_project import cli
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, POSTINGS_HEADER, write_export

pytestmark = pytest.mark.slow

BUDGET_HEADER = "aar;omkostningssted;funktion;dranst;art;budgettype;beloeb"
BUDGET_2025 = [
    "2025;0111;5.25.11;1;1.1;OPR;1.200.000,00",
    "2025;0111;5.25.11;1;1.1;TB;60.000",
    "2025;0112;5.25.11;1;1.1;OPR;600.000",
    "2025;0121;5.32.32;1;1.1;OPR;2.400.000",
    "2025;0121;5.32.32;1;1.1;OVF;-100.000",
    "2025;0110;5.25.10;3;0.2;OPR;500.000",
]
POSTINGS_202501 = [
    "1;06-01-2025;0111;5.25.11;1;1.1;100.000,50;Løn dagplejere",
    "2;15-01-2025;0111;5.25.11;1;7.1;-10.000;Forældrebetaling",
    "3;2025-01-20;0112;5.25.11;1;1.1;50.000;Løn",
    "4;31-01-2025;0121;5.32.32;1;1.1;200.000;Løn",
    "5;31-01-2025;0121;5.32.32;2;8.6;-20.000;Statsrefusion",
    "6;31-01-2025;0110;5.25.10;3;0.2;100.000;Ny dagplejecentral",
    "7;31-01-2025;0100;7.55.79;1;;5.000;Renter",
]
POSTINGS_202502 = [
    "8;10-02-2025;0111;5.25.11;1;1.1;95.000;Løn",
    "9;10-02-2025;0112;5.25.11;1;1.1;55.000;Løn",
    "10;28-02-2025;0121;5.32.32;1;1.1;210.000;Løn",
]
AKTIVITET_HEADER = "omkostningssted;ydelse;antal;enhed"


def _landing(settings) -> None:
    land = settings.landing_dir
    write_export(
        land / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
        "cp1252",
    )
    write_export(land / "oekonomi" / "budget_2025_20250110.csv", BUDGET_HEADER, BUDGET_2025)
    write_export(land / "oekonomi" / "posteringer_202501.csv", POSTINGS_HEADER, POSTINGS_202501)
    write_export(land / "oekonomi" / "posteringer_202502.csv", POSTINGS_HEADER, POSTINGS_202502)
    write_export(
        land / "reference" / "befolkning_2025.csv", "alder;antal", ["0;400", "1;350", "90;250"]
    )
    write_export(
        land / "reference" / "aktivitet_202501.csv",
        AKTIVITET_HEADER,
        [
            "0111;DAGPLEJE;10;barn-måneder",
            "0112;DAGPLEJE;5;barn-måneder",
            "0121;HJEMMEPLEJE_TIMER;400;timer",
        ],
        "cp1252",
    )
    write_export(
        land / "reference" / "aktivitet_202502.csv",
        AKTIVITET_HEADER,
        ["0111;DAGPLEJE;10;barn-måneder", "0121;HJEMMEPLEJE_TIMER;400;timer"],
    )


def _value(settings, kpi, node, period):
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT vaerdi, taeller, naevner FROM marts.kpi_values "
            "WHERE kpi_id = ? AND omkostningssted = ? AND periode = ?",
            [kpi, node, period],
        ).fetchall()
    finally:
        con.close()
    return rows[0] if rows else None


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Run 1 on the landing folder; later tests build on its state, in order."""
    from dagster_project.lib.config import Settings

    root = tmp_path_factory.mktemp("pipeline")
    settings = Settings(data_dir=root / "data", landing_dir=root / "landing")
    patch = pytest.MonkeyPatch()
    patch.setenv("MAALBAR_DATA_DIR", str(settings.data_dir))
    patch.setenv("MAALBAR_LANDING_DIR", str(settings.landing_dir))
    patch.setenv("DAGSTER_HOME", str(root / "dagster"))
    _landing(settings)

    exit_code = cli.main(["run"])
    yield settings, exit_code
    patch.undo()


def test_first_run_publishes_hand_computed_economy(pipeline):
    settings, exit_code = pipeline
    assert exit_code == 0
    # The run log has every step, from the ingest through dbt to the publication.
    [log] = [p.read_text(encoding="utf-8") for p in (settings.data_dir / "logs").glob("*.log")]
    for step in ("ingest_posteringer", "maalbar_dbt_assets", "published_mart_suites"):
        assert f"{step} - STEP_SUCCESS" in log
    assert "published__maalbar - STEP_SUCCESS" in log and "\x1b[" not in log
    # 100000.50 - 10000 + 50000 + 200000 - 20000 + 5000 (hovedkonto 7 is still drift)
    assert _value(settings, "forbrug_drift", "0100", "2025-01") == (325000.5, 325000.5, None)
    assert _value(settings, "forbrug_drift", "0110", "2025-01")[0] == 140000.5
    assert _value(settings, "forbrug_drift", "0100", "2025")[0] == 685000.5
    # OPR + TB + OVF of the drift rows of the whole tree
    assert _value(settings, "korrigeret_budget_drift", "0100", "2025")[0] == 4_160_000
    # (140000.50 + 150000) year to date over 1.86 million
    assert _value(settings, "forbrugsprocent_drift", "0110", "2025-02") == pytest.approx(
        (100 * 290000.5 / 1_860_000, 290000.5, 1_860_000)
    )
    assert _value(settings, "forbrugsprocent_anlaeg", "0110", "2025-01")[0] == pytest.approx(20)
    # hovedkonto 0-6 only: 685000.50 - 5000, over 1000 inhabitants
    assert _value(settings, "driftsudgift_pr_indbygger", "0100", "2025") == pytest.approx(
        (680.0005, 680000.5, 1000)
    )
    assert _value(settings, "driftsudgift_pr_indbygger", "0110", "2025") is None
    # 0112 has no activity in February, so its February postings stay out
    assert _value(settings, "enhedsomkostning", "0110", "2025") == pytest.approx(
        (235000.5 / 25, 235000.5, 25)
    )
    assert _value(settings, "enhedsomkostning", "0120", "2025")[0] == pytest.approx(487.5)
    # the root's subtree delivers two services: no unit cost
    assert _value(settings, "enhedsomkostning", "0100", "2025") is None
    # The Parquet export holds the same rows as the published marts.
    con = duckdb.connect(str(settings.published_path), read_only=True)
    for table in ("kpi_values", "dim_organisation", "dim_kpi"):
        parquet = settings.published_dir / "parquet" / f"{table}.parquet"
        assert (
            con.execute(
                f"SELECT count(*) FROM (SELECT * FROM marts.{table} EXCEPT ALL "
                f"SELECT * FROM read_parquet('{parquet}'))"
            ).fetchone()[0]
            == 0
        )
        assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone() == (
            con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()
        )
    con.close()
    # OpenLineage: the run's events lead from the landing files to the publication.
    import json

    [lineage] = (settings.data_dir / "lineage").glob("openlineage-*.jsonl")
    events = [json.loads(line) for line in lineage.read_text().splitlines()]
    jobs = {e["job"]["name"]: e for e in events if e["eventType"] == "COMPLETE"}
    assert {d["name"] for d in jobs["ingest.posteringer"]["inputs"]} == {
        "oekonomi/posteringer_202501.csv",
        "oekonomi/posteringer_202502.csv",
    }
    assert "marts.kpi_values" in {d["name"] for d in jobs["publish"]["inputs"]}
    assert jobs["dbt.kpi_values"]["inputs"]
    assert (settings.published_dir / "rapport" / "kvalitet.html").exists()
    assert (settings.data_dir / "docs" / "dbt" / "static_index.html").exists()
    # GX Data Docs: one page per raw file and per published mart validated in the run, and the
    # published check results name every published mart's schema check.
    gx = settings.data_dir / "docs" / "gx"
    index = (gx / "index.html").read_text(encoding="utf-8")
    assert "raw.posteringer" in index and "marts.dim_organisation" in index
    # The run's two posting files are validated together, as one batch named by both.
    [page] = (gx / "validations" / "raw" / "posteringer").rglob("*.html")
    assert page.name == "posteringer_202501.csv to posteringer_202502.csv (2 files).html"
    con = duckdb.connect(str(settings.published_path), read_only=True)
    schema_checked = {
        asset
        for (asset,) in con.execute(
            "SELECT DISTINCT asset FROM meta.check_results WHERE check_name = 'gx_schema' "
            "AND passed AND run_id = (SELECT run_id FROM meta.publication)"
        ).fetchall()
    }
    published = {
        f"marts.{name}"
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchall()
    }
    con.close()
    assert schema_checked == published


def _marts(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        return {
            table: sorted(con.execute(f'SELECT * FROM marts."{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        con.close()


def test_the_stock_dbt_process_publishes_the_same_marts(pipeline, tmp_path, monkeypatch):
    """MAALBAR_DBT_INPROCESS=0 runs dagster-dbt's stock resource, dbt a process of its own
    per command (lib/dbt_inprocess.py): on the same landing folder it publishes the same
    marts, row for row, as the run in the Dagster process did."""
    settings, exit_code = pipeline
    assert exit_code == 0
    from dagster_project.lib.config import Settings

    stock = Settings(data_dir=tmp_path / "data", landing_dir=settings.landing_dir)
    monkeypatch.setenv("MAALBAR_DBT_INPROCESS", "0")
    monkeypatch.setenv("MAALBAR_DATA_DIR", str(stock.data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("MAALBAR_WAREHOUSE_PATH", str(stock.warehouse_path))
    assert cli.main(["run"]) == 0
    [log] = (stock.data_dir / "logs").glob("*.log")
    assert "maalbar_dbt_assets - STEP_SUCCESS" in log.read_text(encoding="utf-8")
    in_process, as_process = _marts(settings.published_path), _marts(stock.published_path)
    assert sorted(as_process) == sorted(in_process) and "kpi_values" in in_process
    for table, rows in in_process.items():
        assert as_process[table] == rows, table
    # In the Dagster process the marts' GX checks begin while dbt builds; after a dbt
    # process they begin in their steps: every check finds the same.
    early, late = _mart_check_outcomes(settings), _mart_check_outcomes(stock)
    assert {asset for asset, *_ in early} >= {"marts.kpi_values", "marts.goal_progress"}
    assert early == late


def _mart_check_outcomes(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        return con.execute(
            "SELECT asset, check_name, expectation, column_name, passed, observed "
            "FROM meta.check_results WHERE asset LIKE 'marts.%' ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def test_large_sources_load_first_and_their_checks_wait_for_every_ingest(pipeline):
    """The order the steps of the first run started in (`dagster/priority`): the large
    sources load before the small ones, after what their rules read; their GX checks come
    after the last ingest, by when the GX worker has validated them beside the small ones."""
    import dagster as dg

    from dagster_project.defs.ingest.assets import LARGE_SOURCES
    from dagster_project.defs.quality import LATE_SUITE_TABLES

    settings, exit_code = pipeline
    assert exit_code == 0
    instance = dg.DagsterInstance.get()
    try:
        first = min(
            instance.get_run_records(), key=lambda record: record.create_timestamp
        ).dagster_run
        records = instance.get_records_for_run(
            first.run_id, of_type=dg.DagsterEventType.STEP_START
        ).records
    finally:
        instance.dispose()
    started = [record.event_log_entry.step_key for record in records]
    ingests = [step for step in started if step.startswith("ingest_")]
    large = [f"ingest_{table}" for table in LARGE_SOURCES]
    assert [step for step in ingests if step in large] == large  # the largest first
    # Before them only what their rules read (the organisation, the survey questions, the
    # employments the absence is checked against).
    assert set(ingests[: ingests.index(large[-1])]) - set(large) == {
        "ingest_organisation",
        "ingest_spoergsmaal",
        "ingest_ansaettelser",
    }
    # The large sources' suites are collected in the late tables' one step, after the last
    # ingest.
    assert set(LARGE_SOURCES) <= set(LATE_SUITE_TABLES)
    assert started.index("raw_suites") > max(started.index(step) for step in ingests)


def test_every_dbt_data_test_outcome_is_stored_for_auditors(pipeline):
    """dbt's run results (written from dbt's own result, lib/dbt_inprocess.py) reach
    meta.check_results: one passed outcome per data test of the project."""
    import json

    from dagster_project.lib.dbt_manifest import MANIFEST

    settings, exit_code = pipeline
    assert exit_code == 0
    tests = {
        node["name"]: "warning" if node["config"]["severity"].lower() == "warn" else "blocking"
        for node in json.loads(MANIFEST.read_text())["nodes"].values()
        if node["resource_type"] == "test"
    }
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        stored = con.execute(
            "SELECT expectation, passed, observed, severity FROM meta.check_results "
            "WHERE asset = 'dbt' AND check_name = 'dbt_test'"
        ).fetchall()
    finally:
        con.close()
    # Each with the severity its config gives it, passed or not.
    assert {name: severity for name, _, _, severity in stored} == tests
    assert "warning" in tests.values()
    assert len(stored) == len(tests)
    assert all(passed and observed.startswith("pass;") for _, passed, observed, _ in stored)


def test_every_published_table_and_column_carries_its_description(pipeline):
    """published.md: a description on every column, as comments BI tools show."""
    from dagster_project.lib.dbt_manifest import published_descriptions

    settings, _ = pipeline
    con = duckdb.connect(str(settings.published_path), read_only=True)
    tables = dict(
        con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    )
    columns = {
        (table, column): comment
        for table, column, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'marts'"
        ).fetchall()
    }
    con.close()
    described = published_descriptions()
    assert set(tables) == set(described)
    for table, (description, column_descriptions) in described.items():
        assert description and tables[table] == description
        assert {column for t, column in columns if t == table} == set(column_descriptions)
        for column, text in column_descriptions.items():
            assert text and columns[table, column] == text, (table, column)


def test_every_published_table_has_the_primary_key_its_contract_declares(pipeline):
    """published.md: each mart of the publication has a primary key, the one its dbt contract
    declares (the manifest's primary_key constraint), columns in the declared order."""
    from dagster_project.lib.dbt_manifest import published_contracts, published_keys

    settings, _ = pipeline
    con = duckdb.connect(str(settings.published_path), read_only=True)
    keys = con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = 'marts' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
    ).fetchall()
    con.close()
    declared = published_keys()
    assert set(declared) == set(published_contracts()) == {table for (table,) in tables}
    assert sorted((table, tuple(columns)) for table, columns in keys) == sorted(declared.items())


def test_missing_column_quarantines_and_keeps_publication(pipeline, capsys):
    settings, _ = pipeline
    before = hashlib.sha256(settings.published_path.read_bytes()).hexdigest()
    bad = write_export(
        settings.landing_dir / "oekonomi" / "budget_2026_20260110.csv",
        "aar;omkostningssted;funktion;dranst;budgettype",
        ["2026;0111;5.25.11;1;OPR"],
    )
    capsys.readouterr()
    assert cli.main(["run"]) == 1
    err = capsys.readouterr().err
    assert "budget_2026_20260110.csv quarantined: missing required column(s) beloeb" in err
    # The message ends with what to do next and where the details are.
    [details] = re.findall(r"What to do: [^\n]*newer extraction date[^\n]*Details: (\S+)", err)
    assert "What to do" in Path(details).read_text(encoding="utf-8")
    # The failed run's log holds every step and the reason, in plain text.
    [log_path] = re.findall(r"run log: (\S+)", err)
    log = Path(log_path).read_text(encoding="utf-8")
    assert "STEP_START" in log and "ingest_budget" in log and "\x1b[" not in log
    assert "budget_2026_20260110.csv" in log and "missing required column" in log
    assert hashlib.sha256(settings.published_path.read_bytes()).hexdigest() == before
    assert list(settings.quarantine_dir.glob("*budget_2026_20260110.csv.reason.txt"))
    bad.unlink()


def test_redelivered_month_replaces_it_and_known_files_load_once(pipeline):
    settings, _ = pipeline
    corrected = [row.replace("95.000", "99.000") for row in POSTINGS_202502]
    write_export(
        settings.landing_dir / "oekonomi" / "posteringer_202502.csv", POSTINGS_HEADER, corrected
    )
    assert cli.main(["run"]) == 0
    assert _value(settings, "forbrug_drift", "0100", "2025-02")[0] == 364000
    assert _value(settings, "forbrug_drift", "0100", "2025-01")[0] == 325000.5
    con = duckdb.connect(str(settings.published_path), read_only=True)
    ledger = dict(
        con.execute(
            "SELECT file_name || ':' || status, count(*) FROM meta.file_ledger GROUP BY 1"
        ).fetchall()
    )
    con.close()
    assert ledger["posteringer_202501.csv:loaded"] == 1
    assert ledger["posteringer_202502.csv:loaded"] == 1
    assert ledger["posteringer_202502.csv:superseded"] == 1
    assert ledger["budget_2026_20260110.csv:quarantined"] == 1


def test_explain_leads_from_a_figure_to_its_files(pipeline):
    from dagster_project.lib.explain import explain

    settings, _ = pipeline
    found = explain(settings, "enhedsomkostning", "0110", "2025-01")
    # 140.000,50 kr. of drift on 0111 and 0112 over 15 barn-måneder; the anlæg posting on
    # 0110 (line 7) and the postings outside the subtree are not rows of the figure.
    assert found.figure.shown == [
        "As published: 9.333 kr. pr. enhed",
        "numerator (driftsposteringer i måneder med aktivitet): 140.001 kr.",
        "denominator (aktivitet): 15,0 enheder",
    ]
    lines = {
        (source.file_name, part.table): part.lines
        for source in found.sources
        for part in source.parts
    }
    assert lines == {
        ("posteringer_202501.csv", "posteringer"): [2, 3, 4],
        ("aktivitet_202501.csv", "aktivitet"): [2, 3],
        ("organisation_20250105.csv", "organisation"): [3, 4, 5],
    }
    sha = hashlib.sha256(
        (settings.landing_dir / "oekonomi" / "posteringer_202501.csv").read_bytes()
    ).hexdigest()
    assert found.sources[0].sha256 == sha
    assert found.run_id


def test_refunds_larger_than_spending_publish_with_a_warning(pipeline, capsys):
    """Real ledgers have refunds: a month where 0112's refunds exceed its spending gives a
    negative unit cost. That is plausible-but-unusual, not a broken contract: the run
    publishes it, exits 0 and names the warning (check, node, period, value) in its output,
    in the published meta.check_results and in the quality report."""
    settings, _ = pipeline
    write_export(
        settings.landing_dir / "oekonomi" / "posteringer_202503.csv",
        POSTINGS_HEADER,
        [
            "11;10-03-2025;0112;5.25.11;1;1.1;20.000;Løn",
            "12;20-03-2025;0112;5.25.11;1;7.1;-50.000;Tilbagebetaling fra leverandør",
            "13;10-03-2025;0111;5.25.11;1;1.1;90.000;Løn",
        ],
    )
    write_export(
        settings.landing_dir / "reference" / "aktivitet_202503.csv",
        AKTIVITET_HEADER,
        ["0111;DAGPLEJE;10;barn-måneder", "0112;DAGPLEJE;5;barn-måneder"],
    )
    capsys.readouterr()
    assert cli.main(["run"]) == 0
    out = capsys.readouterr().out
    # (20000 - 50000) / 5 children
    assert _value(settings, "enhedsomkostning", "0112", "2025-03") == (-6000, -30000, 5)
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        leon = con.execute(
            "SELECT enhedsomkostning_kr FROM marts.leon_enhedsomkostning "
            "WHERE omkostningssted = '0112' AND periode = '2025-03'"
        ).fetchall()
        stored = con.execute(
            "SELECT c.severity, c.observed FROM meta.check_results c "
            "JOIN meta.publication p USING (run_id) "
            "WHERE c.asset = 'marts.leon_enhedsomkostning' AND NOT c.passed"
        ).fetchall()
    finally:
        con.close()
    assert leon == [(-6000,)]
    [(severity, observed)] = stored
    assert severity == "warning"
    for named in ("0112", "2025-03", "-6000", "enhedsomkostning_kr"):
        assert named in observed
    [line] = [line for line in out.splitlines() if "leon_enhedsomkostning" in line]
    assert line.startswith("warning: marts.leon_enhedsomkostning gx_suite: ")
    for named in ("expect_column_values_to_be_between(enhedsomkostning_kr)", "0112", "-6000"):
        assert named in line
    assert "published database:" in out
    report = (settings.published_dir / "rapport" / "kvalitet.html").read_text(encoding="utf-8")
    warnings = report.split('id="advarsler"')[1].split('id="afviste"')[0]
    assert "enhedsomkostning_kr" in warnings and "0112" in warnings and "2025-03" in warnings


def _documented(section: str) -> dict[tuple[str, ...], str]:
    """docs/quality.md's rows of one section: the cells before the kind, and the kind."""
    from dagster_project.lib.config import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "quality.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.split(f"## {section}")[1].split("\n## ")[0].splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[-2] in ("blocks", "warns"):
            rows[tuple(cells[:-2])] = cells[-2]
    return rows


KEY_EXPECTATIONS = (
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_not_be_null",
)


def test_the_docs_classify_every_check_as_the_code_does(pipeline):
    """docs/quality.md lists every GX expectation and every singular dbt test with the kind
    the code gives it (blocks or warns); a check added, dropped or reclassified without the
    docs fails here."""
    import json

    import pandas as pd

    from dagster_project.defs.ingest.assets import ALL_SPECS
    from dagster_project.defs.publish import primary_keys
    from dagster_project.lib import raw_validation
    from dagster_project.lib.config import DBT_PROJECT_DIR
    from expectations import marts, raw_sources

    settings, _ = pipeline
    specs = {t.table: t for spec in ALL_SPECS for t in (spec.sheets or (spec,))}
    suites = []
    for table in raw_validation.SUITE_TABLES:
        columns = [name for name, _ in specs[table].raw_columns()]
        columns += re.findall(r"AS (\w+)", raw_validation.EXTRA_COLUMNS.get(table, ""))
        frame = pd.DataFrame({name: pd.Series([], dtype="object") for name in columns})
        suites.append((f"raw.{table}", getattr(raw_sources, table)(frame), raw_sources.LINEAGE))
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        empty = lambda query: con.execute(query).df().head(0)  # noqa: E731
        suites.append(
            ("marts.kpi_values", marts.kpi_values(empty(marts.kpi_frame_query()), [], []), ())
        )
        suites.append(("marts.kpi_values(reconciliation)", marts.reconciliation(None), ()))
        suites.append(
            ("marts.kpi_values(coverage)", marts.coverage(empty(marts.COVERAGE_QUERY)), ())
        )
        for mart, suite in marts.MART_SUITES.items():
            built = suite.build(empty(suite.query))
            suites.append((f"marts.{mart}", built, ()))
    finally:
        con.close()
    keys = primary_keys()
    in_code = {}
    for asset, expectations, lineage in suites:
        for expectation in expectations:
            kwargs = expectation.configuration.kwargs
            column = kwargs.get("column") or ",".join(
                kwargs.get("column_list") or [kwargs.get("column_A"), kwargs.get("column_B")]
            )
            if column in lineage:
                continue  # the lineage row common to every raw suite
            key = keys.get(asset.removeprefix("marts."), ())
            if expectation.expectation_type in KEY_EXPECTATIONS and (
                column in key or column == ",".join(key)
            ):
                continue  # the key row common to every mart suite
            kind = "warns" if expectation.severity.value == "warning" else "blocks"
            in_code[(asset, expectation.expectation_type, column)] = kind
    assert _documented("Great Expectations") == in_code

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    singular = {
        (node["name"],): "warns" if node["config"]["severity"].lower() == "warn" else "blocks"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and not node.get("test_metadata")
    }
    generic = {
        node["test_metadata"]["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("test_metadata")
    }
    documented = _documented("dbt tests")
    assert {row: kind for row, kind in documented.items() if row[0].startswith("assert_")} == (
        singular
    )
    named = " ".join(row[0] for row in documented)
    assert all(kind in named for kind in generic)
