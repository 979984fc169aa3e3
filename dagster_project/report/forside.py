"""index.html: every page of the report, by who reads it."""

from __future__ import annotations

from dagster_project.report.data import Publication
from dagster_project.report.polis import file_name as polis_file
from dagster_project.report.site import Page
from dagster_project.report.virklis import file_name as virklis_file
from dagster_project.report.virklis import nodes_with_figures
from dagster_project.report.words import LEVEL, status


def page(pub: Publication, pages: list[Page]) -> Page:
    names = {p.name for p in pages}
    committees = [
        {
            "row": c,
            "status": status(c["status"]),
            "file": polis_file(c["fagudvalg"]),
        }
        for c in sorted(pub.rows("marts.polis_udvalg"), key=lambda c: c["fagudvalg"])
        if polis_file(c["fagudvalg"]) in names
    ]
    with_pages = {n.omkostningssted for n in nodes_with_figures(pub)}

    def tree(code: str) -> dict:
        node = pub.nodes[code]
        return {
            "node": node,
            "level": LEVEL.get(node.niveau, node.niveau),
            "file": virklis_file(code) if code in with_pages else None,
            "children": [tree(child.omkostningssted) for child in pub.children(code)],
        }

    return Page(
        name="index",
        template="index.html.j2",
        niveau="indeks",
        title=f"Ledelsesinformation for {pub.root.navn}",
        context={
            "committees": committees,
            "stralis": "stralis" in names,
            "tree": tree(pub.root.omkostningssted),
            "units": len(with_pages),
        },
    )
