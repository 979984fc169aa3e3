-- One delivered value per indicator, node and period. Two subject systems (kilder) may deliver
-- the same key; the newest extraction wins, and on the same date the kilde first in
-- alphabetical order, so the choice never depends on load order.
with

deliveries as (
    select * from {{ ref('stg_indikatorer__vaerdier') }}
),

ranked as (
    select
        indikator_id,
        omkostningssted,
        periode,
        vaerdi,
        taeller,
        naevner,
        kilde,
        udtraeksdato,
        count(*) over (partition by indikator_id, omkostningssted, periode) as antal_kilder,
        row_number() over (
            partition by indikator_id, omkostningssted, periode
            order by udtraeksdato desc, kilde asc
        ) as raekkefoelge
    from deliveries
)

select
    indikator_id,
    omkostningssted,
    periode,
    vaerdi,
    taeller,
    naevner,
    kilde,
    udtraeksdato,
    antal_kilder
from ranked
where raekkefoelge = 1
