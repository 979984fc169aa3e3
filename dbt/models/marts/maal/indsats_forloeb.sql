-- The monthly series behind each initiative's effect, for charts: per month from the first
-- pre month to the last post month, the mean value of the treated units and of the
-- comparison units that take part in the estimate (indsats_effekt), by calendar month and
-- by month relative to the start (0 = the start month, in neither period).
with

unit_months as (
    select * from {{ ref('indsats_enhedsmaaneder') }}
),

taking_part as (
    select * from {{ ref('indsats_enhedsaendringer') }}
    where deltager
)

select
    unit_months.indsats_id,
    unit_months.periode,
    {{ periode_start('unit_months.periode') }} as periode_start,
    cast(unit_months.relativ_maaned as integer) as relativ_maaned,
    unit_months.vindue,
    {{ in_order(
        'avg', 'unit_months.vaerdi', 'unit_months.omkostningssted', "unit_months.side = 'indsats'"
    ) }} as gns_enheder,
    {{ in_order(
        'avg', 'unit_months.vaerdi', 'unit_months.omkostningssted', "unit_months.side = 'sammenligning'"
    ) }} as gns_sammenligning,
    cast(count(unit_months.vaerdi) filter (where unit_months.side = 'indsats') as integer)
        as antal_enheder,
    cast(count(unit_months.vaerdi) filter (where unit_months.side = 'sammenligning') as integer)
        as antal_sammenligning
from unit_months
inner join taking_part
    on
        unit_months.indsats_id = taking_part.indsats_id
        and unit_months.omkostningssted = taking_part.omkostningssted
group by
    unit_months.indsats_id,
    unit_months.periode,
    unit_months.relativ_maaned,
    unit_months.vindue
