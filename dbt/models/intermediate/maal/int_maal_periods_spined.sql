-- Every period an indicator can have, in each frequency, numbered so that the periods from
-- one to another are a subtraction: a month is year · 12 + month − 1, a quarter year · 4 +
-- quarter − 1, a year the year. 1990 to 2100 covers any catalogue; a test checks that it does.
with

month_starts as (
    select cast(series.maaned_start as date) as maaned_start
    from {{ date_series("date '1990-01-01'", "date '2100-12-01'", 'month') }} as series (maaned_start)
),

months_and_years as (
    {{ month_and_year_periods('month_starts') }}
),

quarter_starts as (
    select
        maaned_start,
        {{ integer_part('year', 'maaned_start') }} as aar,
        {{ integer_part('quarter', 'maaned_start') }} as kvartal
    from month_starts
    where {{ integer_part('month', 'maaned_start') }} in (1, 4, 7, 10)
)

select
    periodetype as frekvens,
    periode,
    case
        when periodetype = 'maaned' then aar * 12 + {{ integer_part('month', 'fra_dato') }} - 1
        else aar
    end as periode_nr,
    fra_dato,
    til_dato
from months_and_years
union all
select
    'kvartal' as frekvens,
    cast(aar as {{ text_type() }}) || '-Q' || cast(kvartal as {{ text_type() }}) as periode,
    aar * 4 + kvartal - 1 as periode_nr,
    maaned_start as fra_dato,
    {{ month_end("cast(maaned_start + interval '2 months' as date)") }} as til_dato
from quarter_starts
