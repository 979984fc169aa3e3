"""A PDF beside each page, laid out for A4 by Typst from the page's Typst source (rendered
from the same page data as its HTML, `site.render`).

Typst compiles a page in some 15 ms of CPU, in Rust, where WeasyPrint took 190 ms for a
VIRKLIS page and a second for a POLIS page (docs/report.md, "The stack"). Its PDFs are
tagged (headings, tables and reading order for screen readers) and carry the document's
title. A compiler reads the system fonts once and is reused for its share of the pages; it
opens no file and fetches nothing (the charts and icons are in the source), and the
creation time in each PDF is the publication's, so the same publication gives the same
PDFs. Typst releases the interpreter while it compiles, so two threads use two cores: at
scale M the 158 PDFs took 3.0 s on one thread and 2.1 s on two.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime


def threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def write_all(jobs: list[tuple[str, str]], published_at: datetime) -> None:
    """Each (Typst source, PDF path) as a PDF."""
    # Naive in the publication: the local time it was written. Typst wants whole seconds.
    stamp = published_at.replace(microsecond=0).astimezone()
    count = threads()
    with ThreadPoolExecutor(count, thread_name_prefix="report-pdf") as pool:
        # list(): an exception in a thread is raised here.
        list(pool.map(lambda share: _compile(share, stamp), [jobs[i::count] for i in range(count)]))


def _compile(jobs: list[tuple[str, str]], stamp: datetime) -> None:
    import typst

    compiler = typst.Compiler()
    for source, target in jobs:
        try:
            compiler.compile(
                input=source.encode("utf-8"), output=target, format="pdf", timestamp=stamp
            )
        except typst.TypstError as err:
            # A template error is a bug: name the page and Typst's own diagnosis.
            raise RuntimeError(f"the PDF {target} could not be laid out: {err}") from err
