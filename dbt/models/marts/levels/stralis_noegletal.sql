-- STRALIS, top management's level: the foundation KPIs (economy, sick leave, turnover, staff)
-- of every area and of the municipality, in the latest month and the latest year of each KPI,
-- one row per area, KPI and period type. A KPI not computed yet simply has no rows.
{%- set foundation_kpis = [
    'forbrug_drift',
    'korrigeret_budget_drift',
    'forbrugsprocent_drift',
    'forbrugsprocent_anlaeg',
    'driftsudgift_pr_indbygger',
    'sygefravaer_pct',
    'korttidssygefravaer_pct',
    'langtidssygefravaer_pct',
    'personaleomsaetning_afgang_pct',
    'personaleomsaetning_tilgang_pct',
    'aarsvaerk',
    'medarbejdere',
] %}

with

organisation as (
    select * from {{ ref('dim_organisation') }}
),

kpis as (
    select * from {{ ref('dim_kpi') }}
),

foundation_values as (
    select * from {{ ref('kpi_values') }}
    where kpi_id in (
        {%- for kpi_id in foundation_kpis %}
            '{{ kpi_id }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
),

areas as (
    {{ stralis_areas('organisation') }}
),

root as (
    select omkostningssted from organisation
    where er_rod
),

latest_periods as (
    select
        kpi_id,
        periodetype,
        max(periode) as periode
    from foundation_values
    group by kpi_id, periodetype
)

select
    areas.omkostningssted,
    areas.navn,
    areas.niveau,
    areas.fagudvalg,
    areas.er_rod,
    latest_periods.kpi_id,
    kpis.navn as kpi_navn,
    kpis.domaene,
    kpis.enhed,
    kpis.retning,
    latest_periods.periodetype,
    latest_periods.periode,
    area_value.vaerdi,
    area_value.undertrykt,
    root_value.vaerdi as kommune_vaerdi,
    {{ periode_start('latest_periods.periode') }} as periode_start
from areas
cross join latest_periods
cross join root
left join kpis
    on latest_periods.kpi_id = kpis.kpi_id
left join foundation_values as area_value
    on
        areas.omkostningssted = area_value.omkostningssted
        and latest_periods.kpi_id = area_value.kpi_id
        and latest_periods.periode = area_value.periode
left join foundation_values as root_value
    on
        root.omkostningssted = root_value.omkostningssted
        and latest_periods.kpi_id = root_value.kpi_id
        and latest_periods.periode = root_value.periode
