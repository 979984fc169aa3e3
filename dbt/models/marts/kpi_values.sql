-- marts.kpi_values as docs/published.md defines it: one row per KPI, node and period, the
-- union of one model per domain. A later domain adds its model to the list.
{%- set domain_models = [
    'kpi_values_oekonomi',
    'kpi_values_personale',
    'kpi_values_feedback',
] %}

with

kpi_rows as (
    {{ union_kpi_rows(domain_models) }}
)

-- The period's first day last: published.md's columns keep their places.
select
    *,
    {{ periode_start('periode') }} as periode_start
from kpi_rows
