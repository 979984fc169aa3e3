"""Suites for the published marts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd  # annotations only: loading the definitions needs no pandas


PERIOD_REGEX = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?$"
# Shares that cannot leave 0..100 by definition (forbrugsprocent can: overspending).
BOUNDED_PCT = (
    "sygefravaer_pct",
    "korttidssygefravaer_pct",
    "langtidssygefravaer_pct",
    "forslag_gennemfoert_pct",
)
# A plausibility rule fails with this GX severity: a warning, and the run still publishes
# (docs/quality.md). Every other expectation is GX's default, `critical`: it blocks.
WARNING = "warning"


def kpi_values(frame: pd.DataFrame, known_kpis: list[str], nodes: list[str]) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column="kpi_id", value_set=known_kpis),
        gxe.ExpectColumnValuesToBeInSet(column="omkostningssted", value_set=nodes),
        gxe.ExpectColumnValuesToMatchRegex(column="periode", regex=PERIOD_REGEX),
        gxe.ExpectColumnValuesToBeInSet(column="periodetype", value_set=["maaned", "aar"]),
        gxe.ExpectColumnValuesToNotBeNull(column="undertrykt"),
        # A shown figure has a value; a suppressed one has neither value nor its parts.
        gxe.ExpectColumnValuesToBeInSet(column="suppression_state", value_set=["shown", "hidden"]),
        gxe.ExpectColumnValuesToBeBetween(column="bounded_pct", min_value=0, max_value=100),
        # More respondents than invited is an invitation file out of step, not a wrong sum.
        gxe.ExpectColumnValuesToBeBetween(
            column="svarprocent", min_value=0, max_value=100, severity=WARNING
        ),
        *keys(("kpi_id", "omkostningssted", "periode")),
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
            CASE WHEN kpi_id IN ({bounded}) THEN vaerdi END AS bounded_pct,
            CASE WHEN kpi_id = 'svarprocent' THEN vaerdi END AS svarprocent
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


COVERAGE_QUERY = """
    -- Every node of the current tree has a drift spending row for every month in which
    -- drift postings were booked in its subtree.
    WITH RECURSIVE up(node, ancestor) AS (
        SELECT omkostningssted, omkostningssted FROM marts.dim_organisation
        UNION ALL
        SELECT up.node, o.overordnet
        FROM up JOIN marts.dim_organisation o ON o.omkostningssted = up.ancestor
        WHERE o.overordnet IS NOT NULL
    ),
    posted AS (
        SELECT DISTINCT omkostningssted, regnskabsmaaned AS periode
        FROM raw.posteringer WHERE dranst IN ('1', '2')
    ),
    expected AS (
        SELECT DISTINCT up.ancestor AS omkostningssted, posted.periode
        FROM posted JOIN up ON up.node = posted.omkostningssted
    )
    SELECT e.omkostningssted, e.periode, k.kpi_id IS NOT NULL AS has_row_ok
    FROM expected e
    LEFT JOIN marts.kpi_values k
        ON k.kpi_id = 'forbrug_drift' AND k.periodetype = 'maaned'
        AND k.omkostningssted = e.omkostningssted AND k.periode = e.periode
"""


def coverage(frame: pd.DataFrame) -> list:
    return _all_true(frame)


GOAL_STATUSES = ["naaet", "paa_sporet", "i_risiko", "ikke_paa_sporet", "ingen_data"]


GOAL_PROGRESS_QUERY = """
    SELECT indikator_id, periode, status, forventet_fremdrift_pct,
        CASE WHEN vaerdi IS NULL AND status <> 'ingen_data' THEN 'status without a value'
             ELSE 'consistent' END AS value_state
    FROM marts.goal_progress
