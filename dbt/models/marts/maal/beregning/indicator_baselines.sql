-- The baseline of each indicator as goal_progress uses it: baseline_vaerdi from the catalogue,
-- else the indicator's own value in baseline_periode (NULL when there is none, or it is
-- suppressed). A baseline taken from the data cannot be checked at ingest, so maal_i_retning
-- carries the check that tests/maal/assert_indicator_targets_lie_in_their_retning.sql enforces.
with

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

-- Every goal_progress row of an indicator carries the same baseline; without rows (the
-- baseline period lies after the horizon) there is no data to take a baseline from.
progress_baselines as (
    select
        indikator_id,
        {{ same_in_group('baseline_vaerdi') }} as baseline_vaerdi
    from {{ ref('goal_progress') }}
    group by indikator_id
),

baselines as (
    select
        indicators.indikator_id,
        indicators.retning,
        indicators.baseline_periode,
        coalesce(indicators.baseline_vaerdi, progress_baselines.baseline_vaerdi) as baseline_vaerdi,
        case
            when indicators.baseline_vaerdi is not null then 'katalog'
            when progress_baselines.baseline_vaerdi is not null then 'data'
        end as baseline_fra,
        indicators.maal_vaerdi
    from indicators
    left join progress_baselines
        on indicators.indikator_id = progress_baselines.indikator_id
)

select
    indikator_id,
    retning,
    baseline_periode,
    baseline_vaerdi,
    baseline_fra,
    maal_vaerdi,
    case retning
        when 'op' then maal_vaerdi > baseline_vaerdi
        when 'ned' then maal_vaerdi < baseline_vaerdi
    end as maal_i_retning
from baselines
