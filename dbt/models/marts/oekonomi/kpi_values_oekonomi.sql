-- All economy KPI rows in the published shape. A new economy KPI model is added to the list.
{%- set kpi_models = [
    'kpi_forbrug_drift',
    'kpi_korrigeret_budget_drift',
    'kpi_forbrugsprocent',
    'kpi_driftsudgift_pr_indbygger',
    'kpi_enhedsomkostning',
] %}

{{ union_kpi_rows(kpi_models) }}
