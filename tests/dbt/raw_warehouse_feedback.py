"""The feedback and benchmark raw tables for dbt tests, beside `raw_warehouse.make_raw_warehouse`.

`make_feedback_warehouse` creates every raw table of `make_raw_warehouse` and, beside them,
`raw.spoergsmaal`, `raw.besvarelser`, `raw.inviterede`, `raw.forslag` and `raw.benchmark` with the
columns of docs/architecture.md (`FEEDBACK_RAW_TABLES`). `golden_feedback_rows` is a small
municipality's survey, suggestions and benchmark rows whose figures are worked out by hand in
test_feedback_build.py.

    python tests/dbt/raw_warehouse_feedback.py PATH

writes the golden municipality with these rows into a new warehouse at PATH.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from raw_warehouse import RAW_TABLES, golden_rows, make_raw_warehouse

FEEDBACK_RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "spoergsmaal": [
        ("extraction_date", "DATE"),
        ("spoergsmaal_id", "VARCHAR"),
        ("tema", "VARCHAR"),
        ("tekst", "VARCHAR"),
    ],
    "besvarelser": [
        ("runde", "VARCHAR"),
        ("besvarelse_id", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("spoergsmaal_id", "VARCHAR"),
        ("score", "INTEGER"),
    ],
    "inviterede": [
        ("runde", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("antal_inviterede", "INTEGER"),
    ],
    "forslag": [
        ("extraction_date", "DATE"),
        ("forslag_id", "VARCHAR"),
        ("omkostningssted", "VARCHAR"),
        ("indsendt", "DATE"),
        ("kategori", "VARCHAR"),
        ("status", "VARCHAR"),
        ("afgjort", "DATE"),
        ("estimeret_gevinst_kr", "DECIMAL(18,2)"),
    ],
    "benchmark": [
        ("extraction_date", "DATE"),
        ("kommunekode", "VARCHAR"),
        ("kommune", "VARCHAR"),
        ("kpi", "VARCHAR"),
        ("aar", "INTEGER"),
        ("vaerdi", "DOUBLE"),
    ],
}


@contextmanager
def _feedback_tables_registered() -> Iterator[None]:
    """Let `make_raw_warehouse` create the feedback tables too, for the duration only.

    Tables `raw_warehouse.RAW_TABLES` already knows are left as they are.
    """
    added = {name: cols for name, cols in FEEDBACK_RAW_TABLES.items() if name not in RAW_TABLES}
    RAW_TABLES.update(added)
    try:
        yield
    finally:
        for name in added:
            del RAW_TABLES[name]


def make_feedback_warehouse(
    path: Path | str, rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None
) -> Path:
    """Every raw table the dbt project reads, feedback and benchmark included, filled with
    `rows` per table as `make_raw_warehouse` fills them."""
    with _feedback_tables_registered():
        return make_raw_warehouse(path, rows)


def _answers(round_month: str, cost_centre: str, prefix: str, scores: Iterable[tuple]) -> list:
    """Survey rows for one round and unit: one tuple of scores (Q1, Q2, Q3) per respondent."""
    rows = []
    for number, respondent_scores in enumerate(scores, start=1):
        for question, score in zip(("Q1", "Q2", "Q3"), respondent_scores, strict=True):
            rows.append(
                {
                    "runde": round_month,
                    "besvarelse_id": f"{prefix}{number}",
                    "omkostningssted": cost_centre,
                    "spoergsmaal_id": question,
                    "score": score,
                }
            )
    return rows


def golden_feedback_rows() -> dict[str, list[dict]]:
    """Survey, suggestions and benchmark rows for the golden municipality of raw_warehouse.

    Tree: 0100 -> 0110 -> 0111, 0112; 0100 -> 0120 -> 0121. Questions Q1 and Q2 are MOTIVATION,
    Q3 is LEDELSE. Two rounds: 2024-01 and 2024-02 (the survey horizon). Suggestions extracted
    2024-03-05, so the suggestions horizon is 2024-02. Benchmark peers for svarprocent and
    driftsudgift_pr_indbygger in 2024.
    """
    extracted = dt.date(2024, 1, 2)
    spoergsmaal = [
        {"extraction_date": extracted, "spoergsmaal_id": "Q1", "tema": "MOTIVATION", "tekst": "a"},
        {"extraction_date": extracted, "spoergsmaal_id": "Q2", "tema": "MOTIVATION", "tekst": "b"},
        {"extraction_date": extracted, "spoergsmaal_id": "Q3", "tema": "LEDELSE", "tekst": "c"},
    ]
    besvarelser = [
        # 2024-01, 0111: five respondents, one of whom (N5) answered nothing: 4 respondents.
        *_answers(
            "2024-01",
            "0111",
            "N",
            [(4, 5, 3), (3, None, 4), (5, 5, None), (2, 3, 2), (None, None, None)],
        ),
        # 2024-01, 0112: six respondents, five of them to LEDELSE.
        *_answers(
            "2024-01",
            "0112",
            "S",
            [(3, 3, 3), (4, 4, 4), (5, 4, 3), (2, 2, 2), (4, None, 5), (3, 3, None)],
        ),
        # 2024-01, 0121: six respondents.
        *_answers(
            "2024-01",
            "0121",
            "H",
            [(5, 5, 5), (4, 4, 4), (3, 3, 3), (4, 5, 4), (2, 3, 4), (5, 4, 3)],
        ),
        # 2024-02, 0121 only: five respondents.
        *_answers("2024-02", "0121", "M", [(4, 4, 4), (4, 4, 4), (4, 4, 4), (4, 4, 4), (4, 4, 4)]),
    ]
    inviterede = [
        {"runde": "2024-01", "omkostningssted": "0111", "antal_inviterede": 8},
        {"runde": "2024-01", "omkostningssted": "0112", "antal_inviterede": 10},
        {"runde": "2024-01", "omkostningssted": "0121", "antal_inviterede": 6},
        {"runde": "2024-02", "omkostningssted": "0112", "antal_inviterede": 5},
        {"runde": "2024-02", "omkostningssted": "0121", "antal_inviterede": 6},
    ]
    d = dt.date
    forslag_extracted = d(2024, 3, 5)
    forslag = [
        ("F1", "0111", d(2024, 1, 5), "gennemfoert", d(2024, 1, 20)),
        ("F2", "0111", d(2024, 1, 8), "afvist", d(2024, 2, 10)),
        ("F3", "0112", d(2024, 1, 9), "gennemfoert", d(2024, 2, 12)),
        ("F4", "0121", d(2024, 2, 1), "behandles", None),
        ("F5", "0121", d(2024, 2, 2), "gennemfoert", d(2024, 3, 1)),  # decided after horizon
        ("F6", "0111", d(2024, 3, 2), "modtaget", None),  # submitted after the horizon
    ]
    forslag_rows = [
        {
            "extraction_date": forslag_extracted,
            "forslag_id": forslag_id,
            "omkostningssted": cost_centre,
            "indsendt": submitted,
            "kategori": "Drift",
            "status": status,
            "afgjort": decided,
        }
        for forslag_id, cost_centre, submitted, status, decided in forslag
    ]
    benchmark_extracted = d(2024, 3, 1)
    benchmark = [
        {
            "extraction_date": benchmark_extracted,
            "kommunekode": code,
            "kommune": name,
            "kpi": kpi,
            "aar": 2024,
            "vaerdi": value,
        }
        for kpi, code, name, value in (
            ("svarprocent", "101", "København", 70.0),
            ("svarprocent", "147", "Frederiksberg", 60.0),
            ("svarprocent", "151", "Ballerup", 80.0),
            ("svarprocent", "153", "Brøndby", 50.0),
            ("driftsudgift_pr_indbygger", "101", "København", 4.0),
            ("driftsudgift_pr_indbygger", "147", "Frederiksberg", 3.0),
        )
    ]
    return {
        "spoergsmaal": spoergsmaal,
        "besvarelser": besvarelser,
        "inviterede": inviterede,
        "forslag": forslag_rows,
        "benchmark": benchmark,
    }


if __name__ == "__main__":
    import sys

    print(make_feedback_warehouse(sys.argv[1], {**golden_rows(), **golden_feedback_rows()}))
