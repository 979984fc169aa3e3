-- The indicator portfolio, one row per indicator of the newest catalogue, for "measure only
-- what makes sense" and "a new tool replaces another": whether it is active, which indicator
-- it replaced and which replaced it (the whole chain), whether its goal is still active, and
-- how many of its latest periods have no value.
{%- set missing_periods = var('maal_perioder_uden_vaerdi', 3) %}

with recursive

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

horizons as (
    select * from {{ ref('indicator_horizons') }}
),

indicator_values as (
    select * from {{ ref('indicator_values') }}
),

deliveries as (
    select * from {{ ref('int_indikatorvaerdier_deduplicated') }}
),

periods as (
    select * from {{ ref('int_maal_periods_spined') }}
),

-- A chain starts at an indicator that replaces none; each successor adds one link.
chains as (
    select
        indikator_id,
        indikator_id as kaede_start,
        1 as kaede_nr,
        indikator_id as kaede
    from indicators
    where erstatter is null

    union all

    select
        successor.indikator_id,
        chains.kaede_start,
        chains.kaede_nr + 1 as kaede_nr,
        chains.kaede || ' > ' || successor.indikator_id as kaede
    from chains
    inner join indicators as successor
        on chains.indikator_id = successor.erstatter
    -- The ingest checks that a replaced indicator exists; the bound stops a cycle.
    where chains.kaede_nr < 100
),

successors as (
    select
        erstatter as indikator_id,
        {{ string_agg_ordered('indikator_id', "', '", 'indikator_id') }} as erstattet_af
    from indicators
    where erstatter is not null
    group by erstatter
),

-- A delivery that stops altogether must still show as missing: delivered indicators are
-- measured against the newest period delivered for any indicator of the same frequency.
latest_deliveries as (
    select
        periods.frekvens,
        max(periods.periode_nr) as periode_nr
    from deliveries
    inner join periods
        on deliveries.periode = periods.periode
    group by periods.frekvens
),

reference_periods as (
    select
        indicators.indikator_id,
        case
            when indicators.kpi is not null then horizons.horisont_nr
            else coalesce(latest_deliveries.periode_nr, horizons.horisont_nr)
        end as reference_nr
    from indicators
    left join horizons
        on indicators.indikator_id = horizons.indikator_id
    left join latest_deliveries
        on indicators.frekvens = latest_deliveries.frekvens
),

latest_values as (
    select
        reference_periods.indikator_id,
        max(indicator_values.periode_nr) as seneste_nr
    from reference_periods
    inner join indicator_values
        on
            reference_periods.indikator_id = indicator_values.indikator_id
            and reference_periods.reference_nr >= indicator_values.periode_nr
    where indicator_values.vaerdi is not null
    group by reference_periods.indikator_id
),

gaps as (
    select
        indicators.indikator_id,
        reference_period.periode as referenceperiode,
        latest_period.periode as seneste_periode_med_vaerdi,
        -- Never a value: every period from the baseline on is missing.
        greatest(
            0,
            reference_periods.reference_nr - coalesce(latest_values.seneste_nr, indicators.baseline_nr - 1)
        ) as perioder_uden_vaerdi
    from indicators
    inner join reference_periods
        on indicators.indikator_id = reference_periods.indikator_id
    left join latest_values
        on indicators.indikator_id = latest_values.indikator_id
    left join periods as reference_period
        on
            indicators.frekvens = reference_period.frekvens
            and reference_periods.reference_nr = reference_period.periode_nr
    left join periods as latest_period
        on
            indicators.frekvens = latest_period.frekvens
            and latest_values.seneste_nr = latest_period.periode_nr
)

select
    cast(indicators.indikator_id as {{ text_type() }}) as indikator_id,
    cast(indicators.navn as {{ text_type() }}) as navn,
    cast(indicators.maal_id as {{ text_type() }}) as maal_id,
    cast(indicators.maal_titel as {{ text_type() }}) as maal_titel,
    cast(indicators.maal_status as {{ text_type() }}) as maal_status,
    cast(indicators.fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(indicators.omkostningssted as {{ text_type() }}) as omkostningssted,
    cast(indicators.kpi as {{ text_type() }}) as kpi,
    cast(case when indicators.kpi is null then 'leveret' else 'kpi' end as {{ text_type() }}) as vaerditype,
    cast(indicators.frekvens as {{ text_type() }}) as frekvens,
    cast(indicators.retning as {{ text_type() }}) as retning,
    cast(indicators.enhed as {{ text_type() }}) as enhed,
    cast(indicators.baseline_periode as {{ text_type() }}) as baseline_periode,
    cast(indicators.maal_periode as {{ text_type() }}) as maal_periode,
    cast(indicators.maal_vaerdi as {{ double_type() }}) as maal_vaerdi,
    indicators.indfoert,
    indicators.udfaset,
    indicators.er_aktiv,
    cast(indicators.erstatter as {{ text_type() }}) as erstatter,
    cast(successors.erstattet_af as {{ text_type() }}) as erstattet_af,
    cast(chains.kaede_start as {{ text_type() }}) as kaede_start,
    cast(chains.kaede_nr as integer) as kaede_nr,
    cast(chains.kaede as {{ text_type() }}) as kaede,
    indicators.er_aktiv and coalesce(indicators.maal_status, '') != 'aktiv' as uden_aktivt_maal,
    cast(gaps.referenceperiode as {{ text_type() }}) as referenceperiode,
    cast(gaps.seneste_periode_med_vaerdi as {{ text_type() }}) as seneste_periode_med_vaerdi,
    cast(gaps.perioder_uden_vaerdi as integer) as perioder_uden_vaerdi,
    indicators.er_aktiv and coalesce(gaps.perioder_uden_vaerdi >= {{ missing_periods }}, false) as mangler_vaerdier
from indicators
left join successors
    on indicators.indikator_id = successors.indikator_id
left join chains
    on indicators.indikator_id = chains.indikator_id
left join gaps
    on indicators.indikator_id = gaps.indikator_id
