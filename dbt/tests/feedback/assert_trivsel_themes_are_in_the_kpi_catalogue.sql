{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_besvarelser_aggregated_by_respondent'}}}) }}

-- A survey theme becomes the KPI trivsel_<tema>; only themes in the catalogue
-- (seeds/kpi_definitions.csv, marts.dim_kpi) are published. A new theme in the question list
-- is named here until the catalogue gets a row for it.
select distinct
    respondents.tema,
    respondents.kpi_id
from {{ ref('int_besvarelser_aggregated_by_respondent') }} as respondents
left join {{ ref('dim_kpi') }} as kpis
    on respondents.kpi_id = kpis.kpi_id
where respondents.tema is not null and kpis.kpi_id is null
