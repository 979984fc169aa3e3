"""A PDF beside each page, laid out for A4 by WeasyPrint from the page's print HTML (the
page without what only a screen needs: the tables behind the charts, which the HTML page
has, the navigation) and the stylesheet's print rules.

WeasyPrint is pure Python and lays out some 1,000 boxes of text a second on this machine,
so the pages are shared among worker processes (one per core, at most two, like the GX
workers), largest first. The workers start before the pages are rendered: each imports
WeasyPrint and parses the stylesheet while the HTML is written.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORKERS_VARIABLE = "MAALBAR_REPORT_WORKERS"


def workers() -> int:
    """MAALBAR_REPORT_WORKERS, else one per core up to two; 0 writes in this process."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value:
        try:
            return max(0, int(value))
        except ValueError:
            raise ValueError(f"{WORKERS_VARIABLE} must be a whole number, not {value!r}") from None
    return max(1, min(2, os.cpu_count() or 1))


# Per process: the parsed stylesheet, the font configuration and the URL fetcher.
_prepared: list = []


def prepare(stylesheet: str) -> bool:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if not _prepared:
        fonts = FontConfiguration()
        _prepared[:] = [CSS(filename=stylesheet, font_config=fonts), fonts, _fetcher()]
    return True


def write(jobs: list[tuple[str, str, str]]) -> int:
    """Each (print HTML, base URL, PDF path) as a PDF; the number written."""
    from weasyprint import HTML

    stylesheet, fonts, fetcher = _prepared
    for html, base_url, target in jobs:
        HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            target, stylesheets=[stylesheet], font_config=fonts
        )
    return len(jobs)


def _fetcher():
    """Files only, and a failure to read one stops the PDF: everything a page uses lies in
    its folder. The page's own <link> to the stylesheet is answered with nothing, as the
    worker passes its parsed copy (parsing it again per page costs more than laying out a
    short page)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFiles(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:") and url.endswith(".css"):
                return URLFetcherResponse(url, "", {"Content-Type": "text/css"})
            return super().fetch(url, headers)

    return LocalFiles(allowed_protocols=["file"], fail_on_errors=True)


class Workers:
    """`with Workers(stylesheet) as pdfs: ...; pdfs.write_all(jobs)`."""

    def __init__(self, stylesheet: Path):
        self.stylesheet = str(stylesheet)
        self.count = workers()
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        if self.count:
            # Spawned, not forked: the calling process may hold Dagster's and DuckDB's
            # threads.
            self.pool = ProcessPoolExecutor(
                self.count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=prepare,
                initargs=(self.stylesheet,),
            )
            for _ in range(self.count):
                self.pool.submit(prepare, self.stylesheet)  # start the processes now
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def write_all(self, jobs: list[tuple[str, str, str]]) -> None:
        """The PDFs of all jobs, the largest pages first so that the workers end together."""
        ordered = sorted(jobs, key=lambda job: len(job[0]), reverse=True)
        if self.pool is None:
            prepare(self.stylesheet)
            write(ordered)
            return
        # Small batches: fewer round trips than one per page, and no long tail.
        size = max(1, min(6, len(ordered) // (self.count * 6)))
        batches = [ordered[i : i + size] for i in range(0, len(ordered), size)]
        # list(): a worker's exception is raised here.
        list(self.pool.map(write, batches))
