-- POLIS: one row per indicator, under its committee and goal: where it stands in its latest
-- period, its trend and whether it is forecast to reach its target.
with

portfolio as (
    select * from {{ ref('indicator_portfolio') }}
),

forecasts as (
    select * from {{ ref('goal_forecast') }}
),

baselines as (
    select * from {{ ref('indicator_baselines') }}
),

committees as (
    select * from {{ ref('committee_status') }}
),

organisation as (
    select * from {{ ref('dim_organisation') }}
)

select
    portfolio.fagudvalg,
    committees.udvalg_navn,
    portfolio.maal_id,
    portfolio.maal_titel,
    portfolio.indikator_id,
    portfolio.navn as indikator_navn,
    portfolio.omkostningssted,
    organisation.navn as omkostningssted_navn,
    portfolio.kpi,
    portfolio.enhed,
    portfolio.retning,
    portfolio.frekvens,
    portfolio.er_aktiv,
    portfolio.baseline_periode,
    baselines.baseline_vaerdi,
    portfolio.maal_periode,
    portfolio.maal_vaerdi,
    forecasts.seneste_periode,
    forecasts.seneste_status as status,
    forecasts.seneste_fremdrift_pct as fremdrift_pct,
    forecasts.seneste_forventet_fremdrift_pct as forventet_fremdrift_pct,
    forecasts.seneste_periode_med_vaerdi,
    forecasts.seneste_vaerdi,
    forecasts.tendens,
    forecasts.haeldning_pr_periode,
    forecasts.forventet_vaerdi_ved_maal,
    forecasts.forventes_naaet
from portfolio
left join forecasts
    on portfolio.indikator_id = forecasts.indikator_id
left join baselines
    on portfolio.indikator_id = baselines.indikator_id
left join committees
    on portfolio.fagudvalg = committees.fagudvalg
left join organisation
    on portfolio.omkostningssted = organisation.omkostningssted
