-- indsats_effekt: effekt and its interval are there exactly when the verdict judges an effect
-- (virker, virker_modsat, uafklaret), and the interval holds the estimate.
select
    indsats_id,
    vurdering,
    effekt,
    effekt_lav,
    effekt_hoej
from {{ ref('indsats_effekt') }}
where
    (vurdering in ('virker', 'virker_modsat', 'uafklaret')) != (effekt is not null)
    or (effekt is null) != (effekt_lav is null)
    or (effekt is null) != (effekt_hoej is null)
    or effekt_lav > effekt
    or effekt_hoej < effekt
