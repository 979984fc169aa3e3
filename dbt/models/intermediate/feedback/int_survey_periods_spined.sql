-- Every survey period (docs/kpis.md): a round belongs to the month of its file, so the months are
-- the round months, and a year holds its rounds. The survey horizon is the last round, so
-- no period lies after it. Invitations for a month without a round open no period.
with

rounds as (
    select distinct runde from {{ ref('stg_feedback__besvarelser') }}
),

month_periods as (
    select
        'maaned' as periodetype,
        runde as periode,
        cast(left(runde, 4) as integer) as aar,
        runde as fra_maaned,
        runde as til_maaned
    from rounds
),

year_periods as (
    select
        'aar' as periodetype,
        cast(aar as varchar) as periode,
        aar,
        min(fra_maaned) as fra_maaned,
        max(til_maaned) as til_maaned
    from month_periods
    group by aar
),

periods as (
    select * from month_periods
    union all
    select * from year_periods
),

horizon as (
    select max(runde) as horisont_maaned from rounds
)

select
    periods.periodetype,
    periods.periode,
    periods.aar,
    periods.fra_maaned,
    periods.til_maaned,
    horizon.horisont_maaned
from periods
cross join horizon
