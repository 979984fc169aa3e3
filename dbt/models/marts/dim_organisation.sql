-- The organisation tree as BI tools need it: one row per node of the newest snapshot,
-- with its depth, its path of names from the root, its effective fagudvalg, and the node
-- of each level above it (kommune, omraade, center), so that a report groups by area
-- without parsing the path.
{%- set levels = ['kommune', 'omraade', 'center'] %}

with

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

fagudvalg as (
    select * from {{ ref('int_cost_centres_fagudvalg_inherited') }}
),

paths as (
    select
        closure.omkostningssted,
        -- The root is the farthest ancestor, so the largest distance is the depth.
        max(closure.afstand) as dybde,
        {{ string_agg_ordered('ancestor.navn', "' > '", 'closure.afstand desc') }} as sti
    from closure
    inner join cost_centres as ancestor
        on closure.ancestor_omkostningssted = ancestor.omkostningssted
    group by closure.omkostningssted
),

children as (
    select
        ancestor_omkostningssted as omkostningssted,
        count(*) as antal_underenheder
    from closure
    where afstand = 1
    group by ancestor_omkostningssted
),

-- niveau is informative (sources.md): where the export leaves it empty, the depth gives the
-- level (0 kommune, 1 omraade, 2 center), as for the STRALIS areas.
levels as (
    select
        cost_centres.omkostningssted,
        cost_centres.navn,
        coalesce(
            cost_centres.niveau,
            case paths.dybde when 0 then 'kommune' when 1 then 'omraade' when 2 then 'center' end
        ) as niveau
    from cost_centres
    inner join paths
        on cost_centres.omkostningssted = paths.omkostningssted
),

-- Per node and level, the nearest node of that level on its path from the root, the node
-- itself included; NULL where the path has none.
ancestors as (
    select
        closure.omkostningssted,
        {%- for level in levels %}
            {%- set at_level = "ancestor.niveau = '" ~ level ~ "'" %}
            {%- set nearest = "closure.afstand" %}
            {{ first_in_order('ancestor.omkostningssted', nearest, at_level) }} as {{ level }}_omkostningssted,
            {{ first_in_order('ancestor.navn', nearest, at_level) }} as {{ level }}_navn
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from closure
    inner join levels as ancestor
        on closure.ancestor_omkostningssted = ancestor.omkostningssted
    group by closure.omkostningssted
)

select
    cost_centres.omkostningssted,
    cost_centres.navn,
    cost_centres.overordnet,
    cost_centres.niveau,
    cast(paths.dybde as integer) as dybde,
    fagudvalg.fagudvalg,
    cost_centres.ydelse,
    paths.sti,
    cost_centres.overordnet is null as er_rod,
    children.omkostningssted is null as er_blad,
    {%- for level in levels %}
        ancestors.{{ level }}_omkostningssted,
        ancestors.{{ level }}_navn
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
from cost_centres
inner join paths
    on cost_centres.omkostningssted = paths.omkostningssted
inner join ancestors
    on cost_centres.omkostningssted = ancestors.omkostningssted
left join fagudvalg
    on cost_centres.omkostningssted = fagudvalg.omkostningssted
left join children
    on cost_centres.omkostningssted = children.omkostningssted
