-- LEON (laveste effektive omkostningsniveau): each unit's enhedsomkostning against the
-- units delivering the same ydelse in the same period. The peers are the leaf units with
-- an enhedsomkostning in kpi_values; the median and the best quartile (the 25th percentile,
-- lower is better) are over units, unweighted, interpolated as Excel's KVARTIL.MEDTAG.
-- Beside the cost stands the unit's survey result of the same year, so low cost is never
-- read without quality; suppressed survey figures stay NULL.
with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

organisation as (
    select * from {{ ref('dim_organisation') }}
),

periods as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
),

-- The activity rows tell which ydelse a unit's cost is per, and in which unit of measure.
activity as (
    select * from {{ ref('stg_reference__aktivitet') }}
),

unit_services as (
    select
        activity.omkostningssted,
        periods.periode,
        min(activity.ydelse) as ydelse,
        {{ string_agg_ordered('activity.enhed', "', '", 'activity.enhed', distinct=true) }} as enhed
    from periods
    inner join activity
        on activity.maaned between periods.fra_maaned and periods.til_maaned
    group by activity.omkostningssted, periods.periode
    having count(distinct activity.ydelse) = 1
),

unit_costs as (
    select
        unit_services.ydelse,
        kpi_values.periode,
        kpi_values.periodetype,
        kpi_values.omkostningssted,
        organisation.navn,
        organisation.fagudvalg,
        unit_services.enhed,
        kpi_values.vaerdi as enhedsomkostning_kr,
        kpi_values.taeller as forbrug_drift_kr,
        kpi_values.naevner as aktivitet_antal
    from kpi_values
    inner join organisation
        on kpi_values.omkostningssted = organisation.omkostningssted
    inner join unit_services
        on
            kpi_values.omkostningssted = unit_services.omkostningssted
            and kpi_values.periode = unit_services.periode
    where
        kpi_values.kpi_id = 'enhedsomkostning'
        and kpi_values.vaerdi is not null
        and organisation.er_blad
),

peer_statistics as (
    select
        ydelse,
        periode,
        count(*) as antal_enheder,
        percentile_cont(0.5) within group (order by enhedsomkostning_kr) as median_enhedsomkostning_kr,
        percentile_cont(0.25) within group (order by enhedsomkostning_kr) as bedste_kvartil_enhedsomkostning_kr
    from unit_costs
    group by ydelse, periode
),

-- Quality of the calendar year the period lies in: all trivsel themes pooled (Σ scores /
-- number of scores), shown only when none of the unit's themes is suppressed that year.
survey_years as (
    select
        omkostningssted,
        periode as kvalitet_aar,
        left(kpi_id, 8) = 'trivsel_' as er_trivsel,
        kpi_id,
        vaerdi,
        taeller,
        naevner,
        undertrykt
    from kpi_values
    where periodetype = 'aar' and (left(kpi_id, 8) = 'trivsel_' or kpi_id = 'svarprocent')
),

survey_quality as (
    select
        omkostningssted,
        kvalitet_aar,
        case
            when not bool_or(undertrykt) filter (where er_trivsel)
                then sum(taeller) filter (where er_trivsel) / sum(naevner) filter (where er_trivsel)
        end as trivsel_samlet,
        bool_or(undertrykt) filter (where er_trivsel) as trivsel_undertrykt,
        max(vaerdi) filter (where kpi_id = 'svarprocent') as svarprocent
    from survey_years
    group by omkostningssted, kvalitet_aar
)

select
    unit_costs.ydelse,
    unit_costs.periode,
    unit_costs.periodetype,
    unit_costs.omkostningssted,
    unit_costs.navn,
    unit_costs.fagudvalg,
    unit_costs.enhed,
    unit_costs.enhedsomkostning_kr,
    unit_costs.forbrug_drift_kr,
    unit_costs.aktivitet_antal,
    cast(peer_statistics.antal_enheder as integer) as antal_enheder,
    cast(rank() over (
        partition by unit_costs.ydelse, unit_costs.periode
        order by unit_costs.enhedsomkostning_kr
    ) as integer) as rang,
    peer_statistics.median_enhedsomkostning_kr,
    peer_statistics.bedste_kvartil_enhedsomkostning_kr,
    unit_costs.enhedsomkostning_kr - peer_statistics.median_enhedsomkostning_kr as afstand_til_median_kr,
    case
        when peer_statistics.median_enhedsomkostning_kr != 0
            then
                100 * (unit_costs.enhedsomkostning_kr - peer_statistics.median_enhedsomkostning_kr)
                / abs(peer_statistics.median_enhedsomkostning_kr)
    end as afstand_til_median_pct,
    unit_costs.enhedsomkostning_kr <= peer_statistics.bedste_kvartil_enhedsomkostning_kr as i_bedste_kvartil,
    -- What the unit would spend less at the best quartile's unit cost, for its own volume.
    greatest(unit_costs.enhedsomkostning_kr - peer_statistics.bedste_kvartil_enhedsomkostning_kr, 0)
    * unit_costs.aktivitet_antal as merudgift_ift_bedste_kvartil_kr,
    cast(left(unit_costs.periode, 4) as integer) as kvalitet_aar,
    survey_quality.trivsel_samlet,
    survey_quality.trivsel_undertrykt,
    survey_quality.svarprocent,
    {{ periode_start('unit_costs.periode') }} as periode_start
from unit_costs
inner join peer_statistics
    on
        unit_costs.ydelse = peer_statistics.ydelse
        and unit_costs.periode = peer_statistics.periode
left join survey_quality
    on
        unit_costs.omkostningssted = survey_quality.omkostningssted
        and left(unit_costs.periode, 4) = survey_quality.kvalitet_aar
