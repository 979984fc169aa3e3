-- Every suggestions period (docs/kpis.md): the months from the first month with a submitted
-- suggestion through the horizon, and each year holding one of them. The horizon is the
-- last complete month on or before the newest extraction date: a month is complete when
-- its last day is on or before that date.
{%- set months_from = 'horizon.foerste_maaned_start' %}
{%- set months_to = "cast(date_trunc('month', horizon.horisont_dato) as date)" %}
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
    select cast(series.maaned_start as date) as maaned_start
    from horizon
    cross join lateral {{ date_series(months_from, months_to, 'month') }} as series (maaned_start)
    where horizon.foerste_maaned_start <= horizon.horisont_dato
),

periods as (
    {{ month_and_year_periods('month_starts') }}
)

select
    periods.periodetype,
    periods.periode,
    periods.aar,
    periods.fra_maaned,
    periods.til_maaned,
    horizon.udtraeksdato,
    {{ month_text('horizon.horisont_dato') }} as horisont_maaned
from periods
cross join horizon
