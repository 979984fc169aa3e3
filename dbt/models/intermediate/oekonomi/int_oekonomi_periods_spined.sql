-- Every economy period: the months from the first postings month to the horizon, and
-- each year with at least one of them. A year runs from January to December, or to the
-- horizon for the horizon's year, so no period starts after the horizon.
with

horizon as (
    select * from {{ ref('int_oekonomi_horizon_determined') }}
),

month_starts as (
    select
        unnest(generate_series(
            cast(foerste_maaned || '-01' as date),
            cast(horisont_maaned || '-01' as date),
            interval 1 month
        )) as maaned_start
    from horizon
),

months as (
    select
        strftime(maaned_start, '%Y-%m') as maaned,
        year(maaned_start) as aar
    from month_starts
),

month_periods as (
    select
        'maaned' as periodetype,
        maaned as periode,
        aar,
        maaned as fra_maaned,
        maaned as til_maaned,
        cast(aar as varchar) || '-01' as aar_fra_maaned
    from months
),

year_periods as (
    select
        'aar' as periodetype,
        cast(aar as varchar) as periode,
        aar,
        cast(aar as varchar) || '-01' as fra_maaned,
        max(maaned) as til_maaned,
        cast(aar as varchar) || '-01' as aar_fra_maaned
    from months
    group by aar
)

select * from month_periods
union all
select * from year_periods
