-- docs/published.md: (kpi_id, omkostningssted, periode) is the primary key of marts.kpi_values.
select
    kpi_id,
    omkostningssted,
    periode,
    count(*) as antal_raekker
from {{ ref('kpi_values') }}
group by kpi_id, omkostningssted, periode
having count(*) > 1