"""


def goal_progress(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
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
        # Refunds larger than a month's spending make a real, negative unit cost.
        gxe.ExpectColumnValuesToBeBetween(
            column="enhedsomkostning_kr", min_value=0, severity=WARNING
        ),
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
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="antal_i_rangering",
            column_B="rang",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        gxe.ExpectColumnValuesToBeBetween(column="rang", min_value=1),
    ]


# Every published mart: its columns and their types as its dbt contract declares them, and
# its key unique and complete. The frame is the contract beside the table's catalogue.


def schema_query(mart: str, contract: list[tuple[str, str]]) -> tuple[str, list]:
    values = ", ".join("(?, ?, ?)" for _ in contract) or "(NULL, NULL, NULL)"
    params = [v for position, (name, kind) in enumerate(contract) for v in (position, name, kind)]
    return (
        f"""
        WITH contract(position, column_name, contract_type) AS (VALUES {values}),
        actual AS (
            SELECT ordinal_position - 1 AS position, column_name, data_type
            FROM information_schema.columns
            WHERE table_schema = 'marts' AND table_name = ?
        )
        SELECT coalesce(contract.column_name, actual.column_name) AS column_name,
            contract.column_name AS contract_column, actual.column_name AS table_column,
            contract.contract_type, actual.data_type,
            contract.position IS NOT DISTINCT FROM actual.position AS in_contract_order
        FROM contract FULL JOIN actual USING (column_name)
        """,
        [*params, mart],
    )


def schema(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        # A contract column missing from the table, or a table column outside the contract.
        gxe.ExpectColumnValuesToNotBeNull(column="table_column"),
        gxe.ExpectColumnValuesToNotBeNull(column="contract_column"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="data_type", column_B="contract_type"),
        gxe.ExpectColumnValuesToBeInSet(column="in_contract_order", value_set=[True]),
    ]


def mart_suite(frame: pd.DataFrame, mart: str, key: tuple[str, ...]) -> list:
    """A published mart's suite (MART_SUITES) with its key unique and complete."""
    return [*MART_SUITES[mart].build(frame), *keys(key)]


def keys(key: tuple[str, ...]) -> list:
    import great_expectations.expectations as gxe

    unique = (
        gxe.ExpectColumnValuesToBeUnique(column=key[0])
        if len(key) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=list(key))
    )
    return [unique, *(gxe.ExpectColumnValuesToNotBeNull(column=column) for column in key)]


# The published marts beyond kpi_values and goal_progress: for each, the frame its suite
# reads (key columns plus derived columns computed once in SQL) and the expectations.
# Derived columns named *_ok are invariants of the contract that must hold on every row.

NIVEAUER = ["kommune", "omraade", "center", "enhed"]
MAAL_STATUSES = ["aktiv", "opfyldt", "opgivet"]
TENDENSER = ["bedring", "uaendret", "forvaerring"]
STATUS_COUNTS = (
    "antal_naaet + antal_paa_sporet + antal_i_risiko + antal_ikke_paa_sporet + antal_ingen_data"
)


def _all_true(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True])
        for column in frame.columns
        if column.endswith("_ok")
    ]


def _in_set(**domains) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values)
        for column, values in domains.items()
    ]


def _at_least(minimum: float, *columns: str) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=minimum) for c in columns]


def _not_before(later: str, earlier: str, severity: str = "critical") -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=later,
            column_B=earlier,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=severity,
        )
    ]


def dim_organisation(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        *_in_set(niveau=NIVEAUER),
        *_at_least(0, "dybde"),
        gxe.ExpectColumnValuesToBeBetween(column="roots", min_value=1, max_value=1),
        *_all_true(frame),
    ]


DIM_ORGANISATION_QUERY = """
    SELECT o.omkostningssted, o.niveau, o.dybde,
        (SELECT count(*) FROM marts.dim_organisation WHERE er_rod) AS roots,
        o.overordnet IS NULL
            OR o.overordnet IN (SELECT omkostningssted FROM marts.dim_organisation)
            AS parent_known_ok,
        o.er_rod = (o.overordnet IS NULL) AS root_flag_ok,
        o.er_blad = NOT EXISTS (
            SELECT 1 FROM marts.dim_organisation c WHERE c.overordnet = o.omkostningssted
        ) AS leaf_flag_ok,
        o.dybde = coalesce(p.dybde + 1, 0) AS depth_ok,
        -- A node is its own kommune, area or centre, or has its parent's (NULL included).
        (o.kommune_omkostningssted IS NOT DISTINCT FROM o.omkostningssted
            OR o.kommune_omkostningssted IS NOT DISTINCT FROM p.kommune_omkostningssted)
        AND (o.omraade_omkostningssted IS NOT DISTINCT FROM o.omkostningssted
            OR o.omraade_omkostningssted IS NOT DISTINCT FROM p.omraade_omkostningssted)
        AND (o.center_omkostningssted IS NOT DISTINCT FROM o.omkostningssted
            OR o.center_omkostningssted IS NOT DISTINCT FROM p.center_omkostningssted)
            AS levels_above_ok
    FROM marts.dim_organisation o
    LEFT JOIN marts.dim_organisation p ON p.omkostningssted = o.overordnet
"""


def dim_kpi(frame: pd.DataFrame) -> list:
    return _in_set(
        domaene=["oekonomi", "personale", "feedback"],
        retning=["op", "ned", "neutral"],
        periodetyper=["maaned,aar", "aar"],
    )


