-- STRALIS: one row per area and the municipality, foundation KPIs of the latest year side by
-- side with the goals the area is responsible for (ansvarlig in its subtree). One common year
-- keeps the columns comparable; a KPI not computed for that year (or not at all yet) is NULL.
{%- set year_kpis = [
    'forbrug_drift',
    'korrigeret_budget_drift',
    'forbrugsprocent_drift',
    'sygefravaer_pct',
    'langtidssygefravaer_pct',
    'personaleomsaetning_afgang_pct',
    'aarsvaerk',
    'medarbejdere',
] %}

with

organisation as (
    select * from {{ ref('dim_organisation') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

goal_status as (
    select * from {{ ref('goal_status') }}
),

year_values as (
    select * from {{ ref('kpi_values') }}
    where
        periodetype = 'aar'
        and kpi_id in ('{{ year_kpis | join("', '") }}')
),

latest_year as (
    select max(periode) as aar from year_values
),

areas as (
    {{ stralis_areas('organisation') }}
),

pivoted as (
    select
        year_values.omkostningssted,
        {%- for kpi_id in year_kpis %}
            max(year_values.vaerdi) filter (where year_values.kpi_id = '{{ kpi_id }}') as {{ kpi_id }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from year_values
    inner join latest_year
        on year_values.periode = latest_year.aar
    group by year_values.omkostningssted
),

goals as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        count(*) as antal_aktive_maal,
        count(*) filter (where goal_status.status = 'naaet') as antal_maal_naaet,
        count(*) filter (where goal_status.status = 'paa_sporet') as antal_maal_paa_sporet,
        count(*) filter (where goal_status.status = 'i_risiko') as antal_maal_i_risiko,
        count(*) filter (where goal_status.status = 'ikke_paa_sporet') as antal_maal_ikke_paa_sporet,
        count(*) filter (where goal_status.status = 'ingen_data') as antal_maal_ingen_data
    from goal_status
    inner join closure
        on goal_status.ansvarlig = closure.omkostningssted
    where goal_status.maal_status = 'aktiv'
    group by closure.ancestor_omkostningssted
)

select
    areas.omkostningssted,
    areas.navn,
    areas.niveau,
    areas.fagudvalg,
    areas.er_rod,
    latest_year.aar,
    {%- for kpi_id in year_kpis %}
        pivoted.{{ kpi_id }},
    {%- endfor %}
    cast(coalesce(goals.antal_aktive_maal, 0) as integer) as antal_aktive_maal,
    cast(coalesce(goals.antal_maal_naaet, 0) as integer) as antal_maal_naaet,
    cast(coalesce(goals.antal_maal_paa_sporet, 0) as integer) as antal_maal_paa_sporet,
    cast(coalesce(goals.antal_maal_i_risiko, 0) as integer) as antal_maal_i_risiko,
    cast(coalesce(goals.antal_maal_ikke_paa_sporet, 0) as integer) as antal_maal_ikke_paa_sporet,
    cast(coalesce(goals.antal_maal_ingen_data, 0) as integer) as antal_maal_ingen_data
from areas
cross join latest_year
left join pivoted
    on areas.omkostningssted = pivoted.omkostningssted
left join goals
    on areas.omkostningssted = goals.omkostningssted
