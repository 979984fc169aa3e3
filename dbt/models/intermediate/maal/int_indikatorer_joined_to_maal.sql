-- One row per indicator of the newest catalogue with what its goal decides: the node measured
-- (its own, else the goal's ansvarlig) and the committee (the goal's). Baseline and target
-- periods get their period numbers in the indicator's frequency, so periods are counted by
-- subtraction.
with

indicators as (
    {{ newest_snapshot('stg_maal__indikatorer') }}
),

goals as (
    {{ newest_snapshot('stg_maal__maal') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
)

select
    indicators.indikator_id,
    indicators.maal_id,
    indicators.navn,
    indicators.kpi,
    coalesce(indicators.omkostningssted, goals.ansvarlig) as omkostningssted,
    goals.fagudvalg,
    indicators.enhed,
    indicators.retning,
    indicators.frekvens,
    indicators.baseline_periode,
    baseline_period.periode_nr as baseline_nr,
    indicators.baseline_vaerdi,
    indicators.maal_periode,
    target_period.periode_nr as maal_nr,
    indicators.maal_vaerdi,
    indicators.indfoert,
    indicators.udfaset,
    indicators.erstatter,
    -- The catalogue's extraction date is "today" for the administration that keeps it.
    indicators.udtraeksdato as katalog_dato,
    indicators.indfoert <= indicators.udtraeksdato
    and coalesce(indicators.udfaset >= indicators.udtraeksdato, true) as er_aktiv,
    goals.titel as maal_titel,
    goals.status as maal_status,
    goals.maalgruppe,
    goals.ansvarlig
from indicators
left join goals
    on indicators.maal_id = goals.maal_id
left join periods as baseline_period
    on
        indicators.frekvens = baseline_period.frekvens
        and indicators.baseline_periode = baseline_period.periode
left join periods as target_period
    on
        indicators.frekvens = target_period.frekvens
        and indicators.maal_periode = target_period.periode
