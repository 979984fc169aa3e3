-- The horizon of each indicator in its own frequency (docs/kpis.md: no value for a period that
-- starts after its source's horizon). KPI-based: the horizon month of the KPI's domain, or
-- the year holding it for aar; a domain without a horizon model yet falls back to the latest
-- period of the KPI in kpi_values. Delivered: the latest period delivered for the indicator,
-- at any node. No horizon (no data at all), no row.
{%- set domain_horizon_models = {
    'oekonomi': 'int_oekonomi_horizon_determined',
    'personale': 'int_personale_horizon_determined',
} %}

with

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

kpi_domains as (
    select
        cast(kpi_id as {{ text_type() }}) as kpi_id,
        cast(domaene as {{ text_type() }}) as domaene
    from {{ ref('kpi_definitions') }}
),

domain_horizons as (
    {%- for domaene, horizon_model in domain_horizon_models.items() %}
        select
            '{{ domaene }}' as domaene,
            horisont_maaned
        from {{ ref(horizon_model) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

latest_kpi_periods as (
    select
        kpi_id,
        periodetype,
        max(periode) as seneste_periode
    from {{ ref('kpi_values') }}
    group by kpi_id, periodetype
),

deliveries as (
    select * from {{ ref('int_indikatorvaerdier_deduplicated') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

kpi_horizons as (
    select
        indicators.indikator_id,
        indicators.frekvens,
        case
            when domain_horizons.horisont_maaned is null then latest_kpi_periods.seneste_periode
            when indicators.frekvens = 'aar' then left(domain_horizons.horisont_maaned, 4)
            else domain_horizons.horisont_maaned
        end as horisont_periode,
        coalesce(domain_horizons.domaene, 'kpi_values') as horisont_kilde
    from indicators
    left join kpi_domains
        on indicators.kpi = kpi_domains.kpi_id
    left join domain_horizons
        on kpi_domains.domaene = domain_horizons.domaene
    left join latest_kpi_periods
        on
            indicators.kpi = latest_kpi_periods.kpi_id
            and indicators.frekvens = latest_kpi_periods.periodetype
    where indicators.kpi is not null
),

delivered_horizons as (
    select
        indicators.indikator_id,
        indicators.frekvens,
        -- Labels of one frequency sort chronologically, so the largest is the latest.
        max(deliveries.periode) as horisont_periode,
        'leveret' as horisont_kilde
    from indicators
    inner join deliveries
        on indicators.indikator_id = deliveries.indikator_id
    inner join periods
        on
            indicators.frekvens = periods.frekvens
            and deliveries.periode = periods.periode
    where indicators.kpi is null
    group by indicators.indikator_id, indicators.frekvens
),

horizons as (
    select * from kpi_horizons
    union all
    select * from delivered_horizons
)

select
    horizons.indikator_id,
    horizons.horisont_periode,
    periods.periode_nr as horisont_nr,
    horizons.horisont_kilde
from horizons
inner join periods
    on
        horizons.frekvens = periods.frekvens
        and horizons.horisont_periode = periods.periode
