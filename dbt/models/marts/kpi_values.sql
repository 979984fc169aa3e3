-- marts.kpi_values as docs/published.md defines it: one row per KPI, node and period, the
-- union of one model per domain. A later domain adds its model to the list. The periods
-- frozen by the retention period (docs/privacy.md) are taken as they were published, never
-- from what the domain models compute; a node no longer in the organisation keeps none.
{%- set domain_models = [
    'kpi_values_oekonomi',
    'kpi_values_personale',
    'kpi_values_feedback',
] %}

with

computed as (
    {{ union_kpi_rows(domain_models) }}
),

frozen as (
    select * from {{ source('meta', 'frozen_kpi_values') }}
),

nodes as (
    select omkostningssted from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

kpi_rows as (
    select computed.*
    from computed
    where
        not exists (
            select 1
            from frozen
            where frozen.kpi_id = computed.kpi_id and frozen.periode = computed.periode
        )
    union all
    select
        frozen.kpi_id,
        frozen.omkostningssted,
        frozen.periode,
        frozen.periodetype,
        frozen.vaerdi,
        frozen.taeller,
        frozen.naevner,
        frozen.undertrykt
    from frozen
    inner join nodes
        on frozen.omkostningssted = nodes.omkostningssted
)

-- The period's first day last: published.md's columns keep their places.
select
    *,
    {{ periode_start('periode') }} as periode_start
from kpi_rows
