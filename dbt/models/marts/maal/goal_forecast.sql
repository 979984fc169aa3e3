-- Per indicator: where it stands now (its latest goal_progress row) and where it is heading:
-- a least-squares line through its last few values (var maal_trend_punkter, 6 by default),
-- projected to maal_periode. Periods are counted in the indicator's frequency, relative to the
-- latest value, so the sums stay small and exact.
{%- set trend_points = var('maal_trend_punkter', 6) %}

with

progress as (
    select * from {{ ref('goal_progress') }}
),

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

numbered as (
    select
        progress.indikator_id,
        progress.periode,
        periods.periode_nr,
        progress.vaerdi,
        progress.fremdrift_pct,
        progress.forventet_fremdrift_pct,
        progress.status
    from progress
    inner join indicators
        on progress.indikator_id = indicators.indikator_id
    inner join periods
        on
            indicators.frekvens = periods.frekvens
            and progress.periode = periods.periode
),

newest_first as (
    select
        indikator_id,
        periode,
        periode_nr,
        status,
        fremdrift_pct,
        forventet_fremdrift_pct,
        row_number() over (partition by indikator_id order by periode_nr desc) as nyeste_nr
    from numbered
),

latest_rows as (
    select
        indikator_id,
        periode as seneste_periode,
        status as seneste_status,
        fremdrift_pct as seneste_fremdrift_pct,
        forventet_fremdrift_pct as seneste_forventet_fremdrift_pct
    from newest_first
    where nyeste_nr = 1
),

values_newest_first as (
    select
        indikator_id,
        periode,
        periode_nr,
        vaerdi,
        periode_nr - max(periode_nr) over (partition by indikator_id) as x,
        row_number() over (partition by indikator_id order by periode_nr desc) as nyeste_nr
    from numbered
    where vaerdi is not null
),

recent_values as (
    select
        indikator_id,
        periode,
        periode_nr,
        vaerdi,
        x
    from values_newest_first
    where nyeste_nr <= {{ trend_points }}
),

-- The means and sums over doubles are taken in period order, so the last bits of the trend
-- never depend on the order in which the rows happen to arrive.
means as (
    select
        indikator_id,
        {{ in_order('avg', 'x', 'periode_nr') }} as middel_x,
        {{ in_order('avg', 'vaerdi', 'periode_nr') }} as middel_vaerdi
    from recent_values
    group by indikator_id
),

centred as (
    select
        recent_values.indikator_id,
        recent_values.periode,
        recent_values.periode_nr,
        recent_values.vaerdi,
        means.middel_x,
        means.middel_vaerdi,
        recent_values.x - means.middel_x as dx,
        recent_values.vaerdi - means.middel_vaerdi as dy
    from recent_values
    inner join means
        on recent_values.indikator_id = means.indikator_id
),

trends as (
    select
        indikator_id,
        count(*) as antal_punkter,
        min(periode) as trend_fra_periode,
        max(periode) as seneste_periode_med_vaerdi,
        max(periode_nr) as seneste_nr,
        {{ first_in_order('vaerdi', 'periode_nr desc') }} as seneste_vaerdi,
        {{ same_in_group('middel_x') }} as middel_x,
        {{ same_in_group('middel_vaerdi') }} as middel_vaerdi,
        -- Least squares: Σ dx·dy / Σ dx², undefined for a single point.
        case
            when count(*) >= 2
                then {{ in_order('sum', 'dx * dy', 'periode_nr') }} / {{ in_order('sum', 'dx * dx', 'periode_nr') }}
        end as haeldning
    from centred
    group by indikator_id
),

projected as (
    select
        indicators.indikator_id,
        indicators.maal_id,
        indicators.fagudvalg,
        indicators.omkostningssted,
        indicators.retning,
        indicators.frekvens,
        latest_rows.seneste_periode,
        latest_rows.seneste_status,
        latest_rows.seneste_fremdrift_pct,
        latest_rows.seneste_forventet_fremdrift_pct,
        trends.seneste_periode_med_vaerdi,
        trends.seneste_vaerdi,
        coalesce(trends.antal_punkter, 0) as antal_punkter,
        trends.trend_fra_periode,
        trends.haeldning,
        indicators.maal_periode,
        indicators.maal_vaerdi,
        indicators.maal_nr - trends.seneste_nr as perioder_til_maal,
        trends.middel_vaerdi
        + trends.haeldning * (indicators.maal_nr - trends.seneste_nr - trends.middel_x) as forventet_vaerdi
    from latest_rows
    inner join indicators
        on latest_rows.indikator_id = indicators.indikator_id
    left join trends
        on latest_rows.indikator_id = trends.indikator_id
)

select
    cast(indikator_id as {{ text_type() }}) as indikator_id,
    cast(maal_id as {{ text_type() }}) as maal_id,
    cast(fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(omkostningssted as {{ text_type() }}) as omkostningssted,
    cast(retning as {{ text_type() }}) as retning,
    cast(frekvens as {{ text_type() }}) as frekvens,
    cast(seneste_periode as {{ text_type() }}) as seneste_periode,
    cast(seneste_status as {{ text_type() }}) as seneste_status,
    cast(seneste_fremdrift_pct as {{ double_type() }}) as seneste_fremdrift_pct,
    cast(seneste_forventet_fremdrift_pct as {{ double_type() }}) as seneste_forventet_fremdrift_pct,
    cast(seneste_periode_med_vaerdi as {{ text_type() }}) as seneste_periode_med_vaerdi,
    cast(seneste_vaerdi as {{ double_type() }}) as seneste_vaerdi,
    cast(antal_punkter as integer) as antal_punkter,
    cast(trend_fra_periode as {{ text_type() }}) as trend_fra_periode,
    cast(haeldning as {{ double_type() }}) as haeldning_pr_periode,
    cast(
        case
            when haeldning is null then null
            when haeldning = 0 then 'uaendret'
            when (haeldning > 0) = (retning = 'op') then 'bedring'
            else 'forvaerring'
        end as {{ text_type() }}
    ) as tendens,
    cast(maal_periode as {{ text_type() }}) as maal_periode,
    cast(maal_vaerdi as {{ double_type() }}) as maal_vaerdi,
    cast(perioder_til_maal as integer) as perioder_til_maal,
    cast(forventet_vaerdi as {{ double_type() }}) as forventet_vaerdi_ved_maal,
    -- At 9 decimals, so that a projection landing exactly on the target counts as reaching it.
    case retning
        when 'op' then {{ round_double('forventet_vaerdi - maal_vaerdi', 9) }} >= 0
        when 'ned' then {{ round_double('forventet_vaerdi - maal_vaerdi', 9) }} <= 0
    end as forventes_naaet
from projected
