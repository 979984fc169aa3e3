-- No goal_progress row before the baseline period, after maal_periode or after the
-- indicator's horizon (docs/kpis.md: no value for a period that starts after its source's horizon).
with

progress as (
    select * from {{ ref('goal_progress') }}
),

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

horizons as (
    select * from {{ ref('indicator_horizons') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
)

select
    progress.indikator_id,
    progress.periode
from progress
inner join indicators
    on progress.indikator_id = indicators.indikator_id
left join horizons
    on progress.indikator_id = horizons.indikator_id
left join periods
    on
        indicators.frekvens = periods.frekvens
        and progress.periode = periods.periode
where
    periods.periode_nr is null
    or periods.periode_nr < indicators.baseline_nr
    or periods.periode_nr > indicators.maal_nr
    or horizons.horisont_nr is null
    or periods.periode_nr > horizons.horisont_nr