def goal_status(frame: pd.DataFrame) -> list:
    return [
        *_in_set(status=GOAL_STATUSES, maal_status=MAAL_STATUSES),
        *_at_least(0, "antal_indikatorer", "antal_med_prognose", "antal_forventes_naaet"),
        *_not_before("antal_med_prognose", "antal_forventes_naaet"),
        # The catalogue's own dates: sources.md sets no order for a goal's.
        *_not_before("slutdato", "startdato", severity=WARNING),
        *_all_true(frame),
    ]


def _goal_status_query(mart: str, reference: str | None = None) -> str:
    same = (
        f", g.status IS NOT DISTINCT FROM (SELECT r.status FROM marts.{reference} r "
        "WHERE r.maal_id = g.maal_id) AS same_status_ok"
        if reference
        else ""
    )
    return f"""
        SELECT g.maal_id, g.status, g.maal_status, g.antal_indikatorer, g.antal_med_prognose,
            g.antal_forventes_naaet, g.startdato, g.slutdato,
            {STATUS_COUNTS} = antal_indikatorer AS counts_add_up_ok{same}
        FROM marts.{mart} g
    """


def committee_status(frame: pd.DataFrame) -> list:
    return [
        *_in_set(status=GOAL_STATUSES),
        *_at_least(0, "antal_aktive_maal", "antal_aktive_indikatorer"),
        *_all_true(frame),
    ]


def _committee_query(mart: str, reference: str | None = None) -> str:
    goals = (
        "antal_aktive_maal + antal_opfyldte_maal + antal_opgivne_maal = antal_maal"
        if mart == "committee_status"
        else "true"
    )
    same = (
        f"c.status IS NOT DISTINCT FROM (SELECT r.status FROM marts.{reference} r "
        "WHERE r.fagudvalg = c.fagudvalg)"
        if reference
        else "true"
    )
    return f"""
        SELECT c.fagudvalg, c.status, c.antal_aktive_maal, c.antal_aktive_indikatorer,
            {goals} AS goals_add_up_ok, {same} AS same_status_ok
        FROM marts.{mart} c
    """


def goal_forecast(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        *_in_set(seneste_status=GOAL_STATUSES, tendens=TENDENSER),
        gxe.ExpectColumnValuesToBeBetween(column="antal_punkter", min_value=0, max_value=6),
        gxe.ExpectColumnValuesToBeBetween(
            column="seneste_forventet_fremdrift_pct", min_value=0, max_value=100
        ),
        *_all_true(frame),
    ]


GOAL_FORECAST_QUERY = """
    SELECT f.indikator_id, f.seneste_status, f.tendens, f.antal_punkter,
        f.seneste_forventet_fremdrift_pct,
        (f.haeldning_pr_periode IS NULL) = (f.tendens IS NULL) AS trend_ok,
        f.seneste_status IS NOT DISTINCT FROM (
            SELECT p.status FROM marts.goal_progress p
            WHERE p.indikator_id = f.indikator_id AND p.periode = f.seneste_periode
        ) AS latest_status_ok
    FROM marts.goal_forecast f
"""


def indicator_portfolio(frame: pd.DataFrame) -> list:
    return [
        *_in_set(
            vaerditype=["kpi", "leveret"],
            frekvens=["maaned", "kvartal", "aar"],
            retning=["op", "ned"],
        ),
        *_at_least(1, "kaede_nr"),
        *_at_least(0, "perioder_uden_vaerdi"),
        *_not_before("udfaset", "indfoert", severity=WARNING),
        *_all_true(frame),
    ]


INDICATOR_PORTFOLIO_QUERY = """
    SELECT p.indikator_id, p.vaerditype, p.frekvens, p.retning, p.kaede_nr,
        p.perioder_uden_vaerdi, p.indfoert, p.udfaset,
        p.erstatter IS NULL OR p.erstatter IN (
            SELECT indikator_id FROM marts.indicator_portfolio) AS replaces_known_ok,
        p.erstattet_af IS NULL OR p.erstattet_af IN (
            SELECT indikator_id FROM marts.indicator_portfolio) AS replaced_by_known_ok,
        (p.kaede_nr = 1) = (p.erstatter IS NULL) AS chain_start_ok
    FROM marts.indicator_portfolio p
"""


def indicator_portfolio_by_committee(frame: pd.DataFrame) -> list:
    return [
        *_in_set(periodetype=["maaned", "kvartal", "aar"]),
        *_at_least(
            0, "antal_aktive_indikatorer", "antal_indfoerte", "antal_udfasede", "antal_erstatninger"
        ),
        *_not_before("til_dato", "fra_dato"),
        *_not_before("antal_indfoerte", "antal_erstatninger"),
    ]


