-- Active indicators per committee (fagudvalg) and period, years and months from the first
-- indicator's introduction to the catalogue's date. An indicator is active in a period when
-- indfoert ≤ the period's last day and (udfaset is empty or udfaset ≥ its first day). The
-- count growing from one period to the next without an indicator introduced as a replacement
-- (erstatter) in that period is flagged: a new tool should replace another.
with

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

committees as (
    {{ newest_snapshot('stg_maal__udvalg') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

bounds as (
    select
        min(indfoert) as fra_dato,
        max(katalog_dato) as til_dato
    from indicators
),

calendar as (
    select periods.*
    from periods
    inner join bounds
        on
            periods.til_dato >= bounds.fra_dato
            and periods.fra_dato <= bounds.til_dato
    where periods.frekvens in ('maaned', 'aar')
),

all_committees as (
    select fagudvalg from committees
    union
    select fagudvalg from indicators
    where fagudvalg is not null
),

counted as (
    select
        all_committees.fagudvalg,
        calendar.frekvens as periodetype,
        calendar.periode,
        calendar.periode_nr,
        calendar.fra_dato,
        calendar.til_dato,
        count(indicators.indikator_id) filter (
            where indicators.indfoert <= calendar.til_dato
            and coalesce(indicators.udfaset >= calendar.fra_dato, true)
        ) as antal_aktive_indikatorer,
        count(indicators.indikator_id) filter (
            where indicators.indfoert between calendar.fra_dato and calendar.til_dato
        ) as antal_indfoerte,
        count(indicators.indikator_id) filter (
            where indicators.udfaset between calendar.fra_dato and calendar.til_dato
        ) as antal_udfasede,
        count(indicators.indikator_id) filter (
            where indicators.indfoert between calendar.fra_dato and calendar.til_dato
            and indicators.erstatter is not null
        ) as antal_erstatninger
    from all_committees
    cross join calendar
    left join indicators
        on all_committees.fagudvalg = indicators.fagudvalg
    group by
        all_committees.fagudvalg,
        calendar.frekvens,
        calendar.periode,
        calendar.periode_nr,
        calendar.fra_dato,
        calendar.til_dato
),

compared as (
    select
        *,
        antal_aktive_indikatorer
        - lag(antal_aktive_indikatorer) over (
            partition by fagudvalg, periodetype order by periode_nr
        ) as aendring
    from counted
)

select
    cast(compared.fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(committees.navn as {{ text_type() }}) as udvalg_navn,
    cast(compared.periodetype as {{ text_type() }}) as periodetype,
    cast(compared.periode as {{ text_type() }}) as periode,
    compared.fra_dato,
    compared.til_dato,
    cast(compared.antal_aktive_indikatorer as integer) as antal_aktive_indikatorer,
    cast(compared.antal_indfoerte as integer) as antal_indfoerte,
    cast(compared.antal_udfasede as integer) as antal_udfasede,
    cast(compared.antal_erstatninger as integer) as antal_erstatninger,
    cast(compared.aendring as integer) as aendring,
    coalesce(compared.aendring > 0 and compared.antal_erstatninger = 0, false) as vaekst_uden_erstatning,
    {{ periode_start('compared.periode') }} as periode_start
from compared
left join committees
    on compared.fagudvalg = committees.fagudvalg
