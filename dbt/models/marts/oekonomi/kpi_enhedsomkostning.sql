-- enhedsomkostning: drift postings per unit of activity over the node's subtree. A cost
-- centre's postings count only in the months in which it has activity rows, so a unit
-- that starts reporting activity mid-year does not load its earlier costs onto the units.
-- Defined only where the subtree's activity in the period is of one ydelse and Σ antal > 0.
with

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

postings as (
    select * from {{ ref('int_posteringer_aggregated_by_month') }}
),

activity as (
    select * from {{ ref('int_aktivitet_aggregated_by_month') }}
),

periods as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
),

active_months as (
    select distinct
        omkostningssted,
        maaned
    from activity
),

costs_in_active_months as (
    select
        active_months.omkostningssted,
        active_months.maaned,
        coalesce(postings.forbrug_drift, 0) as forbrug_drift
    from active_months
    left join postings
        on
            active_months.omkostningssted = postings.omkostningssted
            and active_months.maaned = postings.maaned
),

node_activity as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        sum(activity.antal) as antal,
        count(distinct activity.ydelse) as antal_ydelser
    from periods
    inner join activity
        on activity.maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on activity.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode, periods.periodetype
),

node_costs as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        sum(costs_in_active_months.forbrug_drift) as forbrug_drift
    from periods
    inner join costs_in_active_months
        on costs_in_active_months.maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on costs_in_active_months.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode
),

node_periods as (
    select
        node_activity.omkostningssted,
        node_activity.periode,
        node_activity.periodetype,
        node_costs.forbrug_drift,
        node_activity.antal
    from node_activity
    inner join node_costs
        on
            node_activity.omkostningssted = node_costs.omkostningssted
            and node_activity.periode = node_costs.periode
    where node_activity.antal_ydelser = 1 and node_activity.antal > 0
)

select
    'enhedsomkostning' as kpi_id,
    {{ kpi_row_tail('forbrug_drift', 'antal') }}
from node_periods
