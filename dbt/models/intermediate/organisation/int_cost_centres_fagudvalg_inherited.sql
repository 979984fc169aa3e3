-- A unit's fagudvalg is its own code, else that of its nearest ancestor that has one
-- (docs/sources.md: "empty = inherited from the parent").
with

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

with_fagudvalg as (
    select
        closure.omkostningssted,
        ancestor.fagudvalg,
        ancestor.omkostningssted as fagudvalg_fra_omkostningssted,
        row_number() over (partition by closure.omkostningssted order by closure.afstand) as naerhed
    from closure
    inner join cost_centres as ancestor
        on closure.ancestor_omkostningssted = ancestor.omkostningssted
    where ancestor.fagudvalg is not null
),

nearest_with_fagudvalg as (
    select
        omkostningssted,
        fagudvalg,
        fagudvalg_fra_omkostningssted
    from with_fagudvalg
    where naerhed = 1
)

select
    cost_centres.omkostningssted,
    nearest_with_fagudvalg.fagudvalg,
    nearest_with_fagudvalg.fagudvalg_fra_omkostningssted
from cost_centres
left join nearest_with_fagudvalg
    on cost_centres.omkostningssted = nearest_with_fagudvalg.omkostningssted
