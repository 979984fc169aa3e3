-- Each unit's pre and post mean and its change d = mean(post) − mean(pre) (docs/kpis.md,
-- Initiative effect). Months without a value (none delivered, or suppressed) do not count;
-- a unit takes part when it has at least 3 months with a value in each period. Every unit
-- of indsats_enheder has a row, so the units that do not take part can be named. Means add
-- in month order, so a figure never depends on the order of the raw rows.
with

units as (
    select * from {{ ref('indsats_enheder') }}
),

unit_months as (
    select * from {{ ref('indsats_enhedsmaaneder') }}
    where vaerdi is not null
),

means as (
    select
        indsats_id,
        omkostningssted,
        count(*) filter (where vindue = 'foer') as foer_maaneder,
        {{ in_order('avg', 'vaerdi', 'periode', "vindue = 'foer'") }} as foer_gns,
        count(*) filter (where vindue = 'efter') as efter_maaneder,
        {{ in_order('avg', 'vaerdi', 'periode', "vindue = 'efter'") }} as efter_gns
    from unit_months
    group by indsats_id, omkostningssted
)

select
    units.indsats_id,
    units.omkostningssted,
    units.side,
    cast(coalesce(means.foer_maaneder, 0) as integer) as foer_maaneder,
    means.foer_gns,
    cast(coalesce(means.efter_maaneder, 0) as integer) as efter_maaneder,
    means.efter_gns,
    coalesce(means.foer_maaneder >= 3 and means.efter_maaneder >= 3, false) as deltager,
    case
        when means.foer_maaneder >= 3 and means.efter_maaneder >= 3
            then means.efter_gns - means.foer_gns
    end as aendring
from units
left join means
    on
        units.indsats_id = means.indsats_id
        and units.omkostningssted = means.omkostningssted
