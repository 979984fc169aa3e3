{{ config(meta={'dagster': {'ref': {'name': 'int_cost_centre_ancestors_expanded'}}}) }}

-- The secondary suppression (macros/secondary_suppression.sql) sweeps the tree level by
-- level, unrolled down to the depth of the dbt var maalbar_max_org_depth. A deeper node would
-- leave equations unchecked, so the build stops: one row naming the organisation's depth.
select
    max(afstand) as dybde,
    {{ max_org_depth() }} as hoejeste_dybde
from {{ ref('int_cost_centre_ancestors_expanded') }}
having max(afstand) > {{ max_org_depth() }}
