-- Per employment and month: sickness never exceeds what was possible (the per-day cap at g),
-- nothing is negative, and short + long is the total (the split of a capped day).
select
    ansaettelsesnr,
    maaned,
    mulige_dagsvaerk,
    sygefravaer_dagsvaerk,
    korttidssygefravaer_dagsvaerk,
    langtidssygefravaer_dagsvaerk
from {{ ref('int_workdays_by_employment') }}
where
    sygefravaer_dagsvaerk > mulige_dagsvaerk + 1e-9
    or korttidssygefravaer_dagsvaerk < -1e-9
    or langtidssygefravaer_dagsvaerk < -1e-9
    or abs(korttidssygefravaer_dagsvaerk + langtidssygefravaer_dagsvaerk - sygefravaer_dagsvaerk) > 1e-9
