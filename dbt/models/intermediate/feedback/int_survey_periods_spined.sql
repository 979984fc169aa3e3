-- Every survey period (docs/kpis.md): a round belongs to the month of its file, so the months are
-- the round months, and a year holds its rounds. The survey horizon is the last round, so
-- no period lies after it. Invitations for a month without a round open no period. No period
-- starts before the retention cutoff (docs/privacy.md): a year that began before it is no
-- period, its published figure is frozen.
with

retention as (
    select max(cutoff) as opbevaret_fra_dato
    from {{ source('meta', 'retention_cutoffs') }}
    where source = 'besvarelser'
),

rounds as (
    select distinct besvarelser.runde
    from {{ ref('stg_feedback__besvarelser') }} as besvarelser
    cross join retention
    where
        retention.opbevaret_fra_dato is null
        or cast(besvarelser.runde || '-01' as date) >= retention.opbevaret_fra_dato
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
        cast(month_periods.aar as {{ text_type() }}) as periode,
        month_periods.aar,
        min(month_periods.fra_maaned) as fra_maaned,
        max(month_periods.til_maaned) as til_maaned
    from month_periods
    cross join retention
    group by month_periods.aar, retention.opbevaret_fra_dato
    having
        retention.opbevaret_fra_dato is null
        or make_date(month_periods.aar, 1, 1) >= retention.opbevaret_fra_dato
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
