-- Every value of each indicator at its node, in its frequency. KPI-based indicators read
-- kpi_values (maaned for maaned, aar for aar); a suppressed KPI keeps its row with vaerdi NULL.
-- Delivered indicators read the indikatorer/ files; a delivered period in another form than
-- the frequency has no period number there and is left out.
with

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

deliveries as (
    select * from {{ ref('int_indikatorvaerdier_deduplicated') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

from_kpis as (
    select
        indicators.indikator_id,
        indicators.frekvens,
        kpi_values.periode,
        kpi_values.vaerdi,
        kpi_values.undertrykt,
        'kpi_values' as kilde
    from indicators
    inner join kpi_values
        on
            indicators.kpi = kpi_values.kpi_id
            and indicators.omkostningssted = kpi_values.omkostningssted
            and indicators.frekvens = kpi_values.periodetype
),

from_deliveries as (
    select
        indicators.indikator_id,
        indicators.frekvens,
        deliveries.periode,
        deliveries.vaerdi,
        false as undertrykt,
        deliveries.kilde
    from indicators
    inner join deliveries
        on
            indicators.indikator_id = deliveries.indikator_id
            and indicators.omkostningssted = deliveries.omkostningssted
    -- A KPI-based indicator takes its values from the KPI only.
    where indicators.kpi is null
),

unioned as (
    select * from from_kpis
    union all
    select * from from_deliveries
)

select
    unioned.indikator_id,
    unioned.periode,
    periods.periode_nr,
    unioned.vaerdi,
    unioned.undertrykt,
    unioned.kilde
from unioned
inner join periods
    on
        unioned.frekvens = periods.frekvens
        and unioned.periode = periods.periode