def polis_indikatorer(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        *_in_set(status=GOAL_STATUSES, tendens=TENDENSER),
        gxe.ExpectColumnValuesToBeBetween(
            column="forventet_fremdrift_pct", min_value=0, max_value=100
        ),
        *_all_true(frame),
    ]


POLIS_INDIKATORER_QUERY = """
    SELECT i.indikator_id, i.status, i.tendens, i.forventet_fremdrift_pct,
        i.status IS NOT DISTINCT FROM f.seneste_status
            AND i.tendens IS NOT DISTINCT FROM f.tendens
            AND i.forventes_naaet IS NOT DISTINCT FROM f.forventes_naaet AS same_as_forecast_ok
    FROM marts.polis_indikatorer i
    LEFT JOIN marts.goal_forecast f USING (indikator_id)
"""


def polis_indikatorforloeb(frame: pd.DataFrame) -> list:
    return [*_in_set(status=GOAL_STATUSES), *_all_true(frame)]


POLIS_INDIKATORFORLOEB_QUERY = """
    -- Row for row the published goal progress, nothing added, nothing lost.
    SELECT coalesce(f.indikator_id, g.indikator_id) AS indikator_id,
        coalesce(f.periode, g.periode) AS periode, f.status,
        f.indikator_id IS NOT NULL AND g.indikator_id IS NOT NULL
            AND f.status = g.status AND f.vaerdi IS NOT DISTINCT FROM g.vaerdi
            AND f.fremdrift_pct IS NOT DISTINCT FROM g.fremdrift_pct AS same_as_progress_ok
    FROM marts.polis_indikatorforloeb f
    FULL JOIN marts.goal_progress g USING (indikator_id, periode)
"""


def noegletal(frame: pd.DataFrame) -> list:
    return [*_in_set(periodetype=["maaned", "aar"]), *_all_true(frame)]


def _noegletal_query(mart: str, key: str, extra: str = "") -> str:
    return f"""
        -- The levels read kpi_values: the same figure and suppression, the root's beside it.
        SELECT n.omkostningssted, n.kpi_id, n.{key}, n.periodetype,
            (k.kpi_id IS NULL AND n.vaerdi IS NULL)
                OR (n.vaerdi IS NOT DISTINCT FROM k.vaerdi
                    AND n.undertrykt IS NOT DISTINCT FROM k.undertrykt) AS same_as_kpi_values_ok,
            NOT coalesce(n.undertrykt, false) OR n.vaerdi IS NULL AS suppressed_hidden_ok,
            n.kommune_vaerdi IS NOT DISTINCT FROM (
                SELECT r.vaerdi FROM marts.kpi_values r
                WHERE r.kpi_id = n.kpi_id AND r.periode = n.periode
                    AND r.omkostningssted = (
                        SELECT omkostningssted FROM marts.dim_organisation WHERE er_rod)
            ) AS municipality_value_ok{extra}
        FROM marts.{mart} n
        LEFT JOIN marts.kpi_values k USING (kpi_id, omkostningssted, periode)
    """


def stralis_omraader(frame: pd.DataFrame) -> list:
    return [
        *_at_least(
            0,
            "antal_aktive_maal",
            "sygefravaer_pct",
            "langtidssygefravaer_pct",
            "personaleomsaetning_afgang_pct",
        ),
        *_all_true(frame),
    ]


STRALIS_OMRAADER_QUERY = """
    SELECT omkostningssted, antal_aktive_maal, sygefravaer_pct, langtidssygefravaer_pct,
        personaleomsaetning_afgang_pct,
        forbrugsprocent_drift IS NULL
            OR abs(forbrugsprocent_drift - 100 * forbrug_drift / korrigeret_budget_drift) < 1e-6
            AS spending_share_ok,
        antal_maal_naaet + antal_maal_paa_sporet + antal_maal_i_risiko
            + antal_maal_ikke_paa_sporet + antal_maal_ingen_data = antal_aktive_maal
            AS goals_add_up_ok
    FROM marts.stralis_omraader
"""


def virklis_noegletal(frame: pd.DataFrame) -> list:
    return noegletal(frame)


VIRKLIS_NOEGLETAL_QUERY = _noegletal_query(
    "virklis_noegletal",
    "periode",
    extra="""
        , n.overordnet_vaerdi IS NOT DISTINCT FROM (
            SELECT p.vaerdi FROM marts.kpi_values p
            WHERE p.kpi_id = n.kpi_id AND p.periode = n.periode
                AND p.omkostningssted = n.overordnet
        ) AS parent_value_ok""",
)


