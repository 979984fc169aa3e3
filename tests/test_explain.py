"""`maalbar explain`: every published figure traced to its files and rows.

The formatting and the wrapping are tested on their own; the rest on a real run of the demo
municipality (scale S): every KPI and goal indicator explains, a figure worked out by hand
from a landing file, and the rows listed recomputed into the published figures.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project import cli
from dagster_project.lib import explain as explaining
from dagster_project.lib.config import Settings
from dagster_project.lib.danish import parse_decimal
from dagster_project.lib.formatting import format_date, format_figure, format_number

MAALBAR = str(Path(sys.executable).parent / "maalbar")
SOURCE_HEADER = re.compile(r"^(\S+)\n  SHA-256 ([0-9a-f]{64})$", re.MULTILINE)
# A file's rows used: `    NAME lines 2, 5, ...` (a sheet's: `rows`), wrapped onto lines
# indented by six, and perhaps `(the first 20 of 1.227; ...)`.
ROWS_USED = re.compile(r"^ {4}(\S+) (?:lines?|rows?) ((?:.|\n {6})*)", re.MULTILINE)


def _rows_used(out: str) -> dict[str, list[int]]:
    used: dict[str, list[int]] = {}
    for name, text in ROWS_USED.findall(out):
        numbers = re.findall(r"[0-9]+", text.split("(")[0])
        used.setdefault(name, []).extend(int(n) for n in numbers)
    return used


# --- Formatting ------------------------------------------------------------------------------


def test_figures_are_shown_in_danish_rounded_by_their_unit():
    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_number(-1234.5, 0) == "-1.235"  # half away from zero, as by hand
    assert format_number(0.25, 1) == "0,3"  # Python's round gives 0.2
    assert format_number(-0.04, 1) == "0,0"  # never "-0,0"
    assert format_figure(82.72146194562539, "%") == "82,7 %"
    assert format_figure(1234567.5, "kr.") == "1.234.568 kr."
    assert format_figure(45123.4, "kr. pr. indbygger") == "45.123 kr. pr. indbygger"
    assert format_figure(1.2345, "dage") == "1,23 dage"
    assert format_figure(3.8412, "point") == "3,84 point"
    assert format_figure(128.44, "årsværk") == "128,4 årsværk"
    assert format_figure(1227, "antal") == "1.227"
    assert format_figure(7.125, "borgere pr. uge") == "7,13 borgere pr. uge"  # unknown: 2
    assert format_figure(None, "%") == ""
    assert format_date(date(2026, 11, 5)) == "5. november 2026"
    assert format_date(datetime(2026, 12, 6, 21, 9)) == "6. december 2026 kl. 21.09"


def test_a_narrow_terminal_wraps_between_words_and_never_cuts_a_name():
    long_name = "indikatorvaerdier_SKOLE-TRIVSEL-OG-LAESNING_20261105.csv"
    figure = explaining.Figure(
        kind="KPI",
        figure_id="forbrug_drift",
        name="Forbrug, drift",
        node="0100",
        node_name="Søholm Kommune",
        subtree_size=3,
        period="2026-03",
        definition=["Definition (marts.dim_kpi): Σ driftsposteringer i perioden " * 3],
        shown=["As published: 1.234 kr."],
        kpi="forbrug_drift",
        feeds=[],
    )
    source = explaining.SourceFile(long_name, "a" * 64, "20261105", "", None)
    source.parts.append(explaining.Part("posteringer", "drift postings", 30, list(range(2, 22))))
    found = explaining.Explanation(
        figure,
        "1. marts 2026 to 31. marts 2026",
        "run-1",
        datetime(2026, 12, 6, 21, 19),
        [source],
        None,
        [],
    )

    text = explaining.render(found, width=40)

    assert f"\n{long_name}\n  SHA-256 {'a' * 64}\n" in text
    assert text.count(long_name) == 2 and "lines 2, 3, 4," in text
    assert "(the first 20 of 30; --all lists every one)" in " ".join(text.split())
    for line in text.splitlines():
        assert len(line) <= 40 or long_name in line or "a" * 64 in line, line


# --- On the demo municipality ---------------------------------------------------------------


def _env(data_dir: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MAALBAR_DATA_DIR": str(data_dir),
        "MAALBAR_LANDING_DIR": str(landing),
        "MAALBAR_PSEUDONYM_KEY": "explain-key",
        "DAGSTER_HOME": str(data_dir / "dagster"),
        "COLUMNS": "100",
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("explain")
    settings = Settings(data_dir=root / "data", landing_dir=root / "landing")
    subprocess.run(
        [MAALBAR, "demo", "--out", str(settings.landing_dir), "--scale", "S"],
        check=True,
        capture_output=True,
    )
    run = subprocess.run(
        [MAALBAR, "run"],
        env=_env(settings.data_dir, settings.landing_dir),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return settings


@pytest.fixture
def demo_env(demo, monkeypatch) -> Settings:
    monkeypatch.setenv("MAALBAR_DATA_DIR", str(demo.data_dir))
    monkeypatch.setenv("MAALBAR_LANDING_DIR", str(demo.landing_dir))
    monkeypatch.setenv("COLUMNS", "100")
    return demo


def _published(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _explain(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_traced(settings: Settings, out: str) -> None:
    """At least one source file with the SHA-256 of a file the publication loaded, and its
    rows as file and line."""
    loaded = set(
        _published(
            settings,
            "SELECT file_name, file_sha256 FROM meta.file_ledger WHERE status = 'loaded'",
        )
    )
    sources = SOURCE_HEADER.findall(out)
    assert sources, out
    assert set(sources) <= loaded, out
    used = _rows_used(out)
    assert used, out
    assert set(used) <= {name for name, _ in sources}
    assert all(line >= 2 for lines in used.values() for line in lines), out


@pytest.mark.slow
def test_one_row_of_every_kpi_explains(demo_env, capsys):
    # One published row per KPI, spread over nodes and periods by a fixed hash.
    rows = _published(
        demo_env,
        """SELECT k.kpi_id, k.omkostningssted, k.periode, k.vaerdi, k.undertrykt, d.enhed
        FROM marts.kpi_values k JOIN marts.dim_kpi d USING (kpi_id)
        QUALIFY row_number() OVER (
            PARTITION BY k.kpi_id ORDER BY hash(k.omkostningssted || k.periode)) = 1
        ORDER BY 1""",
    )
    all_kpis = _published(demo_env, "SELECT DISTINCT kpi_id FROM marts.kpi_values")
    assert len(rows) == len(all_kpis) >= 22  # every KPI of kpis.md, each trivsel theme
    for kpi, node, period, value, suppressed, unit in rows:
        code, out, err = _explain(capsys, kpi, node, period)
        assert code == 0, f"{kpi} {node} {period}: {err}"
        shown = "undertrykt" if suppressed else format_figure(value, unit)
        assert f"\nAs published: {shown}" in out, out
        _assert_traced(demo_env, out)


@pytest.mark.slow
def test_one_row_of_every_goal_indicator_explains(demo_env, capsys):
    rows = _published(
        demo_env,
        """SELECT indikator_id, omkostningssted, periode, vaerdi FROM marts.goal_progress
        QUALIFY row_number() OVER (
            PARTITION BY indikator_id ORDER BY vaerdi IS NULL, periode DESC) = 1
        ORDER BY 1""",
    )
    kinds = {
        kpi is None for (kpi,) in _published(demo_env, "SELECT kpi FROM marts.indicator_portfolio")
    }
    assert len(rows) > 40 and kinds == {True, False}  # KPI and delivered indicators
    for indicator, node, period, value in rows:
        code, out, err = _explain(capsys, indicator, node, period)
        assert code == 0, f"{indicator} {node} {period}: {err}"
        assert "(goal indicator)" in out and "\n  status: " in out
        without = re.search(r"^As published: (no value|undertrykt)", out, re.MULTILINE)
        assert (value is None) == bool(without), out
        _assert_traced(demo_env, out)
        # The catalogue row that set its baseline and target is always among the rows.
        assert re.search(r"maalkatalog_\d{8}\.xlsx row \d+", out), out


@pytest.mark.slow
def test_a_leaf_s_drift_spend_is_its_landing_file_s_rows(demo_env, capsys):
    """forbrug_drift of a leaf in a month, worked out from the landing file by hand: the sum
    of its drift postings (dranst 1, 2), and exactly those lines."""
    node, month = _published(
        demo_env,
        """SELECT k.omkostningssted, k.periode FROM marts.kpi_values k
        JOIN marts.dim_organisation o USING (omkostningssted)
        WHERE k.kpi_id = 'forbrug_drift' AND k.periodetype = 'maaned' AND o.er_blad
        ORDER BY k.periode DESC, k.omkostningssted LIMIT 1""",
    )[0]
    name = f"posteringer_{month.replace('-', '')}.csv"
    ((encoding,),) = _published(
        demo_env,
        "SELECT encoding FROM meta.file_ledger WHERE file_name = ? AND status = 'loaded'",
        [name],
    )
    total, lines = Decimal(0), []
    with open(demo_env.landing_dir / "oekonomi" / name, encoding=encoding, newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        for row in reader:
            if row["omkostningssted"] == node and row["dranst"].strip() in ("1", "2"):
                total += parse_decimal(row["beloeb"])
                lines.append(reader.line_num)
    kroner = f"{int(total.quantize(Decimal(1), ROUND_HALF_UP)):,}".replace(",", ".")

    code, out, _ = _explain(capsys, "forbrug_drift", node, month, "--all")

    assert code == 0
    assert f"\nAs published: {kroner} kr.\n" in out
    assert _rows_used(out)[name] == lines


def _listed(con: duckdb.DuckDBPyConnection, found, table: str) -> str:
    """The raw rows of `table` that explain listed, as a temporary table."""
    keys = [
        (source.file_name, source.sha256, line)
        for source in found.sources
        for part in source.parts
        if part.table == table
        for line in part.lines
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE used_{table} AS SELECT r.* FROM raw.{table} r "
        "JOIN (SELECT unnest($1) AS f, unnest($2) AS s, unnest($3) AS n) k "
        "ON r._file_name = k.f AND r._file_sha256 = k.s AND r._line_number = k.n",
        [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]],
    )
    return f"used_{table}"


# Each figure recomputed from the listed rows alone, by kpis.md: (numerator, denominator).
# $first and $last bound the period, $start is the turnover window's first day, $horizon the
# HR horizon (from the employments' extraction date, not from explain).
POSSIBLE = """SELECT sum(e.beskaeftigelsesgrad) FROM used_ansaettelser e
    JOIN raw.kalender k ON k.er_arbejdsdag AND k.dato
        BETWEEN greatest(e.startdato, $first) AND least(coalesce(e.slutdato, $last), $last)"""
SICK_DAYS = """WITH spells AS (
        SELECT f.*, e.beskaeftigelsesgrad AS g, e.startdato, e.slutdato,
            coalesce(f.til_dato, $horizon) - f.fra_dato + 1 > 30 AS long_term,
            coalesce(f.timer_pr_dag / 7.4, e.beskaeftigelsesgrad) AS asked
        FROM used_fravaer f JOIN used_ansaettelser e USING (ansaettelsesnr)),
    days AS (
        SELECT s.ansaettelsesnr, k.dato, any_value(s.g) AS g,
            coalesce(sum(asked) FILTER (WHERE NOT long_term), 0) AS short,
            coalesce(sum(asked) FILTER (WHERE long_term), 0) AS long
        FROM spells s JOIN raw.kalender k ON k.er_arbejdsdag AND k.dato
            BETWEEN greatest(s.fra_dato, s.startdato, $first)
            AND least(coalesce(s.til_dato, $horizon), coalesce(s.slutdato, $horizon), $last)
        GROUP BY ALL)
    SELECT sum(least(g, short + long) * {share} / nullif(short + long, 0)) FROM days"""
PERSONS_ON = """SELECT person_id FROM used_ansaettelser
    WHERE startdato <= {day} AND (slutdato IS NULL OR slutdato >= {day})"""
S, E = PERSONS_ON.format(day="$start"), PERSONS_ON.format(day="$last")
DRIFT_SUM = "SELECT sum(beloeb) FROM used_posteringer"
RECOMPUTED = {
    "forbrug_drift": (DRIFT_SUM, None),
    "korrigeret_budget_drift": ("SELECT sum(beloeb) FROM used_budget", None),
    "forbrugsprocent_drift": (
        "SELECT coalesce(sum(beloeb), 0) FROM used_posteringer",
        "SELECT sum(beloeb) FROM used_budget",
    ),
    "driftsudgift_pr_indbygger": (DRIFT_SUM, "SELECT sum(antal) FROM used_befolkning"),
    "enhedsomkostning": (DRIFT_SUM, "SELECT sum(antal) FROM used_aktivitet"),
    "aarsvaerk": (POSSIBLE, None),
    "sygefravaer_pct": (SICK_DAYS.format(share="(short + long)"), POSSIBLE),
    "korttidssygefravaer_pct": (SICK_DAYS.format(share="short"), POSSIBLE),
    "langtidssygefravaer_pct": (SICK_DAYS.format(share="long"), POSSIBLE),
    "medarbejdere": (f"SELECT count(DISTINCT person_id) FROM ({E})", None),
    "personaleomsaetning_afgang_pct": (
        f"SELECT count(*) FROM ({S} EXCEPT {E})",
        f"SELECT count(DISTINCT person_id) FROM ({S})",
    ),
    "personaleomsaetning_tilgang_pct": (
        f"SELECT count(*) FROM ({E} EXCEPT {S})",
        f"SELECT count(DISTINCT person_id) FROM ({S})",
    ),
    "trivsel_ledelse": (
        "SELECT sum(score) FROM used_besvarelser",
        "SELECT count(*) FROM used_besvarelser",
    ),
    "svarprocent": (
        "SELECT count(DISTINCT runde || besvarelse_id) FROM used_besvarelser",
        "SELECT sum(antal_inviterede) FROM used_inviterede",
    ),
    "forslag_indsendt": ("SELECT count(*) FROM used_forslag", None),
    "forslag_gennemfoert_pct": (
        "SELECT count(*) FILTER (WHERE status = 'gennemfoert') FROM used_forslag",
        "SELECT count(*) FROM used_forslag",
    ),
}
RAW_TABLES = (
    "posteringer",
    "budget",
    "befolkning",
    "aktivitet",
    "ansaettelser",
    "fravaer",
    "besvarelser",
    "inviterede",
    "forslag",
)


def _bounds(con, period: str) -> dict:
    """An HR period's days: a month, or a year up to the horizon."""
    first = date(int(period[:4]), int(period[5:7]) if len(period) == 7 else 1, 1)
    (last,) = con.execute(
        "SELECT last_day(?::DATE)", [first if len(period) == 7 else f"{period}-12-01"]
    ).fetchone()
    if len(period) == 7:
        (start,) = con.execute("SELECT (?::DATE - INTERVAL 11 MONTH)::DATE", [first]).fetchone()
    else:
        start = first
    (horizon,) = con.execute(
        "SELECT (date_trunc('month', max(extraction_date) + 1) - INTERVAL 1 DAY)::DATE "
        "FROM raw.ansaettelser"
    ).fetchone()
    return {"first": first, "last": min(last, horizon), "start": start, "horizon": horizon}


