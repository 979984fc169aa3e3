-- docs/kpis.md, Suppression: a suppressed row has vaerdi, taeller and naevner NULL in everything
-- that is published.
select
    kpi_id,
    omkostningssted,
    periode
from {{ ref('kpi_values') }}
where undertrykt and (vaerdi is not null or taeller is not null or naevner is not null)
