-- Every KPI of docs/kpis.md, computed yet or not, with its Danish name, unit,
-- the direction that is better, its period types and its definition.
with

definitions as (
    select * from {{ ref('kpi_definitions') }}
)

select
    cast(kpi_id as varchar) as kpi_id,
    cast(navn as varchar) as navn,
    cast(domaene as varchar) as domaene,
    cast(enhed as varchar) as enhed,
    cast(retning as varchar) as retning,
    cast(periodetyper as varchar) as periodetyper,
    cast(definition as varchar) as definition
from definitions
