"""POLIS, for the politicians: one page per committee, a card per goal.

Each goal card: its status as an icon and a word, its indicators (each with a chart of its
values against the baseline and the target, the trend's forecast to the target period, the
key figures, and every value in a table) and its initiatives with their verdict and
interval, when the publication has them.
"""

from __future__ import annotations

from collections import defaultdict

from dagster_project.report.data import Publication
from dagster_project.report.goals import indicator_view, initiatives, trend_word
from dagster_project.report.site import Page
from dagster_project.report.words import GOAL_STATE, STATUS, slug, status

GOAL_ORDER = {"aktiv": 0, "opfyldt": 1, "opgivet": 2}


def file_name(committee: str) -> str:
    return f"polis-{slug(committee)}"


def pages(pub: Publication) -> list[Page]:
    goals = defaultdict(list)
    for goal in pub.rows("marts.polis_maal"):
        goals[goal["fagudvalg"]].append(goal)
    indicators = defaultdict(list)
    for row in pub.rows("marts.polis_indikatorer"):
        indicators[row["maal_id"]].append(row)
    by_id = {row["indikator_id"]: row for row in pub.rows("marts.polis_indikatorer")}
    history = defaultdict(list)
    for row in pub.rows("marts.polis_indikatorforloeb"):
        history[row["indikator_id"]].append(row)
    forecasts = {row["indikator_id"]: row for row in pub.rows("marts.goal_forecast")}

    result = []
    for committee in sorted(pub.rows("marts.polis_udvalg"), key=lambda c: c["fagudvalg"]):
        code = committee["fagudvalg"]
        cards = []
        for goal in sorted(
            goals[code], key=lambda g: (GOAL_ORDER.get(g["maal_status"], 9), g["maal_id"])
        ):
            views = [
                indicator_view(
                    pub,
                    row,
                    history[row["indikator_id"]],
                    forecasts.get(row["indikator_id"]),
                    f"graf-{slug(row['indikator_id'])}",
                )
                for row in sorted(
                    indicators[goal["maal_id"]],
                    key=lambda r: (not r["er_aktiv"], r["indikator_id"]),
                )
            ]
            cards.append(
                {
                    "goal": goal,
                    "state": GOAL_STATE.get(goal["maal_status"], goal["maal_status"]),
                    "status": status(goal["status"]),
                    "indicators": views,
                    "initiatives": initiatives(pub, goal["maal_id"], by_id),
                }
            )
        counts = [
            (STATUS[code_], committee[f"antal_{code_}"])
            for code_ in ("naaet", "paa_sporet", "i_risiko", "ikke_paa_sporet", "ingen_data")
        ]
        result.append(
            Page(
                name=file_name(code),
                template="polis.html.j2",
                niveau="polis",
                emne=code,
                title=committee["udvalg_navn"],
                context={
                    "committee": committee,
                    "status": status(committee["status"]),
                    "counts": counts,
                    "cards": cards,
                    "has_initiatives": pub.has("marts.indsats_effekt"),
                    "trend_word": trend_word,
                    "status_of": status,
                },
            )
        )
    return result
