-- Every HR period: the months from January of the first absence-file year through the
-- horizon month, and each year holding at least one of them (the horizon's year runs to the
-- horizon). Each period carries its number of working days and its turnover window
-- [t0, t1]: the calendar year (to the horizon) for aar, the twelve months ending with the
-- month for maaned. A year that began before the first month (the retention cutoff moved it
-- into the year) is no period: its published figure is frozen.
{%- set months_from = 'horizon.foerste_dato' %}
{%- set months_to = "cast(date_trunc('month', horizon.horisont_dato) as date)" %}
with

horizon as (
    select * from {{ ref('int_personale_horizon_determined') }}
),

calendar as (
    select * from {{ ref('stg_reference__kalender') }}
),

month_starts as (
    select cast(series.maaned_start as date) as maaned_start
    from horizon
    cross join lateral {{ date_series(months_from, months_to, 'month') }} as series (maaned_start)
),

spine as (
    {{ month_and_year_periods('month_starts') }}
),

-- The turnover window of a month is the twelve months ending with it, of a year the year.
periods as (
    select
        spine.periodetype,
        spine.periode,
        spine.aar,
        spine.fra_maaned,
        spine.til_maaned,
        spine.fra_dato,
        spine.til_dato,
        case
            when spine.periodetype = 'maaned' then cast(spine.fra_dato - interval '11 months' as date)
            else spine.fra_dato
        end as vindue_fra_dato,
        spine.til_dato as vindue_til_dato
    from spine
    cross join horizon
    where
        spine.periodetype = 'maaned'
        or make_date(cast(spine.aar as integer), 1, 1) >= horizon.foerste_dato
),

working_days as (
    select
        periods.periode,
        count(*) as antal_arbejdsdage
    from periods
    inner join calendar
        on calendar.dato between periods.fra_dato and periods.til_dato
    where calendar.er_arbejdsdag
    group by periods.periode
)

select
    periods.periodetype,
    periods.periode,
    periods.aar,
    periods.fra_maaned,
    periods.til_maaned,
    periods.fra_dato,
    periods.til_dato,
    coalesce(working_days.antal_arbejdsdage, 0) as antal_arbejdsdage,
    periods.vindue_fra_dato,
    periods.vindue_til_dato
from periods
left join working_days
    on periods.periode = working_days.periode
