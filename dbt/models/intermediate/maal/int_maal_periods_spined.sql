-- Every period an indicator can have, in each frequency, numbered so that the periods from
-- one to another are a subtraction: a month is year · 12 + month − 1, a quarter year · 4 +
-- quarter − 1, a year the year. 1990 to 2100 covers any catalogue; a test checks that it does.
with

months as (
    select cast(unnest(generate_series(date '1990-01-01', date '2100-12-01', interval 1 month)) as date) as fra_dato
),

month_periods as (
    select
        'maaned' as frekvens,
        strftime(fra_dato, '%Y-%m') as periode,
        year(fra_dato) * 12 + month(fra_dato) - 1 as periode_nr,
        fra_dato,
        last_day(fra_dato) as til_dato
    from months
),

quarter_periods as (
    select
        'kvartal' as frekvens,
        cast(year(fra_dato) as varchar) || '-Q' || cast(quarter(fra_dato) as varchar) as periode,
        year(fra_dato) * 4 + quarter(fra_dato) - 1 as periode_nr,
        fra_dato,
        last_day(cast(fra_dato + interval 2 month as date)) as til_dato
    from months
    where month(fra_dato) in (1, 4, 7, 10)
),

year_periods as (
    select
        'aar' as frekvens,
        cast(year(fra_dato) as varchar) as periode,
        year(fra_dato) as periode_nr,
        fra_dato,
        make_date(year(fra_dato), 12, 31) as til_dato
    from months
    where month(fra_dato) = 1
)

select * from month_periods
union all
select * from quarter_periods
union all
select * from year_periods
