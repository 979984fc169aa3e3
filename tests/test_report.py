"""The report (docs/report.md): its pages, their figures against the publication, what a
reader must never see, and the pages in a real browser (the system Chromium, through
Playwright): WCAG 2.1 AA by axe-core, and no request outside the report's folder.

The report of the session's S demo run (`reference_run`, whose `maalbar run` wrote it) is
checked page by page; a copy of its publication with initiatives and quality findings added
is rendered once more for what the demo does not have.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from dagster_project import report
from dagster_project.lib.formatting import format_figure, format_number, format_period
from dagster_project.report import charts, site
from dagster_project.report.data import KpiValue, Node, Publication
from dagster_project.report.stralis import rolling, year_end
from dagster_project.report.words import months_back, periods_between, slug
from tests.conftest import MAALBAR, maalbar_env

CHROMIUM = Path("/usr/bin/chromium")
# A browser without a network of its own: no updates, no sync, nothing fetched at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
A4_POINTS = (595.28, 841.89)


# --- the pages as a parser sees them ---------------------------------------------------


class Page(HTMLParser):
    """A page's language, meta tags, links, h1, and every element carrying a figure's data
    attributes with its text."""

    FIGURE_ATTRS = ("data-kpi", "data-indikator", "data-afledt", "data-undertrykt")

    def __init__(self, text: str):
        super().__init__()
        self.lang = None
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.figures: list[tuple[dict, str]] = []
        self.initiatives: list[tuple[dict, str]] = []
        self.h1 = ""
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "meta" and attrs.get("name", "").startswith("maalbar:"):
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if (
            tag == "h1"
            or any(name in attrs for name in self.FIGURE_ATTRS)
            or ("data-indsats" in attrs)
        ):
            self._open.append((tag, attrs, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _, attrs, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if tag == "h1":
                self.h1 = text
            elif "data-indsats" in attrs:
                self.initiatives.append((attrs, text))
            else:
                self.figures.append((attrs, text))
            if self._open:
                self._open[-1][2].append(" " + text + " ")

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def pages_of(folder: Path) -> dict[str, Page]:
    return {
        path.stem: Page(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.html"))
    }


@pytest.fixture(scope="module")
def published(reference_run) -> Path:
    return reference_run / "published" / "maalbar.duckdb"


@pytest.fixture(scope="module")
def folder(reference_run) -> Path:
    return reference_run / "published" / "rapport"


@pytest.fixture(scope="module")
def pages(folder) -> dict[str, Page]:
    return pages_of(folder)


@pytest.fixture(scope="module")
def db(published):
    con = duckdb.connect(str(published), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def browser():
    # Never `playwright install`: the tests drive the Debian chromium package, which .ci/run
    # installs when it is missing. A missing browser fails here; it is not skipped.
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install the Debian chromium package"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- pure helpers ------------------------------------------------------------------------


def test_periods_read_as_a_reader_writes_them():
    assert format_period("2026-10") == "oktober 2026"
    assert format_period("2026-Q3") == "3. kvartal 2026"
    assert format_period("2026") == "2026"
    assert periods_between("2025-Q4", "2026-Q2") == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert months_back("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert slug("ØU") == "oeu" and slug("02101") == "02101"


def test_chart_axes_take_round_steps_and_danish_labels():
    assert charts.ticks(0.0, 7.4) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert charts.ticks(4.5, 7.0) == [4.0, 5.0, 6.0, 7.0]
    svg = charts.line_chart("g", "Graf", ["jan.", "feb."], [charts.Line("x", [1.25, 2.5], "#000")])
    assert 'role="img"' in svg and 'aria-labelledby="g-titel"' in svg
    assert ">1,5<" in svg and "1.5" not in re.sub(r'"[^"]*"', "", svg)  # labels, not coordinates


def _publication(values: dict) -> Publication:
    nodes = {
        "0100": Node("0100", "Kommunen", None, "kommune", 0, None, True, False),
        "0110": Node("0110", "Området", "0100", "omraade", 1, "BUU", False, True),
    }
    return Publication("run", datetime(2026, 4, 6), {}, nodes, values)


def test_the_expected_year_end_follows_last_years_months():
    """Last year spent 100 a month and 300 in December (1,400 in all, 300 by March); this
    year 330 by March: 330 · 1,400 / 300 = 1,540. Without last year's December, linear:
    330 · 12 / 3 = 1,320."""
    values = {
        ("forbrug_drift", node, f"2025-{m:02d}"): KpiValue(
            300.0 if m == 12 else 100.0, None, None, False
        )
        for node in ("0100", "0110")
        for m in range(1, 13)
    }
    values[("forbrug_drift", "0110", "2026")] = KpiValue(330.0, None, None, False)
    values[("korrigeret_budget_drift", "0110", "2026")] = KpiValue(1600.0, None, None, False)
    forecast = year_end(_publication(values), "0110", 2026, 3)
    assert forecast.method == "profil" and forecast.value == pytest.approx(1540.0)
    assert forecast.path[-1] == pytest.approx(100 * 1540 / 1600)
    del values[("forbrug_drift", "0100", "2025-12")]
    linear = year_end(_publication(values), "0110", 2026, 3)
    assert linear.method == "lineaer" and linear.value == pytest.approx(1320.0)


def test_a_rolling_year_is_its_months_sums_and_hides_with_any_hidden_month():
    values = {
        ("sygefravaer_pct", "0110", month): KpiValue(None, 2.0, 40.0, False)
        for month in months_back("2026-03", 12)
    }
    values[("sygefravaer_pct", "0110", "2026-03")] = KpiValue(None, 8.0, 40.0, False)
    pub = _publication(values)
    value, hidden = rolling(pub, "sygefravaer_pct", "0110", "2026-03", "2025-04")
    assert not hidden and value == pytest.approx(100 * (11 * 2 + 8) / (12 * 40))
    assert rolling(pub, "sygefravaer_pct", "0110", "2026-03", "2025-05") == (None, False)
    values[("sygefravaer_pct", "0110", "2025-09")] = KpiValue(None, None, None, True)
    assert rolling(pub, "sygefravaer_pct", "0110", "2026-03", "2025-04") == (None, True)


def test_the_report_never_replaces_a_folder_that_is_not_a_report(tmp_path):
    kept = tmp_path / "mine"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        site.check_target(kept)
    site.check_target(tmp_path / "new")  # a new or empty folder is fine
    done = subprocess.run(
        [MAALBAR, "report", "--out", str(kept)],
        env=maalbar_env(tmp_path / "data", tmp_path / "landing"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "not a Maalbar report" in done.stderr
    assert (kept / "notes.txt").read_text() == "mine"


# --- the demo's report ----------------------------------------------------------------


def _expected_pages(db) -> dict[str, tuple[str, str | None]]:
    """file stem -> (niveau, emne) of every page the publication calls for."""
    expected = {
        "index": ("indeks", None),
        "stralis": ("stralis", None),
        "kvalitet": ("kvalitet", None),
    }
    for (code,) in db.execute("SELECT fagudvalg FROM marts.polis_udvalg").fetchall():
        expected[f"polis-{slug(code)}"] = ("polis", code)
    for (node,) in db.execute("SELECT DISTINCT omkostningssted FROM marts.kpi_values").fetchall():
        expected[f"virklis-{slug(node)}"] = ("virklis", node)
    return expected


@pytest.mark.slow
def test_the_run_wrote_a_page_and_an_a4_pdf_for_everything_published(folder, pages, db):
    from pypdf import PdfReader

    (run_id,) = db.execute("SELECT run_id FROM meta.publication").fetchone()
    assert (folder / site.MARKER).read_text().strip() == run_id
    expected = _expected_pages(db)
    assert set(pages) == set(expected)
    assert len([name for name in pages if name.startswith("virklis-")]) > 100
    for name, page in pages.items():
        pdf = PdfReader(folder / f"{name}.pdf")
        for sheet in pdf.pages:
            size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
            assert size == pytest.approx(A4_POINTS, abs=0.5), (name, size)
        # Tagged for screen readers, in Danish, titled.
        assert (
            pdf.trailer["/Root"]["/MarkInfo"]["/Marked"]
            and "/StructTreeRoot" in (pdf.trailer["/Root"])
        ), name
        assert pdf.trailer["/Root"]["/Lang"] == "da-DK", name
        assert pdf.metadata.title.startswith(page.h1), (name, pdf.metadata.title)
        # The same page: its title is on the PDF's first sheet.
        first = " ".join(pdf.pages[0].extract_text().split())
        assert page.h1 and page.h1 in first, (name, page.h1, first[:200])


@pytest.mark.slow
def test_pages_declare_their_level_subject_and_language(pages, db):
    expected = _expected_pages(db)
    for name, page in pages.items():
        niveau, emne = expected[name]
        assert page.lang == "da", name
        assert page.meta.get("maalbar:niveau") == niveau, name
        assert page.meta.get("maalbar:emne") == emne, name
    linked = {href.removesuffix(".html") for href in pages["index"].links if href.endswith(".html")}
    assert linked >= set(pages) - {"index"}


@pytest.mark.slow
def test_every_figure_cell_is_the_published_figure_rounded(pages, db):
    """Each cell naming a KPI figure shows kpi_values' value as the formatter rounds it by
    the KPI's unit; each indicator cell goal_progress' value; each derived cell the figure
    recomputed here from kpi_values by the definition in docs/report.md."""
    units = dict(db.execute("SELECT kpi_id, enhed FROM marts.dim_kpi").fetchall())
    kpi_rows = {
        (k, n, p): (v, u)
        for k, n, p, v, u in db.execute(
            "SELECT kpi_id, omkostningssted, periode, vaerdi, undertrykt FROM marts.kpi_values"
        ).fetchall()
    }
    progress = {
        (i, p): (v, unit, kpi, node)
        for i, p, v, unit, kpi, node in db.execute(
            "SELECT f.indikator_id, f.periode, f.vaerdi, f.enhed, i.kpi, f.omkostningssted "
            "FROM marts.polis_indikatorforloeb f JOIN marts.polis_indikatorer i USING "
            "(indikator_id)"
        ).fetchall()
    }
    counted = {"kpi": 0, "indikator": 0, "afledt": 0}
    for name, page in pages.items():
        for attrs, text in page.figures:
            where = (name, attrs, text)
            if "data-kpi" in attrs:
                counted["kpi"] += 1
                key = (attrs["data-kpi"], attrs["data-omkostningssted"], attrs["data-periode"])
                if key not in kpi_rows:
                    assert attrs.get("data-mangler") == "true", where
                    continue
                value, suppressed = kpi_rows[key]
                if suppressed:
                    assert attrs.get("data-undertrykt") == "true", where
                else:
                    assert text == format_figure(value, units[key[0]]), where
            elif "data-indikator" in attrs:
                counted["indikator"] += 1
                value, unit, kpi, node = progress[(attrs["data-indikator"], attrs["data-periode"])]
                if value is None:
                    behind = kpi_rows.get((kpi, node, attrs["data-periode"]))
                    hidden = behind is not None and behind[1]
                    assert attrs.get("data-undertrykt" if hidden else "data-mangler") == "true"
                else:
                    assert text == format_figure(value, unit), where
            elif "data-afledt" in attrs:
                counted["afledt"] += 1
                _check_derived(db, attrs, text)
    assert counted["kpi"] > 5000 and counted["indikator"] > 400 and counted["afledt"] > 50, counted


def _check_derived(db, attrs: dict, text: str) -> None:
    what, node, period = attrs["data-afledt"], attrs["data-omkostningssted"], attrs["data-periode"]
    if what.startswith("rullende_12_"):
        kpi = what.removeprefix("rullende_12_")
        first = db.execute(
            "SELECT min(periode) FROM marts.kpi_values k JOIN marts.dim_organisation o "
            "USING (omkostningssted) WHERE o.er_rod AND kpi_id = ? AND periodetype = 'maaned'",
            [kpi],
        ).fetchone()[0]
        window = months_back(period, 12)
        numerator, denominator, hidden = db.execute(
            "SELECT sum(taeller), sum(naevner), coalesce(bool_or(undertrykt), false) "
            "FROM marts.kpi_values WHERE kpi_id = ? AND omkostningssted = ? "
            "AND periodetype = 'maaned' AND periode BETWEEN ? AND ?",
            [kpi, node, window[0], window[-1]],
        ).fetchone()
        if window[0] < first:
            assert attrs.get("data-mangler") == "true", attrs
        elif hidden:
            assert attrs.get("data-undertrykt") == "true" and text == "For få", attrs
        else:
            assert text == format_figure(100 * numerator / denominator, "%"), (attrs, text)
        return
    if len(period) != 4:
        return  # the months of the expected path end in the year's figure, checked below
    year = int(period)
    (month,) = db.execute(
        "SELECT max(periode) FROM marts.kpi_values k JOIN marts.dim_organisation o "
        "USING (omkostningssted) WHERE o.er_rod AND kpi_id = 'forbrug_drift' "
        "AND periodetype = 'maaned' AND periode LIKE ?",
        [f"{year}-%"],
    ).fetchone()
    horizon = int(month[5:])
    so_far, budget, previous, same, complete = db.execute(
        """
        SELECT
            (SELECT vaerdi FROM marts.kpi_values WHERE kpi_id = 'forbrug_drift'
                AND omkostningssted = $node AND periode = $year),
            (SELECT vaerdi FROM marts.kpi_values WHERE kpi_id = 'korrigeret_budget_drift'
                AND omkostningssted = $node AND periode = $year),
            (SELECT sum(vaerdi) FROM marts.kpi_values WHERE kpi_id = 'forbrug_drift'
                AND omkostningssted = $node AND periode LIKE $last || '-%'),
            (SELECT sum(vaerdi) FROM marts.kpi_values WHERE kpi_id = 'forbrug_drift'
                AND omkostningssted = $node AND periode BETWEEN $last || '-01'
                AND $last || '-' || lpad($horizon::VARCHAR, 2, '0')),
            (SELECT count(*) > 0 FROM marts.kpi_values k JOIN marts.dim_organisation o
                USING (omkostningssted) WHERE o.er_rod AND kpi_id = 'forbrug_drift'
                AND periode = $last || '-12')
        """,
        {"node": node, "year": str(year), "last": str(year - 1), "horizon": horizon},
    ).fetchone()
    # Last year's monthly profile, or a straight line without a complete year before.
    profile = previous / same if complete and previous and same else 12 / horizon
    expected = so_far * profile
    shown = {
        "forventet_aarsresultat": format_figure(expected, "kr."),
        "forventet_afvigelse": format_figure(budget - expected, "kr."),
        "forventet_forbrugsprocent": format_figure(100 * expected / budget, "%"),
    }
    assert text == shown[what], (attrs, text, shown[what])


@pytest.mark.slow
def test_no_suppressed_figure_is_shown(pages, db):
    """A figure suppressed for discretion is shown as words ("For få") and never as a number:
    every cell for a suppressed kpi_values row says so, and no cell marked suppressed has a
    digit in it."""
    suppressed = {
        tuple(row)
        for row in db.execute(
            "SELECT kpi_id, omkostningssted, periode FROM marts.kpi_values WHERE undertrykt"
        ).fetchall()
    }
    assert suppressed, "the demo publication has suppressed figures to test with"
    shown = 0
    for name, page in pages.items():
        for attrs, text in page.figures:
            key = (
                attrs.get("data-kpi"),
                attrs.get("data-omkostningssted"),
                attrs.get("data-periode"),
            )
            if key in suppressed:
                shown += 1
                assert attrs.get("data-undertrykt") == "true", (name, attrs, text)
            if attrs.get("data-undertrykt") == "true":
                assert text == "For få" and not re.search(r"\d", text), (name, attrs, text)
    assert shown > 50, shown


@pytest.mark.slow
def test_no_page_has_a_wcag_21_aa_violation(browser, folder, pages):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page()
    found = {}
    for name in pages:
        page.goto((folder / f"{name}.html").as_uri())
        result = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_21_AA},
                "resultTypes": ["violations"],
            },
        )
        violations = result.response["violations"]
        if violations:
            found[name] = [
                f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
                for v in violations
            ]
    page.close()
    assert not found, found


@pytest.mark.slow
def test_opening_a_page_requests_nothing_outside_the_report_folder(browser, folder, pages):
    context = browser.new_context()
    outside, inside = [], []

    def guard(route):
        url = route.request.url
        if url.startswith(folder.as_uri() + "/"):
            inside.append(url)
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    # The guard sees what a page asks for: a request to the network is caught and refused.
    page.set_content('<img src="https://example.invalid/x.png" alt="">')
    page.wait_for_load_state("load")
    assert outside == ["https://example.invalid/x.png"]
    outside.clear()
    for name in pages:
        page.goto((folder / f"{name}.html").as_uri(), wait_until="load")
        # The stylesheet came from the folder and applies: the header bar is dark.
        colour = page.evaluate(
            "getComputedStyle(document.querySelector('header.top')).backgroundColor"
        )
        assert colour == "rgb(11, 12, 12)", (name, colour)
    context.close()
    assert outside == []
    assert any(url.endswith("/rapport.css") for url in inside)


@pytest.mark.slow
def test_a_run_with_nothing_new_writes_a_missing_report_and_ends_with_its_path(
    reference_run, demo_landing, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(reference_run, data, symlinks=True)
    shutil.rmtree(data / "published" / "rapport")
    done = subprocess.run(
        [MAALBAR, "run"],
        env=maalbar_env(data, demo_landing),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "the publication is current" in done.stdout
    index = data / "published" / "rapport" / "index.html"
    assert done.stdout.strip().splitlines()[-1] == f"report:             {index}"
    assert index.exists() and (index.parent / "index.pdf").exists()


# --- a publication with initiatives and quality findings --------------------------------

INITIATIVES = [
    # indsats, titel, mål, indikator, før, efter, T, C, means, effekt [lav; høj], vurdering, kr.
    (
        "IN01",
        "Tidlig dialog ved sygefravær",
        "M06",
        "I13",
        ("2025-01", "2025-12"),
        ("2026-02", "2026-10"),
        4,
        11,
        (7.9, 6.8, 6.4, 6.3),
        (-1.0, -1.7, -0.3),
        "virker",
        450000.0,
    ),
    (
        "IN02",
        "Fast vikarkorps",
        "M06",
        "I13",
        ("2025-03", "2026-02"),
        ("2026-04", "2026-10"),
        3,
        11,
        (7.2, 7.0, 6.5, 6.1),
        (0.2, -0.9, 1.3),
        "uafklaret",
        1200000.0,
    ),
    (
        "IN03",
        "Mødepligt og opfølgning",
        "M05",
        "I11",
        ("2025-01", "2025-12"),
        ("2026-02", "2026-10"),
        6,
        8,
        (6.2, 6.6, 6.3, 6.4),
        (0.3, 0.1, 0.5),
        "virker_modsat",
        80000.0,
    ),
    (
        "IN04",
        "Indkøbsaftale for dagplejen",
        "M07",
        "I16",
        ("2025-09", "2026-08"),
        ("2026-10", "2026-10"),
        5,
        0,
        (None, None, None, None),
        (None, None, None),
        "for_tidligt",
        None,
    ),
]


@pytest.fixture(scope="module")
def with_findings(published, tmp_path_factory) -> Path:
    """The demo's publication with marts.indsats_effekt and failed checks, a quarantined
    file and rejected rows added, rendered into a report of its own."""
    folder = tmp_path_factory.mktemp("findings")
    copy = folder / "maalbar.duckdb"
    shutil.copyfile(published, copy)
    con = duckdb.connect(str(copy))
    # The demo's own initiatives give way to these, whose figures the test knows.
    con.execute("DROP TABLE IF EXISTS marts.indsats_effekt")
    con.execute(
        "CREATE TABLE marts.indsats_effekt (indsats_id VARCHAR PRIMARY KEY, titel VARCHAR, "
        "maal_id VARCHAR, indikator_id VARCHAR, foer_fra VARCHAR, foer_til VARCHAR, "
        "efter_fra VARCHAR, efter_til VARCHAR, antal_enheder INTEGER, "
        "antal_sammenligning INTEGER, foer_enheder DOUBLE, efter_enheder DOUBLE, "
        "foer_sammenligning DOUBLE, efter_sammenligning DOUBLE, effekt DOUBLE, "
        "effekt_lav DOUBLE, effekt_hoej DOUBLE, vurdering VARCHAR, omkostning_kr DOUBLE)"
    )
    for (
        ident,
        title,
        goal,
        indicator,
        before,
        after,
        t,
        c,
        means,
        effect,
        verdict,
        cost,
    ) in INITIATIVES:
        con.execute(
            "INSERT INTO marts.indsats_effekt VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)",
            [ident, title, goal, indicator, *before, *after, t, c, *means, *effect, verdict, cost],
        )
    (run_id,) = con.execute("SELECT run_id FROM meta.publication").fetchone()
    con.execute(
        "INSERT INTO meta.check_results VALUES (?, 'marts.leon_enhedsomkostning', 'gx_suite', "
        "'expect_column_values_to_be_between', 'enhedsomkostning_kr', false, "
        '\'{"unexpected_count": 1, "partial_unexpected_list": [{"omkostningssted": '
        '"0112", "periode": "2025-03", "enhedsomkostning_kr": -6000}]}\', '
        "now(), 'warning')",
        [run_id],
    )
    con.execute(
        "INSERT INTO meta.check_results VALUES ('earlier-run-0001', 'raw.posteringer', "
        "'gx_suite', 'expect_column_values_to_not_be_null', 'omkostningssted', false, "
        '\'{"unexpected_count": 2, "partial_unexpected_list": [{"file_name": '
        '"posteringer_202609.csv", "line_number": 17}]}\', TIMESTAMP \'2026-11-03 06:02:11\', '
        "'blocking')"
    )
    file_name, sha = con.execute(
        "SELECT file_name, file_sha256 FROM meta.file_ledger WHERE status = 'loaded' "
        "ORDER BY file_name LIMIT 1"
    ).fetchone()
    con.execute(
        "UPDATE meta.file_ledger SET rows_rejected = 2 WHERE file_name = ? AND file_sha256 = ?",
        [file_name, sha],
    )
    for line, column, value, reason in (
        (41, "beloeb", "12,3,4", "not a Danish decimal number (e.g. 1.234,56)"),
        (97, "posteringsdato", "31-02-2026", "no such calendar date"),
    ):
        con.execute(
            "INSERT INTO meta.rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?)",
            [file_name, sha, line, column, value, reason, run_id],
        )
    con.execute(
        "INSERT INTO meta.file_ledger (file_name, file_sha256, source, raw_table, status, "
        "reason, run_id, seen_at) VALUES ('posteringer_202611.csv', 'abc', 'oekonomi', "
        "'posteringer', 'quarantined', 'line 3: 5 fields, the header has 8', "
        "'earlier-run-0001', TIMESTAMP '2026-12-01 06:00:00')"
    )
    con.close()
    out = folder / "rapport"
    done = report.build(copy, out)
    assert done.index == out / "index.html"
    return out


@pytest.mark.slow
def test_initiatives_show_their_verdict_and_interval_under_their_goal(
    with_findings, pages, published
):
    # The demo publishes its own initiatives: each is shown on its committee's page.
    shown = {
        attrs["data-indsats"]
        for page in pages.values()
        if page.meta.get("maalbar:niveau") == "polis"
        for attrs, _ in page.initiatives
    }
    with duckdb.connect(str(published), read_only=True) as con:
        ids = {i for (i,) in con.execute("SELECT indsats_id FROM marts.indsats_effekt").fetchall()}
    assert shown == ids and ids
    found = pages_of(with_findings)
    committee = {attrs["data-indsats"]: text for attrs, text in found["polis-buu"].initiatives}
    assert set(committee) == {"IN01", "IN02", "IN03", "IN04"}
    assert "Tidlig dialog ved sygefravær" in committee["IN01"]
    assert "-1,0 procentpoint (95 %-interval fra -1,7 til -0,3)" in committee["IN01"]
    assert "Virker" in committee["IN01"] and "450.000 kr." in committee["IN01"]
    assert "Uafklaret" in committee["IN02"] and "fra -0,9 til +1,3" in committee["IN02"]
    assert "Virker modsat" in committee["IN03"]
    assert "For tidligt at sige" in committee["IN04"] and "Ingen beregning" in committee["IN04"]
    # The unit whose own indicator the goal measures sees the goal's initiatives.
    unit = {attrs["data-indsats"] for attrs, _ in found["virklis-02200"].initiatives}
    assert unit == {"IN01", "IN02"}


@pytest.mark.slow
def test_the_quality_page_names_what_blocked_warned_and_was_rejected(with_findings):
    text = (with_findings / "kvalitet.html").read_text(encoding="utf-8")
    blocked = text.split('id="blokeret"')[1].split('id="advarsler"')[0]
    assert "earlier-" in blocked and "raw.posteringer" in blocked
    assert "omkostningssted: må ikke være tom" in blocked and "linje 17" in blocked
    assert "posteringer_202611.csv" in blocked and "5 fields, the header has 8" in blocked
    warned = text.split('id="advarsler"')[1].split('id="afviste"')[0]
    assert "marts.leon_enhedsomkostning" in warned
    assert "omkostningssted 0112, periode 2025-03, enhedsomkostning_kr -6000" in warned
    rejected = text.split('id="afviste"')[1].split('id="filer"')[0]
    assert "12,3,4" in rejected and "31-02-2026" in rejected and ">41<" in rejected
    assert "None" not in re.sub(r"<[^>]+>", " ", text)


def test_words_for_dates():
    from dagster_project.report.words import short_date

    assert short_date(datetime(2026, 12, 6, 22, 58)) == "6. dec. 2026 kl. 22.58"
    assert short_date(date(2026, 5, 1)) == "1. maj 2026"
    assert format_number(450000.0, 0) == "450.000"
