"""The demo municipality: writes a landing folder of realistic exports (see sources.md).

`generate(out_dir, scale, seed)` writes one sub-folder per source family. The content depends
only on the scale and the seed, never on today's date: the demo calendar ends with the last
complete month 2026-10. Each source family has its own module behind the common writer in
`_writer.py`.
"""

from __future__ import annotations

from pathlib import Path

from ._writer import SourceWriter
from .benchmark import write_benchmark
from .feedback import write_feedback
from .maal import write_maal
from .oekonomi import write_oekonomi
from .organisation import build_organisation, write_organisation
from .personale import write_personale
from .reference import write_activity, write_population
from .scales import SCALES, get_scale

__all__ = ["SCALES", "generate"]


def generate(out_dir: Path, scale: str = "S", seed: int = 42) -> dict[str, int]:
    """Write the demo municipality's source files into `out_dir/<source>/`.

    Files of the same name are overwritten; nothing else in `out_dir` is touched. Returns
    counts of what was written.
    """
    chosen = get_scale(scale)
    writer = SourceWriter(Path(out_dir))
    organisation = build_organisation(seed)
    write_organisation(organisation, writer)
    economy = write_oekonomi(organisation, chosen, seed, writer)
    population = write_population(chosen, seed, writer)
    activity_rows = write_activity(organisation, chosen, seed, writer)
    personale = write_personale(organisation, chosen, seed, writer)
    # The goal catalogue reads the survey it generates, for baselines taken from the data.
    feedback, feedback_counts = write_feedback(organisation, chosen, seed, writer)
    maal = write_maal(organisation, chosen, seed, feedback, writer)
    benchmark_rows = write_benchmark(chosen, seed, writer)
    return {
        "files": writer.files,
        "bytes": writer.bytes_written,
        "cost_centres": len(organisation.cost_centres),
        "budget_rows": economy["budget_rows"],
        "postings": economy["postings"],
        "population": population,
        "activity_rows": activity_rows,
        "employments": personale["employments"],
        "absence_spells": personale["absence_spells"],
        "goals": maal["goals"],
        "indicators": maal["indicators"],
        "indicator_values": maal["indicator_values"],
        "survey_rounds": feedback_counts["survey_rounds"],
        "survey_respondents": feedback_counts["respondents"],
        "survey_answers": feedback_counts["answers"],
        "suggestions": feedback_counts["suggestions"],
        "benchmark_rows": benchmark_rows,
    }
