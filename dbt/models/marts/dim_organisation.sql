-- The organisation tree as BI tools need it: one row per node of the newest snapshot,
-- with its depth, its path of names from the root and its effective fagudvalg.
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
        string_agg(ancestor.navn, ' > ' order by closure.afstand desc) as sti
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
    children.omkostningssted is null as er_blad
from cost_centres
inner join paths
    on cost_centres.omkostningssted = paths.omkostningssted
left join fagudvalg
    on cost_centres.omkostningssted = fagudvalg.omkostningssted
left join children
    on cost_centres.omkostningssted = children.omkostningssted
