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

month_starts as (
    select cast(runde || '-01' as date) as maaned_start from rounds
),

periods as (
    {{ month_and_year_periods('month_starts') }}
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
cross join retention
where
    periods.periodetype = 'maaned'
    or retention.opbevaret_fra_dato is null
    or make_date(cast(periods.aar as integer), 1, 1) >= retention.opbevaret_fra_dato
