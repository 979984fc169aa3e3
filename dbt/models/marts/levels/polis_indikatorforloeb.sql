-- POLIS: every row of goal_progress with the names a chart needs, for the development of each
-- indicator over time against its expected path.
with

progress as (
    select * from {{ ref('goal_progress') }}
),

portfolio as (
    select * from {{ ref('indicator_portfolio') }}
),

committees as (
    select * from {{ ref('committee_status') }}
)

select
    progress.fagudvalg,
    committees.udvalg_navn,
    progress.maal_id,
    portfolio.maal_titel,
    progress.indikator_id,
    portfolio.navn as indikator_navn,
    portfolio.enhed,
    portfolio.retning,
    portfolio.frekvens,
    progress.omkostningssted,
    progress.periode,
    progress.vaerdi,
    progress.baseline_vaerdi,
    progress.maal_vaerdi,
    progress.fremdrift_pct,
    progress.forventet_fremdrift_pct,
    progress.status,
    progress.periode_start
from progress
inner join portfolio
    on progress.indikator_id = portfolio.indikator_id
left join committees
    on progress.fagudvalg = committees.fagudvalg
