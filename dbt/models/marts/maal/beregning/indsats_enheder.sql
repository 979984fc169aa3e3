-- The units on each side of every initiative (docs/kpis.md, Initiative effect): one row per
-- initiative and leaf node, side 'indsats' for the units that run it and 'sammenligning' for
-- the comparison units. A listed node stands for every leaf below it. Without an explicit
-- comparison, the comparison units are the other leaves in the subtrees of the treated
-- leaves' parents; a unit that runs the initiative is never a comparison unit.
with

initiatives as (
    {{ newest_snapshot('stg_maal__indsatser') }}
),

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

leaves as (
    select cost_centres.omkostningssted
    from cost_centres
    where not exists (
        select 1 from cost_centres as child
        where child.overordnet = cost_centres.omkostningssted
    )
),

listed as (
    select
        indsats_id,
        'indsats' as side,
        {{ unnest_array(split_to_array('omkostningssteder', "','")) }} as knude
    from initiatives
    union all
    select
        indsats_id,
        'sammenligning' as side,
        {{ unnest_array(split_to_array('sammenligning', "','")) }} as knude
    from initiatives
    where sammenligning is not null
),

listed_leaves as (
    select distinct
        listed.indsats_id,
        listed.side,
        closure.omkostningssted
    from listed
    inner join closure
        on trim(listed.knude) = closure.ancestor_omkostningssted
    inner join leaves
        on closure.omkostningssted = leaves.omkostningssted
    where trim(listed.knude) != ''
),

treated as (
    select
        indsats_id,
        omkostningssted
    from listed_leaves
    where side = 'indsats'
),

default_comparison as (
    select distinct
        treated.indsats_id,
        below_parent.omkostningssted
    from treated
    inner join initiatives
        on treated.indsats_id = initiatives.indsats_id
    inner join cost_centres as treated_leaf
        on treated.omkostningssted = treated_leaf.omkostningssted
    inner join closure as below_parent
        on treated_leaf.overordnet = below_parent.ancestor_omkostningssted
    inner join leaves
        on below_parent.omkostningssted = leaves.omkostningssted
    where initiatives.sammenligning is null
),

comparison as (
    select
        indsats_id,
        omkostningssted
    from listed_leaves
    where side = 'sammenligning'
    union
    select
        indsats_id,
        omkostningssted
    from default_comparison
)

select
    indsats_id,
    omkostningssted,
    'indsats' as side
from treated
union all
select
    comparison.indsats_id,
    comparison.omkostningssted,
    'sammenligning' as side
from comparison
where not exists (
    select 1 from treated
    where
        treated.indsats_id = comparison.indsats_id
        and treated.omkostningssted = comparison.omkostningssted
)
