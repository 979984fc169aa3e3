"""Suites for the published marts."""

from __future__ import annotations

import pandas as pd

PERIOD_REGEX = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?$"
# Shares that cannot leave 0..100 by definition (forbrugsprocent can: overspending).
BOUNDED_PCT = (
    "sygefravaer_pct",
    "korttidssygefravaer_pct",
    "langtidssygefravaer_pct",
    "svarprocent",
    "forslag_gennemfoert_pct",
)


def kpi_values(frame: pd.DataFrame, known_kpis: list[str], nodes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column="kpi_id", value_set=known_kpis),
        gxe.ExpectColumnValuesToBeInSet(column="omkostningssted", value_set=nodes),
        gxe.ExpectColumnValuesToMatchRegex(column="periode", regex=PERIOD_REGEX),
        gxe.ExpectColumnValuesToBeInSet(column="periodetype", value_set=["maaned", "aar"]),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["kpi_id", "omkostningssted", "periode"]),
        gxe.ExpectColumnValuesToNotBeNull(column="undertrykt"),
        # A shown figure has a value; a suppressed one has neither value nor its parts.
        gxe.ExpectColumnValuesToBeInSet(column="suppression_state", value_set=["shown", "hidden"]),
        gxe.ExpectColumnValuesToBeBetween(column="bounded_pct", min_value=0, max_value=100),
    ]


def kpi_frame_query() -> str:
    """kpi_values with derived columns the suite checks (computed in SQL, once)."""
    bounded = ", ".join(f"'{kpi}'" for kpi in BOUNDED_PCT)
    return f"""
        SELECT kpi_id, omkostningssted, periode, periodetype, undertrykt,
            CASE
                WHEN NOT undertrykt AND vaerdi IS NOT NULL AND taeller IS NOT NULL THEN 'shown'
                WHEN undertrykt AND vaerdi IS NULL AND taeller IS NULL AND naevner IS NULL
                    THEN 'hidden'
                ELSE 'inconsistent'
            END AS suppression_state,
            CASE WHEN kpi_id IN ({bounded}) THEN vaerdi END AS bounded_pct
        FROM marts.kpi_values
    """


def reconciliation(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnPairValuesToBeEqual(column_A="published_drift", column_B="loaded_drift"),
        gxe.ExpectColumnValuesToNotBeNull(column="published_drift"),
    ]


RECONCILIATION_QUERY = """
    -- Drift spending at the root, per month, against the postings loaded into raw.
    WITH root AS (
        SELECT omkostningssted FROM raw.organisation WHERE overordnet IS NULL
    ),
    loaded AS (
        SELECT regnskabsmaaned AS periode, round(sum(beloeb), 2)::DOUBLE AS loaded_drift
        FROM raw.posteringer WHERE dranst IN ('1', '2')
        GROUP BY 1
    ),
    published AS (
        SELECT periode, round(vaerdi, 2) AS published_drift
        FROM marts.kpi_values
        WHERE kpi_id = 'forbrug_drift' AND periodetype = 'maaned'
            AND omkostningssted = (SELECT omkostningssted FROM root)
    )
    SELECT loaded.periode, published.published_drift, loaded.loaded_drift
    FROM loaded LEFT JOIN published USING (periode)
    ORDER BY 1
"""


GOAL_STATUSES = ["naaet", "paa_sporet", "i_risiko", "ikke_paa_sporet", "ingen_data"]


def goal_progress_query() -> str:
    return """
        SELECT indikator_id, periode, status, forventet_fremdrift_pct,
            CASE WHEN vaerdi IS NULL AND status <> 'ingen_data' THEN 'status without a value'
                 ELSE 'consistent' END AS value_state
        FROM marts.goal_progress
    """


def goal_progress(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["indikator_id", "periode"]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=GOAL_STATUSES),
        gxe.ExpectColumnValuesToBeBetween(
            column="forventet_fremdrift_pct", min_value=0, max_value=100
        ),
        gxe.ExpectColumnValuesToBeInSet(column="value_state", value_set=["consistent"]),
        gxe.ExpectColumnValuesToMatchRegex(
            column="periode", regex=r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?$"
        ),
    ]


def leon_enhedsomkostning(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["ydelse", "periode", "omkostningssted"]),
        gxe.ExpectColumnValuesToBeBetween(column="enhedsomkostning_kr", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="merudgift_ift_bedste_kvartil_kr", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="median_enhedsomkostning_kr",
            column_B="bedste_kvartil_enhedsomkostning_kr",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        # Quality beside cost, never a suppressed figure: no survey mean where it is hidden.
        gxe.ExpectColumnValuesToBeInSet(column="quality_state", value_set=["ok"]),
    ]


LEON_QUERY = """
    SELECT ydelse, periode, omkostningssted, enhedsomkostning_kr,
        merudgift_ift_bedste_kvartil_kr, median_enhedsomkostning_kr,
        bedste_kvartil_enhedsomkostning_kr,
        CASE WHEN trivsel_undertrykt AND trivsel_samlet IS NOT NULL THEN 'suppressed shown'
             ELSE 'ok' END AS quality_state
    FROM marts.leon_enhedsomkostning
"""


def benchmark_sammenligning(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["kpi_id", "aar"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="antal_i_rangering",
            column_B="rang",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        gxe.ExpectColumnValuesToBeBetween(column="rang", min_value=1),
    ]
