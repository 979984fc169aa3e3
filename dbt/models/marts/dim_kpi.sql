-- Every KPI of docs/kpis.md, computed yet or not, with its Danish name, unit,
-- the direction that is better, its period types and its definition.
with

definitions as (
    select * from {{ ref('kpi_definitions') }}
)

select
    cast(kpi_id as {{ text_type() }}) as kpi_id,
    cast(navn as {{ text_type() }}) as navn,
    cast(domaene as {{ text_type() }}) as domaene,
    cast(enhed as {{ text_type() }}) as enhed,
    cast(retning as {{ text_type() }}) as retning,
    cast(periodetyper as {{ text_type() }}) as periodetyper,
    cast(definition as {{ text_type() }}) as definition
from definitions
