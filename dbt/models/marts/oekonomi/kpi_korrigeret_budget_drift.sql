-- korrigeret_budget_drift: Σ drift budget rows (OPR + TB + OVF) of the node's subtree for
-- a year of the period spine; a row only where the subtree has drift budget rows.
with

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

budget as (
    select * from {{ ref('int_budget_aggregated_by_year') }}
),

years as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
    where periodetype = 'aar'
),

node_years as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        years.periode,
        years.periodetype,
        sum(budget.korrigeret_budget_drift) as korrigeret_budget_drift,
        sum(budget.antal_driftsbudgetrader) as antal_driftsbudgetrader
    from years
    inner join budget
        on years.aar = budget.aar
    inner join closure
        on budget.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, years.periode, years.periodetype
)

select
    'korrigeret_budget_drift' as kpi_id,
    {{ kpi_row_tail('korrigeret_budget_drift') }}
from node_years
where antal_driftsbudgetrader > 0
