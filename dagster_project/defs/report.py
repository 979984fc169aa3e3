"""The LIS report (POLIS, STRALIS, VIRKLIS and data quality, docs/report.md) as the last
asset of a run: rendered from the publication the run has just swapped in."""

import dagster as dg

from dagster_project.lib import config


@dg.asset(
    key=dg.AssetKey(["published", "rapport"]),
    deps=[dg.AssetKey(["published", "maalbar"])],
    group_name="publish",
    kinds={"html", "pdf"},
    description="The report for people: one page per committee (POLIS), one for the whole "
    "organisation (STRALIS), one per cost centre (VIRKLIS) and one for data quality, each "
    "with an A4 PDF beside it, in $MAALBAR_DATA_DIR/published/rapport/. Rendered from the "
    "published database only.",
)
def report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # Imported here: Jinja2 and the PDF workers belong to this step alone.
    from dagster_project import report as lis

    settings = config.settings()
    done = lis.build(settings.published_path, settings.published_dir / "rapport")
    context.log.info(f"report of {done.pages} pages in {done.seconds:.1f} s: {done.index}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(done.index)),
            "pages": done.pages,
            "seconds": round(done.seconds, 2),
        }
    )
