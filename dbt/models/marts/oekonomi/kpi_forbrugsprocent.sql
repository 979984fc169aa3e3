-- forbrugsprocent_drift and forbrugsprocent_anlaeg: year-to-date postings (January of the
-- year through the period's last month) as a percentage of the year's korrigeret budget,
-- both over the node's subtree. A row only where that budget is non-zero.
with

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

postings as (
    select * from {{ ref('int_posteringer_aggregated_by_month') }}
),

budget as (
    select * from {{ ref('int_budget_aggregated_by_year') }}
),

periods as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
),

node_budgets as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        budget.aar,
        sum(budget.korrigeret_budget_drift) as korrigeret_budget_drift,
        sum(budget.korrigeret_budget_anlaeg) as korrigeret_budget_anlaeg
    from budget
    inner join closure
        on budget.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, budget.aar
),

node_year_to_date as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        sum(postings.forbrug_drift) as forbrug_drift,
        sum(postings.forbrug_anlaeg) as forbrug_anlaeg
    from periods
    inner join postings
        on postings.maaned between periods.aar_fra_maaned and periods.til_maaned
    inner join closure
        on postings.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode
),

node_periods as (
    select
        node_budgets.omkostningssted,
        periods.periode,
        periods.periodetype,
        node_budgets.korrigeret_budget_drift,
        node_budgets.korrigeret_budget_anlaeg,
        -- No postings yet in the year: the year-to-date spend is 0, not missing.
        coalesce(node_year_to_date.forbrug_drift, 0) as forbrug_drift,
        coalesce(node_year_to_date.forbrug_anlaeg, 0) as forbrug_anlaeg
    from periods
    inner join node_budgets
        on periods.aar = node_budgets.aar
    left join node_year_to_date
        on
            node_budgets.omkostningssted = node_year_to_date.omkostningssted
            and periods.periode = node_year_to_date.periode
)

select
    'forbrugsprocent_drift' as kpi_id,
    {{ kpi_row_tail('forbrug_drift', 'korrigeret_budget_drift', percent=true) }}
from node_periods
where korrigeret_budget_drift != 0

union all

select
    'forbrugsprocent_anlaeg' as kpi_id,
    {{ kpi_row_tail('forbrug_anlaeg', 'korrigeret_budget_anlaeg', percent=true) }}
from node_periods
where korrigeret_budget_anlaeg != 0
