-- All HR KPI rows in the published shape. A new HR KPI model is added to the list.
{%- set kpi_models = [
    'kpi_sygefravaer',
    'kpi_aarsvaerk',
    'kpi_medarbejdere',
    'kpi_personaleomsaetning',
] %}

{{ union_kpi_rows(kpi_models) }}
