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

month_periods as (
    select
        'maaned' as periodetype,
        {{ month_text('maaned_start') }} as periode,
        {{ integer_part('year', 'maaned_start') }} as aar,
        {{ month_text('maaned_start') }} as fra_maaned,
        {{ month_text('maaned_start') }} as til_maaned,
        maaned_start as fra_dato,
        {{ month_end('maaned_start') }} as til_dato,
        cast(maaned_start - interval '11 months' as date) as vindue_fra_dato,
        {{ month_end('maaned_start') }} as vindue_til_dato
    from month_starts
),

year_periods as (
    select
        'aar' as periodetype,
        cast(month_periods.aar as {{ text_type() }}) as periode,
        month_periods.aar,
        min(month_periods.fra_maaned) as fra_maaned,
        max(month_periods.til_maaned) as til_maaned,
        make_date(cast(month_periods.aar as integer), 1, 1) as fra_dato,
        -- Year to date in the horizon's year: the horizon is always a month's last day.
        max(month_periods.til_dato) as til_dato,
        make_date(cast(month_periods.aar as integer), 1, 1) as vindue_fra_dato,
        max(month_periods.til_dato) as vindue_til_dato
    from month_periods
    cross join horizon
    group by month_periods.aar, horizon.foerste_dato
    having make_date(cast(month_periods.aar as integer), 1, 1) >= horizon.foerste_dato
),

periods as (
    select * from month_periods
    union all
    select * from year_periods
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
