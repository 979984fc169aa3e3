-- trivsel_<tema> before suppression: per theme, node and survey period, the subtree's
-- non-empty scores summed and counted, and the distinct respondents behind them (those
-- with at least one score for the theme). A respondent is a besvarelse_id; in a year with
-- several rounds an id seen in two rounds counts once, which can only suppress more.
-- The respondents on the node's own cost centre are counted apart too: the secondary
-- suppression (int_trivsel_cells_suppressed) treats them as a part of the node's figures.
with

respondents as (
    select * from {{ ref('int_besvarelser_aggregated_by_respondent') }}
    where tema is not null
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

periods as (
    select * from {{ ref('int_survey_periods_spined') }}
),

node_periods as (
    select
        respondents.kpi_id,
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        periods.aar,
        sum(respondents.sum_score) as sum_score,
        sum(respondents.antal_scorer) as antal_scorer,
        count(distinct respondents.besvarelse_id) as antal_respondenter,
        count(distinct respondents.besvarelse_id) filter (
            where closure.afstand = 0
        ) as antal_respondenter_direkte
    from periods
    inner join respondents
        on respondents.runde between periods.fra_maaned and periods.til_maaned
    inner join closure
        on respondents.omkostningssted = closure.omkostningssted
    group by
        respondents.kpi_id,
        closure.ancestor_omkostningssted,
        periods.periode,
        periods.periodetype,
        periods.aar
)

select
    node_periods.kpi_id,
    node_periods.omkostningssted,
    cost_centres.overordnet,
    node_periods.periode,
    node_periods.periodetype,
    node_periods.aar,
    node_periods.sum_score,
    node_periods.antal_scorer,
    node_periods.antal_respondenter,
    node_periods.antal_respondenter_direkte
from node_periods
inner join cost_centres
    on node_periods.omkostningssted = cost_centres.omkostningssted
