-- One row per round, cost centre, respondent and theme with the respondent's non-empty
-- scores summed and counted. Unanswered questions (score NULL) count nowhere, so a
-- respondent who answered nothing has no row at all. An answer to a question that is no
-- longer in the question list keeps tema NULL: it still makes its respondent a respondent
-- (svarprocent) but belongs to no theme.
with

answers as (
    select * from {{ ref('stg_feedback__besvarelser') }}
    where score is not null
),

questions as (
    select * from {{ ref('stg_feedback__spoergsmaal') }}
),

aggregated as (
    select
        answers.runde,
        answers.omkostningssted,
        answers.besvarelse_id,
        questions.tema,
        sum(answers.score) as sum_score,
        count(*) as antal_scorer
    from answers
    left join questions
        on answers.spoergsmaal_id = questions.spoergsmaal_id
    group by answers.runde, answers.omkostningssted, answers.besvarelse_id, questions.tema
)

select
    runde,
    omkostningssted,
    besvarelse_id,
    tema,
    -- KPI ids are ASCII like the catalogue's (ARBEJDSGLÆDE and ARBEJDSGLAEDE are one theme).
    'trivsel_' || replace(replace(replace(lower(tema), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa') as kpi_id,
    sum_score,
    antal_scorer
from aggregated
