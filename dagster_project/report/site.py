"""The site: pages rendered from Jinja2 templates into a new folder, a PDF beside each page,
and the folder swapped in for the previous report."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from dagster_project.lib.formatting import format_date, format_figure, format_number
from dagster_project.report import words

STATIC = Path(__file__).parent / "static"
STYLESHEET = "rapport.css"
# A folder holding this file is a report: `--out` may replace it, and nothing else.
MARKER = ".maalbar-rapport"


@dataclass
class Page:
    name: str  # the file's stem: NAME.html and NAME.pdf
    template: str
    niveau: str  # polis, stralis, virklis, kvalitet, or indeks for index.html
    title: str
    context: dict = field(default_factory=dict)
    emne: str | None = None  # the committee code (POLIS) or the omkostningssted (VIRKLIS)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dagster_project.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        tal=format_number,
        figur=format_figure,
        dato=format_date,
        periode=words.period,
        kort_periode=words.short_period,
        attrs=_attrs,
        slug=words.slug,
        kort_dato=words.short_date,
    )
    return env


def _attrs(attrs: dict[str, str]) -> Markup:
    return Markup("".join(f' {name}="{Markup.escape(value)}"' for name, value in attrs.items()))


def render(pages: list[Page], common: dict, folder: Path) -> list[tuple[str, str, str]]:
    """Each page as folder/NAME.html, the stylesheet beside them; the PDF jobs: each
    page's print HTML (without what only a screen needs), its base URL and its PDF path."""
    env = environment()
    jobs = []
    for page in pages:
        template = env.get_template(page.template)
        path = folder / f"{page.name}.html"
        path.write_text(
            template.render(page=page, pdf=False, **common, **page.context), encoding="utf-8"
        )
        jobs.append(
            (
                template.render(page=page, pdf=True, **common, **page.context),
                path.as_uri(),
                str(path.with_suffix(".pdf")),
            )
        )
    shutil.copyfile(STATIC / STYLESHEET, folder / STYLESHEET)
    return jobs


def check_target(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier report (a mistyped --out)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise FileExistsError(
            f"{out} exists and is not a Maalbar report; the report replaces its folder as a "
            "whole, so choose an empty or new folder"
        )


def swap_in(new: Path, out: Path) -> None:
    """Put the finished folder `new` in place of `out`: two renames, so a reader finds the
    old report or the new one, never a half-written one."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
