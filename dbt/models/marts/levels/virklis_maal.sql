-- VIRKLIS: for every cost centre, the active indicators measured at the cost centre itself
-- (relation egen) and those of the units above it up to the municipality (relation
-- overordnet), so a unit leader sees the goals the unit contributes to.
with

organisation as (
    select * from {{ ref('dim_organisation') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

indicators as (
    select * from {{ ref('polis_indikatorer') }}
    where er_aktiv
)

select
    unit.omkostningssted,
    unit.navn,
    case when closure.afstand = 0 then 'egen' else 'overordnet' end as relation,
    closure.afstand,
    indicators.omkostningssted as indikator_omkostningssted,
    indicators.omkostningssted_navn as indikator_omkostningssted_navn,
    indicators.fagudvalg,
    indicators.udvalg_navn,
    indicators.maal_id,
    indicators.maal_titel,
    indicators.indikator_id,
    indicators.indikator_navn,
    indicators.enhed,
    indicators.retning,
    indicators.frekvens,
    indicators.seneste_periode,
    indicators.status,
    indicators.seneste_periode_med_vaerdi,
    indicators.seneste_vaerdi,
    indicators.maal_periode,
    indicators.maal_vaerdi,
    indicators.tendens,
    indicators.forventes_naaet
from indicators
inner join closure
    on indicators.omkostningssted = closure.ancestor_omkostningssted
inner join organisation as unit
    on closure.omkostningssted = unit.omkostningssted
