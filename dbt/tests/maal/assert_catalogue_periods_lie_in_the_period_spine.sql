-- int_maal_periods_spined covers 1990 to 2100; an indicator whose baseline or target period
-- falls outside it would silently get no goal_progress rows.
select
    indikator_id,
    baseline_periode,
    maal_periode
from {{ ref('int_indikatorer_joined_to_maal') }}
where baseline_nr is null or maal_nr is null
