"""The LIS report: POLIS, STRALIS, VIRKLIS and data quality as a static site with a PDF
beside each page, rendered from the published database only (docs/report.md).

`build(published, out)` is what `maalbar report` and the pipeline's `published/rapport`
asset call. The report's libraries (Jinja2, Typst) are imported here and in the
modules below, never by the pipeline's own modules, so a run that does not write the
report does not load them.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Report:
    index: Path
    pages: int
    run_id: str
    seconds: float


def build(published: Path, out: Path) -> Report:
    """Render the publication at `published` into the folder `out`, replacing it as a
    whole. The pages are written into a new folder beside it first."""
    from dagster_project.report import forside, kvalitet, pdf, polis, site, stralis, virklis
    from dagster_project.report.data import load

    started = time.perf_counter()
    out = out.resolve()
    site.check_target(out)
    if not published.exists():
        raise FileNotFoundError(f"no published database at {published}: run `maalbar run` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    new = out.with_name(f".{out.name}.new-{os.getpid()}-{time.time_ns()}")
    new.mkdir()
    try:
        pub = load(published)
        pages = [
            *polis.pages(pub),
            *stralis.pages(pub),
            *virklis.pages(pub),
            *kvalitet.pages(pub),
        ]
        pages.insert(0, forside.page(pub, pages))
        common = {
            "kommune": pub.root.navn,
            "publication": {"run_id": pub.run_id, "published_at": pub.published_at},
        }
        pdf.write_all(site.render(pages, common, new), pub.published_at)
        (new / site.MARKER).write_text(f"{pub.run_id}\n")
        site.swap_in(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return Report(out / "index.html", len(pages), pub.run_id, time.perf_counter() - started)


def is_current(published: Path, out: Path) -> bool:
    """Whether `out` holds the report of the publication at `published`."""
    import duckdb

    marker = out / ".maalbar-rapport"
    if not published.exists() or not (out / "index.html").exists() or not marker.exists():
        return False
    con = duckdb.connect(str(published), read_only=True)
    try:
        (run_id,) = con.execute("SELECT run_id FROM meta.publication").fetchone()
    finally:
        con.close()
    return marker.read_text().strip() == run_id
