-- svarprocent per node and survey period: 100 · respondents with at least one non-empty
-- score / Σ antal_inviterede over the subtree. A year sums its rounds' invitations, so its
-- respondents are counted per round too. A row only where invitations > 0. Not suppressed:
-- a response rate shows how many answered, not what anyone answered (docs/feedback.md).
with

respondents as (
    select distinct
        runde,
        omkostningssted,
        besvarelse_id
    from {{ ref('int_besvarelser_aggregated_by_respondent') }}
),

invitations as (
    select * from {{ ref('stg_feedback__inviterede') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

periods as (
    select * from {{ ref('int_survey_periods_spined') }}
),

node_invitations as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        sum(invitations.antal_inviterede) as antal_inviterede
    from periods
    inner join invitations
        on invitations.runde between periods.fra_maaned and periods.til_maaned
    inner join closure
        on invitations.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode, periods.periodetype
),

node_respondents as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        count(distinct respondents.runde || '|' || respondents.besvarelse_id) as antal_respondenter
    from periods
    inner join respondents
        on respondents.runde between periods.fra_maaned and periods.til_maaned
    inner join closure
        on respondents.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode
),

node_periods as (
    select
        node_invitations.omkostningssted,
        node_invitations.periode,
        node_invitations.periodetype,
        node_invitations.antal_inviterede,
        -- Invited but nobody answered in a delivered round: 0 respondents is a fact.
        coalesce(node_respondents.antal_respondenter, 0) as antal_respondenter
    from node_invitations
    left join node_respondents
        on
            node_invitations.omkostningssted = node_respondents.omkostningssted
            and node_invitations.periode = node_respondents.periode
    where node_invitations.antal_inviterede > 0
)

select
    'svarprocent' as kpi_id,
    {{ kpi_row_tail('antal_respondenter', 'antal_inviterede', percent=true) }}
from node_periods
