-- All feedback KPI rows in the published shape. A new feedback KPI model is added to the list.
{%- set kpi_models = [
    'kpi_trivsel',
    'kpi_svarprocent',
    'kpi_forslag',
] %}

{{ union_kpi_rows(kpi_models) }}
