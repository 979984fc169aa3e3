-- The two periods of every initiative (docs/kpis.md, Initiative effect), as month numbers
-- (year · 12 + month − 1) and labels. S is the month of startdato. The pre-period is
-- S−12 … S−1; the post-period S+1 … the earliest of S+12, the month of slutdato and the
-- indicator's horizon; S itself is in neither. No post month yet: efter_* NULL and
-- efter_maaneder 0. An indicator without any data has no horizon, hence no post month.
with

initiatives as (
    {{ newest_snapshot('stg_maal__indsatser') }}
),

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

horizons as (
    select * from {{ ref('indicator_horizons') }}
),

months as (
    select * from {{ ref('int_maal_periods_spined') }}
    where frekvens = 'maaned'
),

numbered as (
    select
        initiatives.indsats_id,
        initiatives.maal_id,
        initiatives.titel,
        initiatives.forandringsteori,
        initiatives.indikator_id,
        initiatives.omkostningssteder,
        initiatives.sammenligning,
        initiatives.startdato,
        initiatives.slutdato,
        initiatives.omkostning_kr,
        indicators.navn as indikator_navn,
        indicators.kpi,
        indicators.enhed,
        indicators.retning,
        cast(extract(year from initiatives.startdato) as integer) * 12
        + cast(extract(month from initiatives.startdato) as integer) - 1 as start_nr,
        cast(extract(year from initiatives.slutdato) as integer) * 12
        + cast(extract(month from initiatives.slutdato) as integer) - 1 as slut_nr,
        horizons.horisont_nr
    from initiatives
    inner join indicators
        on initiatives.indikator_id = indicators.indikator_id
    left join horizons
        on initiatives.indikator_id = horizons.indikator_id
),

windowed as (
    select
        *,
        start_nr - 12 as foer_fra_nr,
        start_nr - 1 as foer_til_nr,
        -- No horizon (no data): the post-period ends before it starts.
        least(start_nr + 12, coalesce(slut_nr, start_nr + 12), coalesce(horisont_nr, start_nr))
            as efter_til_nr
    from numbered
)

select
    windowed.indsats_id,
    windowed.maal_id,
    windowed.titel,
    windowed.forandringsteori,
    windowed.indikator_id,
    windowed.indikator_navn,
    windowed.kpi,
    windowed.enhed,
    windowed.retning,
    windowed.omkostningssteder,
    windowed.sammenligning,
    windowed.startdato,
    windowed.slutdato,
    windowed.omkostning_kr,
    windowed.start_nr,
    windowed.foer_fra_nr,
    windowed.foer_til_nr,
    windowed.efter_til_nr,
    greatest(windowed.efter_til_nr - windowed.start_nr, 0) as efter_maaneder,
    start_month.periode as start_maaned,
    foer_fra.periode as foer_fra,
    foer_til.periode as foer_til,
    case when windowed.efter_til_nr > windowed.start_nr then efter_fra.periode end as efter_fra,
    case when windowed.efter_til_nr > windowed.start_nr then efter_til.periode end as efter_til
from windowed
inner join months as start_month
    on windowed.start_nr = start_month.periode_nr
inner join months as foer_fra
    on windowed.foer_fra_nr = foer_fra.periode_nr
inner join months as foer_til
    on windowed.foer_til_nr = foer_til.periode_nr
left join months as efter_fra
    on windowed.start_nr + 1 = efter_fra.periode_nr
left join months as efter_til
    on windowed.efter_til_nr = efter_til.periode_nr
