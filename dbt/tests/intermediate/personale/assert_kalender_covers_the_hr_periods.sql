{{ config(meta={'dagster': {'ref': {'name': 'int_personale_periods_spined'}}}) }}

-- Working days are counted from raw.kalender; a missing date would silently lower possible
-- dagsværk and årsværk. Every day of every HR period must be there.
with

periods as (
    select
        min(fra_dato) as foerste_dato,
        max(til_dato) as sidste_dato
    from {{ ref('int_personale_periods_spined') }}
),

period_days as (
    select cast(series.dato as date) as dato
    from periods
    cross join lateral {{ date_series('periods.foerste_dato', 'periods.sidste_dato', 'day') }} as series (dato)
    where periods.foerste_dato is not null
)

select period_days.dato
from period_days
left join {{ ref('stg_reference__kalender') }} as calendar
    on period_days.dato = calendar.dato
where calendar.dato is null
