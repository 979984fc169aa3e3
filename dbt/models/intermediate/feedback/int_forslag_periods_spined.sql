-- Every suggestions period (docs/kpis.md): the months from the first month with a submitted
-- suggestion through the horizon, and each year holding one of them. The horizon is the
-- last complete month on or before the newest extraction date: a month is complete when
-- its last day is on or before that date.
with

horizon as (
    select
        max(udtraeksdato) as udtraeksdato,
        -- The day after the extraction date lies in the first incomplete month.
        cast(date_trunc('month', max(udtraeksdato) + 1) as date) - 1 as horisont_dato,
        cast(date_trunc('month', min(indsendt)) as date) as foerste_maaned_start
    from {{ ref('stg_feedback__forslag') }}
    having count(*) > 0
),

month_starts as (
    select
        cast(unnest(generate_series(
            foerste_maaned_start,
            cast(date_trunc('month', horisont_dato) as date),
            interval 1 month
        )) as date) as maaned_start
    from horizon
    where foerste_maaned_start <= horisont_dato
),

month_periods as (
    select
        'maaned' as periodetype,
        strftime(maaned_start, '%Y-%m') as periode,
        year(maaned_start) as aar,
        strftime(maaned_start, '%Y-%m') as fra_maaned,
        strftime(maaned_start, '%Y-%m') as til_maaned
    from month_starts
),

year_periods as (
    select
        'aar' as periodetype,
        cast(aar as varchar) as periode,
        aar,
        min(fra_maaned) as fra_maaned,
        -- Year to date in the horizon's year.
        max(til_maaned) as til_maaned
    from month_periods
    group by aar
),

periods as (
    select * from month_periods
    union all
    select * from year_periods
)

select
    periods.periodetype,
    periods.periode,
    periods.aar,
    periods.fra_maaned,
    periods.til_maaned,
    horizon.udtraeksdato,
    strftime(horizon.horisont_dato, '%Y-%m') as horisont_maaned
from periods
cross join horizon
