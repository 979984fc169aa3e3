"""The site: each page rendered from its Jinja2 templates as HTML into a new folder and as
Typst source for its PDF, and the folder swapped in for the previous report."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from dagster_project.lib.formatting import format_date, format_figure, format_number
from dagster_project.report import icons, words

STATIC = Path(__file__).parent / "static"
STYLESHEET = "rapport.css"
# A folder holding this file is a report: `--out` may replace it, and nothing else.
MARKER = ".maalbar-rapport"
LEVELS = {
    "polis": "POLIS · for udvalget",
    "stralis": "STRALIS · for direktionen",
    "virklis": "VIRKLIS · for ledelsen af enheden",
    "kvalitet": "Datakvalitet · for dem, der leverer og driver data",
    "indeks": "Ledelsesinformation",
}


@dataclass
class Page:
    name: str  # the file's stem: NAME.html and NAME.pdf
    template: str  # KIND.html.j2; its PDF's Typst source is KIND.typ.j2
    niveau: str  # polis, stralis, virklis, kvalitet, or indeks for index.html
    title: str
    context: dict = field(default_factory=dict)
    emne: str | None = None  # the committee code (POLIS) or the omkostningssted (VIRKLIS)


FILTERS = {
    "tal": format_number,
    "figur": format_figure,
    "dato": format_date,
    "periode": words.period,
    "kort_periode": words.short_period,
    "slug": words.slug,
    "kort_dato": words.short_date,
}


def environment() -> Environment:
    """The HTML pages' templates, autoescaped."""
    env = Environment(
        loader=PackageLoader("dagster_project.report", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS, attrs=_attrs)
    env.globals["ikon_svg"] = icons.svg
    return env


def typst_environment() -> Environment:
    """The PDFs' Typst templates. Typst is not HTML: nothing is escaped by Jinja; every text
    from the data goes in as a Typst string literal (`s`), so no figure, name or reason can
    be read as markup or code."""
    env = Environment(
        loader=PackageLoader("dagster_project.report", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # `{#` can occur in Typst; the templates' comments are {## ... ##}.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(
        FILTERS, s=typst_string, c=typst_cell, fed=typst_bold, brydelig=typst_breakable
    )
    env.globals["ikon_svg"] = icons.svg
    return env


def typst_string(value) -> str:
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def typst_cell(cell, bold: bool = False) -> str:
    """A figure's cell: the figure on one line (`1.234 kr.` never breaks before its unit),
    or the words in its place set apart in italics; `bold` for a total row."""
    if cell.kind != "tal":
        return f"ikke({typst_string(cell.text)})"
    text = typst_string(cell.text.replace(" ", "\u00a0"))
    return f"strong({text})" if bold else text


def typst_bold(code: str, bold: bool) -> str:
    return f"strong({code})" if bold else code


def typst_breakable(value) -> str:
    """A file name that may break after `_` and `-`, where a column is narrow."""
    return re.sub(r"([_-])", "\\1\u200b", str(value))


def _attrs(attrs: dict[str, str]) -> Markup:
    return Markup("".join(f' {name}="{Markup.escape(value)}"' for name, value in attrs.items()))


def render(pages: list[Page], common: dict, folder: Path) -> list[tuple[str, str]]:
    """Each page as folder/NAME.html, the stylesheet beside them; the PDF jobs: each page's
    Typst source and its PDF path."""
    html, typst = environment(), typst_environment()
    jobs = []
    for page in pages:
        values = {"page": page, "niveau_label": LEVELS[page.niveau], **common, **page.context}
        path = folder / f"{page.name}.html"
        path.write_text(html.get_template(page.template).render(**values), encoding="utf-8")
        source = typst.get_template(page.template.replace(".html.j2", ".typ.j2")).render(**values)
        jobs.append((source, str(path.with_suffix(".pdf"))))
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
