-- VIRKLIS: for every cost centre, the initiatives it takes part in: those it runs itself
-- (rolle indsats), those run by units below it (rolle underliggende) and those it is a
-- comparison unit for (rolle sammenligning), each with its verdict. A node that both runs
-- an initiative below it and compares keeps the first of these roles.
with

units as (
    select * from {{ ref('indsats_enheder') }}
),

effects as (
    select * from {{ ref('indsats_effekt') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

organisation as (
    select * from {{ ref('dim_organisation') }}
),

roles as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        units.indsats_id,
        case
            when units.side = 'sammenligning' then 'sammenligning'
            when closure.afstand = 0 then 'indsats'
            else 'underliggende'
        end as rolle
    from units
    inner join closure
        on units.omkostningssted = closure.omkostningssted
    -- A comparison unit is named as itself only, not in the nodes above it.
    where units.side = 'indsats' or closure.afstand = 0
),

numbered as (
    select
        *,
        row_number() over (
            partition by omkostningssted, indsats_id
            order by case rolle when 'indsats' then 1 when 'underliggende' then 2 else 3 end
        ) as raekke
    from roles
),

ranked as (
    select
        omkostningssted,
        indsats_id,
        rolle
    from numbered
    where raekke = 1
)

select
    ranked.omkostningssted,
    organisation.navn,
    ranked.indsats_id,
    ranked.rolle,
    effects.maal_id,
    effects.fagudvalg,
    effects.titel,
    effects.indikator_id,
    effects.indikator_navn,
    effects.enhed,
    effects.retning,
    effects.startdato,
    effects.slutdato,
    effects.effekt,
    effects.effekt_lav,
    effects.effekt_hoej,
    effects.vurdering
from ranked
inner join effects
    on ranked.indsats_id = effects.indsats_id
inner join organisation
    on ranked.omkostningssted = organisation.omkostningssted
