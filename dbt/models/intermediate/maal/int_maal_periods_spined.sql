-- Every period an indicator can have, in each frequency, numbered so that the periods from
-- one to another are a subtraction: a month is year · 12 + month − 1, a quarter year · 4 +
-- quarter − 1, a year the year. 1990 to 2100 covers any catalogue; a test checks that it does.
with

months as (
    select
        cast(series.fra_dato as date) as fra_dato,
        {{ integer_part('year', 'series.fra_dato') }} as aar,
        {{ integer_part('quarter', 'series.fra_dato') }} as kvartal,
        {{ integer_part('month', 'series.fra_dato') }} as maaned
    from {{ date_series("date '1990-01-01'", "date '2100-12-01'", 'month') }} as series (fra_dato)
),

month_periods as (
    select
        'maaned' as frekvens,
        {{ month_text('fra_dato') }} as periode,
        aar * 12 + maaned - 1 as periode_nr,
        fra_dato,
        {{ month_end('fra_dato') }} as til_dato
    from months
),

quarter_periods as (
    select
        'kvartal' as frekvens,
        cast(aar as {{ text_type() }}) || '-Q' || cast(kvartal as {{ text_type() }}) as periode,
        aar * 4 + kvartal - 1 as periode_nr,
        fra_dato,
        {{ month_end("cast(fra_dato + interval '2 months' as date)") }} as til_dato
    from months
    where maaned in (1, 4, 7, 10)
),

year_periods as (
    select
        'aar' as frekvens,
        cast(aar as {{ text_type() }}) as periode,
        aar as periode_nr,
        fra_dato,
        make_date(cast(aar as integer), 12, 31) as til_dato
    from months
    where maaned = 1
)

select * from month_periods
union all
select * from quarter_periods
union all
select * from year_periods