@pytest.mark.slow
@pytest.mark.parametrize("kpi", sorted(RECOMPUTED))
def test_the_rows_listed_are_the_rows_of_the_figure(demo_env, kpi):
    """Recomputed from exactly the rows explain lists, each figure is the published one: a
    row missing, or one too many, changes a sum or a count."""
    figures = _published(
        demo_env,
        """SELECT omkostningssted, periode, taeller, naevner FROM marts.kpi_values
        WHERE kpi_id = ? AND NOT undertrykt
            AND (omkostningssted != '0100' OR kpi_id = 'driftsudgift_pr_indbygger')
        QUALIFY row_number() OVER (
            PARTITION BY periodetype ORDER BY hash(omkostningssted || periode)) = 1""",
        [kpi],
    )
    assert figures
    for node, period, numerator, denominator in figures:
        found = explaining.explain(demo_env, kpi, node, period, all_rows=True)
        con = duckdb.connect(str(demo_env.warehouse_path), read_only=True)
        try:
            for table in RAW_TABLES:
                _listed(con, found, table)
            bounds = _bounds(con, period)
            top, bottom = RECOMPUTED[kpi]
            for sql, published in ((top, numerator), (bottom, denominator)):
                if sql is None:
                    continue
                params = {k: v for k, v in bounds.items() if f"${k}" in sql}
                (got,) = con.execute(sql, params).fetchone()
                assert float(got or 0) == pytest.approx(published, rel=1e-9, abs=1e-9), (
                    kpi,
                    node,
                    period,
                    sql,
                )
        finally:
            con.close()