def virklis_maal(frame: pd.DataFrame) -> list:
    return [
        *_in_set(relation=["egen", "overordnet"], status=GOAL_STATUSES),
        *_at_least(0, "afstand"),
        *_all_true(frame),
    ]


VIRKLIS_MAAL_QUERY = """
    SELECT omkostningssted, indikator_id, relation, status, afstand,
        (relation = 'egen') = (afstand = 0) AS distance_ok,
        (relation = 'egen') = (omkostningssted = indikator_omkostningssted) AS own_unit_ok
    FROM marts.virklis_maal
"""


@dataclass(frozen=True)
class MartSuite:
    query: str
    build: Callable[[pd.DataFrame], list]
    description: str


MART_SUITES = {
    "goal_progress": MartSuite(
        GOAL_PROGRESS_QUERY,
        goal_progress,
        "Statuses, expected progress within 0..100, no status without a value.",
    ),
    "dim_organisation": MartSuite(
        DIM_ORGANISATION_QUERY,
        dim_organisation,
        "One root, known parents; depth, root/leaf flags and the levels above agree with the tree.",
    ),
    "dim_kpi": MartSuite("SELECT * FROM marts.dim_kpi", dim_kpi, "Domains, directions, periods."),
    "goal_status": MartSuite(
        _goal_status_query("goal_status"),
        goal_status,
        "Statuses, indicator counts add up, forecasts within indicators, dates in order.",
    ),
    "committee_status": MartSuite(
        _committee_query("committee_status"),
        committee_status,
        "Statuses; active, fulfilled and abandoned goals add up to all goals.",
    ),
    "goal_forecast": MartSuite(
        GOAL_FORECAST_QUERY,
        goal_forecast,
        "Trend only with a slope, at most six points, latest status as in goal_progress.",
    ),
    "indicator_portfolio": MartSuite(
        INDICATOR_PORTFOLIO_QUERY,
        indicator_portfolio,
        "Domains, replacement chains point at known indicators, phase-out after start.",
    ),
    "indicator_portfolio_by_committee": MartSuite(
        "SELECT * FROM marts.indicator_portfolio_by_committee",
        indicator_portfolio_by_committee,
        "Counts non-negative, replacements within introductions, periods in order.",
    ),
    "polis_udvalg": MartSuite(
        _committee_query("polis_udvalg", reference="committee_status"),
        committee_status,
        "POLIS: each committee's status as committee_status gives it.",
    ),
    "polis_maal": MartSuite(
        _goal_status_query("polis_maal", reference="goal_status"),
        goal_status,
        "POLIS: each goal's status as goal_status gives it; counts add up.",
    ),
    "polis_indikatorer": MartSuite(
        POLIS_INDIKATORER_QUERY,
        polis_indikatorer,
        "POLIS: status, trend and forecast as goal_forecast gives them.",
    ),
    "polis_indikatorforloeb": MartSuite(
        POLIS_INDIKATORFORLOEB_QUERY,
        polis_indikatorforloeb,
        "POLIS: row for row the published goal_progress.",
    ),
    "stralis_noegletal": MartSuite(
        _noegletal_query("stralis_noegletal", "periode"),
        noegletal,
        "STRALIS: figures and suppression as kpi_values, the municipality's figure beside.",
    ),
    "stralis_omraader": MartSuite(
        STRALIS_OMRAADER_QUERY,
        stralis_omraader,
        "STRALIS: spending share equals spending over budget, goal counts add up.",
    ),
    "virklis_noegletal": MartSuite(
        VIRKLIS_NOEGLETAL_QUERY,
        virklis_noegletal,
        "VIRKLIS: figures and suppression as kpi_values, the parent's and municipality's beside.",
    ),
    "virklis_maal": MartSuite(
        VIRKLIS_MAAL_QUERY,
        virklis_maal,
        "VIRKLIS: own indicators at distance 0, inherited ones from a parent above.",
    ),
    "leon_enhedsomkostning": MartSuite(
        LEON_QUERY,
        leon_enhedsomkostning,
        "Keys, non-negative unit costs and gaps, quartile below median, no suppressed quality.",
    ),
    "benchmark_sammenligning": MartSuite(
        "SELECT * FROM marts.benchmark_sammenligning",
        benchmark_sammenligning,
        "One row per KPI and year, ranks within the ranking.",
    ),
}
