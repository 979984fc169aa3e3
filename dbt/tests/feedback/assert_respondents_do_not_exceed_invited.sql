{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_besvarelser_aggregated_by_respondent'}}}) }}

-- A cost centre cannot have more respondents in a round than it invited; if it does, the
-- invitations file of the round is incomplete and svarprocent above it is too high.
with

respondents as (
    select
        runde,
        omkostningssted,
        count(distinct besvarelse_id) as antal_respondenter
    from {{ ref('int_besvarelser_aggregated_by_respondent') }}
    group by runde, omkostningssted
),

invitations as (
    select
        runde,
        omkostningssted,
        sum(antal_inviterede) as antal_inviterede
    from {{ ref('stg_feedback__inviterede') }}
    group by runde, omkostningssted
)

select
    respondents.runde,
    respondents.omkostningssted,
    respondents.antal_respondenter,
    coalesce(invitations.antal_inviterede, 0) as antal_inviterede
from respondents
left join invitations
    on
        respondents.runde = invitations.runde
        and respondents.omkostningssted = invitations.omkostningssted
where respondents.antal_respondenter > coalesce(invitations.antal_inviterede, 0)