@pytest.mark.slow
def test_all_lists_every_row_the_default_caps(demo_env, capsys):
    node, month = (
        "0100",
        _published(
            demo_env,
            "SELECT max(periode) FROM marts.kpi_values WHERE kpi_id = 'forbrug_drift' "
            "AND periodetype = 'maaned'",
        )[0][0],
    )
    code, capped, _ = _explain(capsys, "forbrug_drift", node, month)
    assert code == 0
    name = f"posteringer_{month.replace('-', '')}.csv"
    total = int(re.search(r"\(the first 20 of ([0-9.]+);", capped).group(1).replace(".", ""))
    assert len(_rows_used(capped)[name]) == 20

    code, everything, _ = _explain(capsys, "forbrug_drift", node, month, "--all")

    assert code == 0
    assert len(_rows_used(everything)[name]) == total > 20
    assert "--all lists every one" not in everything


@pytest.mark.slow
def test_an_unknown_figure_exits_1_with_one_line(demo):
    env = _env(demo.data_dir, demo.landing_dir)
    node = "0100"
    cases = {
        ("sygefravaer_pcct", node, "2025"): "unknown figure sygefravaer_pcct",
        ("sygefravaer_pct", "99999", "2025"): "unknown cost centre 99999",
        ("sygefravaer_pct", node, "1999-01"): "no published figure for 0100 in 1999-01",
        ("sygefravaer_pct", node, "2025-13"): "period 2025-13 is not",
        ("I04", node, "2025-01"): "goal indicator I04 is published for cost centre",
    }
    for args, reason in cases.items():
        result = subprocess.run(
            [MAALBAR, "explain", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and reason in result.stderr, result.stderr


@pytest.mark.slow
def test_explain_writes_nothing_and_says_so_while_a_run_holds_the_warehouse(demo):
    env = _env(demo.data_dir, demo.landing_dir)
    before = {
        path: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (demo.warehouse_path, demo.published_path)
    }
    explained = subprocess.run(
        [MAALBAR, "explain", "sygefravaer_pct", "0100", "2025"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert explained.returncode == 0, explained.stderr
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert not demo.warehouse_path.with_suffix(".duckdb.wal").exists()

    # A run holds the warehouse open for writing from its start to its publication.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(demo.warehouse_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        blocked = subprocess.run(
            [MAALBAR, "explain", "sygefravaer_pct", "0100", "2025"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.communicate("")
    assert blocked.returncode == 1
    assert blocked.stderr.count("\n") == 1 and "a run is writing the warehouse" in blocked.stderr


@pytest.mark.slow
def test_rows_of_a_delivery_after_the_publication_are_not_listed(demo, tmp_path, capsys):
    """A run that loaded a file and stopped before publishing leaves the warehouse ahead of
    the publication: the figure is explained from the publication's files, and says so."""
    settings = Settings(data_dir=tmp_path / "data", landing_dir=demo.landing_dir)
    for path in (demo.warehouse_path, demo.published_path):
        target = settings.data_dir / path.relative_to(demo.data_dir)
        target.parent.mkdir(parents=True)
        target.write_bytes(path.read_bytes())
    month = _published(
        demo,
        "SELECT max(periode) FROM marts.kpi_values WHERE kpi_id = 'forbrug_drift' "
        "AND periodetype = 'maaned'",
    )[0][0]
    name = f"posteringer_{month.replace('-', '')}.csv"
    con = duckdb.connect(str(settings.warehouse_path))
    try:  # the month delivered again with one more posting, loaded but not published
        con.execute(
            "UPDATE meta.file_ledger SET status = 'superseded' WHERE file_name = ? "
            "AND status = 'loaded'",
            [name],
        )
        con.execute(
            "INSERT INTO meta.file_ledger (file_name, file_sha256, source, raw_table, status) "
            "VALUES (?, ?, 'oekonomi', 'posteringer', 'loaded')",
            [name, "b" * 64],
        )
        con.execute(
            "UPDATE raw.posteringer SET _file_sha256 = ? WHERE _file_name = ?", ["b" * 64, name]
        )
    finally:
        con.close()

    found = explaining.explain(settings, "forbrug_drift", "0100", month)

    assert name not in {source.file_name for source in found.sources}
    assert found.notes and "2 file(s) differ" in found.notes[0]
