-- The closure of the organisation tree: one row per (ancestor, descendant) pair, a node
-- being its own ancestor at distance 0. Joining facts on the descendant and grouping on
-- the ancestor gives every node the rows of its whole subtree.
with recursive

cost_centres as (
    select
        omkostningssted,
        overordnet
    from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

pairs as (
    select
        omkostningssted as ancestor_omkostningssted,
        omkostningssted,
        0 as afstand
    from cost_centres

    union all

    select
        pairs.ancestor_omkostningssted,
        child.omkostningssted,
        pairs.afstand + 1 as afstand
    from pairs
    inner join cost_centres as child
        on pairs.omkostningssted = child.overordnet
    -- Ingest rejects cyclic trees; the bound only stops a runaway recursion.
    where pairs.afstand < 100
)

select
    ancestor_omkostningssted,
    omkostningssted,
    afstand
from pairs
