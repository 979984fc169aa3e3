{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_ansaettelser_filtered_to_population'}}}) }}

-- An employment on a cost centre that is not in the newest organisation snapshot counts at no
-- node, not even the root. Old, ended employments on closed units are normal, so this warns,
-- and only for employments active in the HR periods.

with

horizon as (
    select * from {{ ref('int_personale_horizon_determined') }}
),

nodes as (
    select omkostningssted from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
)

select
    employments.ansaettelsesnr,
    employments.omkostningssted
from {{ ref('int_ansaettelser_filtered_to_population') }} as employments
cross join horizon
left join nodes
    on employments.omkostningssted = nodes.omkostningssted
where
    nodes.omkostningssted is null
    and employments.startdato <= horizon.horisont_dato
    and (employments.slutdato is null or employments.slutdato >= horizon.foerste_dato)
