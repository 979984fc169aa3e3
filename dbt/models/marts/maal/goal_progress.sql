-- marts.goal_progress as docs/kpis.md ("Goal progress") and docs/published.md define it: one
-- row per indicator and period of its frequency from baseline_periode through the earlier of
-- maal_periode and the indicator's horizon. The baseline is baseline_vaerdi, else the
-- indicator's own value in baseline_periode.
with

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

horizons as (
    select * from {{ ref('indicator_horizons') }}
),

indicator_values as (
    select * from {{ ref('indicator_values') }}
),

spined as (
    select
        indicators.indikator_id,
        indicators.maal_id,
        indicators.fagudvalg,
        indicators.omkostningssted,
        periods.periode,
        periods.periode_nr,
        indicators.baseline_nr,
        indicators.maal_nr,
        indicators.maal_vaerdi,
        coalesce(indicators.baseline_vaerdi, baseline_value.vaerdi) as baseline_vaerdi
    from indicators
    inner join horizons
        on indicators.indikator_id = horizons.indikator_id
    inner join periods
        on
            indicators.frekvens = periods.frekvens
            and periods.periode_nr between indicators.baseline_nr
            and least(indicators.maal_nr, horizons.horisont_nr)
    left join indicator_values as baseline_value
        on
            indicators.indikator_id = baseline_value.indikator_id
            and indicators.baseline_nr = baseline_value.periode_nr
),

measured as (
    select
        spined.indikator_id,
        spined.maal_id,
        spined.fagudvalg,
        spined.omkostningssted,
        spined.periode,
        indicator_values.vaerdi,
        spined.baseline_vaerdi,
        spined.maal_vaerdi,
        -- No progress can be measured without a baseline, or towards a target equal to it.
        -- Adding 0.0 turns the -0 of a ned indicator standing at its baseline into 0.
        100.0 * (indicator_values.vaerdi - spined.baseline_vaerdi)
        / nullif(spined.maal_vaerdi - spined.baseline_vaerdi, 0) + 0.0 as fremdrift_pct,
        -- A target period equal to the baseline period expects everything at once.
        greatest(0.0, least(100.0, coalesce(
            100.0 * (spined.periode_nr - spined.baseline_nr)
            / nullif(spined.maal_nr - spined.baseline_nr, 0),
            100.0
        ))) as forventet_fremdrift_pct
    from spined
    left join indicator_values
        on
            spined.indikator_id = indicator_values.indikator_id
            and spined.periode_nr = indicator_values.periode_nr
)

select
    cast(indikator_id as {{ text_type() }}) as indikator_id,
    cast(maal_id as {{ text_type() }}) as maal_id,
    cast(fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(omkostningssted as {{ text_type() }}) as omkostningssted,
    cast(periode as {{ text_type() }}) as periode,
    cast(vaerdi as {{ double_type() }}) as vaerdi,
    cast(baseline_vaerdi as {{ double_type() }}) as baseline_vaerdi,
    cast(maal_vaerdi as {{ double_type() }}) as maal_vaerdi,
    cast(fremdrift_pct as {{ double_type() }}) as fremdrift_pct,
    cast(forventet_fremdrift_pct as {{ double_type() }}) as forventet_fremdrift_pct,
    cast(
        -- Compared at 9 decimals, so that float noise in a value equal to the target (or to a
        -- threshold) does not change the status.
        case
            when vaerdi is null or fremdrift_pct is null then 'ingen_data'
            when {{ round_double('fremdrift_pct', 9) }} >= 100 then 'naaet'
            when {{ round_double('fremdrift_pct - forventet_fremdrift_pct', 9) }} >= -10 then 'paa_sporet'
            when {{ round_double('fremdrift_pct - forventet_fremdrift_pct', 9) }} >= -25 then 'i_risiko'
            else 'ikke_paa_sporet'
        end as {{ text_type() }}
    ) as status,
    {{ periode_start('periode') }} as periode_start
from measured
