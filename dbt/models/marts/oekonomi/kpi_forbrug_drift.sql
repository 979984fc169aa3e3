-- forbrug_drift: Σ drift postings (dranst 1, 2) of the node's subtree in the period.
-- A row only where the subtree has at least one drift posting in the period.
with

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

postings as (
    select * from {{ ref('int_posteringer_aggregated_by_month') }}
),

periods as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
),

node_periods as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        sum(postings.forbrug_drift) as forbrug_drift,
        sum(postings.antal_driftsposteringer) as antal_driftsposteringer
    from periods
    inner join postings
        on postings.maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on postings.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode, periods.periodetype
)

select
    'forbrug_drift' as kpi_id,
    {{ kpi_row_tail('forbrug_drift') }}
from node_periods
where antal_driftsposteringer > 0
