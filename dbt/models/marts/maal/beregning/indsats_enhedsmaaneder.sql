-- Every unit's monthly value of the initiative's indicator from the first pre month to the
-- last post month (docs/kpis.md, Initiative effect). A KPI indicator reads the KPI's monthly
-- value at the unit as published, a suppressed value counting as missing (vaerdi NULL,
-- undertrykt true); a delivered indicator reads the value delivered for the unit and month.
-- vindue says which period a month belongs to: foer, start (S, in neither) or efter.
with

windows as (
    select * from {{ ref('indsats_vinduer') }}
),

units as (
    select * from {{ ref('indsats_enheder') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
    where periodetype = 'maaned'
),

deliveries as (
    select * from {{ ref('int_indikatorvaerdier_deduplicated') }}
),

months as (
    select * from {{ ref('int_maal_periods_spined') }}
    where frekvens = 'maaned'
),

unit_windows as (
    select
        windows.indsats_id,
        windows.indikator_id,
        windows.kpi,
        windows.start_nr,
        windows.foer_fra_nr,
        greatest(windows.efter_til_nr, windows.start_nr) as sidste_nr,
        units.omkostningssted,
        units.side
    from windows
    inner join units
        on windows.indsats_id = units.indsats_id
),

from_kpis as (
    select
        unit_windows.indsats_id,
        unit_windows.omkostningssted,
        kpi_values.periode,
        kpi_values.vaerdi,
        kpi_values.undertrykt,
        'kpi_values' as kilde
    from unit_windows
    inner join kpi_values
        on
            unit_windows.kpi = kpi_values.kpi_id
            and unit_windows.omkostningssted = kpi_values.omkostningssted
),

from_deliveries as (
    select
        unit_windows.indsats_id,
        unit_windows.omkostningssted,
        deliveries.periode,
        deliveries.vaerdi,
        false as undertrykt,
        deliveries.kilde
    from unit_windows
    inner join deliveries
        on
            unit_windows.indikator_id = deliveries.indikator_id
            and unit_windows.omkostningssted = deliveries.omkostningssted
    -- A KPI-based indicator takes its values from the KPI only.
    where unit_windows.kpi is null
),

unit_values as (
    select * from from_kpis
    union all
    select * from from_deliveries
)

select
    unit_windows.indsats_id,
    unit_windows.omkostningssted,
    unit_windows.side,
    unit_values.periode,
    months.periode_nr,
    months.periode_nr - unit_windows.start_nr as relativ_maaned,
    case
        when months.periode_nr < unit_windows.start_nr then 'foer'
        when months.periode_nr = unit_windows.start_nr then 'start'
        else 'efter'
    end as vindue,
    unit_values.vaerdi,
    unit_values.undertrykt,
    unit_values.kilde
from unit_windows
inner join unit_values
    on
        unit_windows.indsats_id = unit_values.indsats_id
        and unit_windows.omkostningssted = unit_values.omkostningssted
inner join months
    on unit_values.periode = months.periode
where months.periode_nr between unit_windows.foer_fra_nr and unit_windows.sidste_nr
