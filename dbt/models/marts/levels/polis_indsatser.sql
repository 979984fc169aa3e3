-- POLIS: the initiatives beside each goal, under its committee: what was started to reach
-- the goal, and whether it works (indsats_effekt).
with

effects as (
    select * from {{ ref('indsats_effekt') }}
),

goals as (
    select * from {{ ref('goal_status') }}
)

select
    goals.fagudvalg,
    goals.udvalg_navn,
    effects.maal_id,
    goals.titel as maal_titel,
    effects.indsats_id,
    effects.titel,
    effects.forandringsteori,
    effects.indikator_id,
    effects.indikator_navn,
    effects.enhed,
    effects.retning,
    effects.startdato,
    effects.slutdato,
    effects.efter_fra,
    effects.efter_til,
    effects.antal_enheder,
    effects.antal_sammenligning,
    effects.effekt,
    effects.effekt_lav,
    effects.effekt_hoej,
    effects.vurdering,
    effects.omkostning_kr
from effects
inner join goals
    on effects.maal_id = goals.maal_id
