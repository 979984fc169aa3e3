-- The municipality's yearly KPIs beside the other municipalities' published values
-- (reference/benchmark): one row per KPI and year of the benchmark file. The own value is
-- the root's aar row in kpi_values; the peers are the file's rows, except the rows of the
-- municipality itself when the var maalbar_kommunekode names it. The rank runs from best
-- to worst by the KPI's retning (1 = best); for a neutral KPI it is by size, lowest first.
{%- set own_code = var('maalbar_kommunekode', none) %}

with

benchmark as (
    select * from {{ ref('stg_reference__benchmark') }}
    {%- if own_code is not none %}
        where kommunekode != '{{ own_code }}'
    {%- endif %}
),

kpis as (
    select * from {{ ref('dim_kpi') }}
),

root as (
    select
        omkostningssted,
        navn
    from {{ ref('dim_organisation') }}
    where er_rod
),

own_values as (
    select
        kpi_values.kpi_id,
        -- A year's periode is its four digits; the CASE keeps the cast away from months.
        cast(case when kpi_values.periodetype = 'aar' then kpi_values.periode end as integer) as aar,
        kpi_values.vaerdi
    from {{ ref('kpi_values') }} as kpi_values
    inner join root
        on kpi_values.omkostningssted = root.omkostningssted
    where kpi_values.periodetype = 'aar'
),

peers as (
    select
        benchmark.kpi_id,
        benchmark.aar,
        benchmark.kommune,
        benchmark.vaerdi,
        -- Sign that turns "better" into "lower": the order of the ranking.
        case when kpis.retning = 'op' then -1 else 1 end as fortegn
    from benchmark
    left join kpis
        on benchmark.kpi_id = kpis.kpi_id
),

peer_statistics as (
    select
        kpi_id,
        aar,
        {{ same_in_group('fortegn') }} as fortegn,
        count(*) as antal_sammenligningskommuner,
        percentile_cont(0.5) within group (order by vaerdi) as median_sammenligning,
        -- On a tie for best, the municipality first in alphabetical order.
        {{ first_in_order('kommune', 'fortegn * vaerdi, kommune') }} as bedste_kommune,
        min(fortegn * vaerdi) * {{ same_in_group('fortegn') }} as bedste_vaerdi,
        {{ string_agg_ordered('kommune', "', '", 'fortegn * vaerdi, kommune') }} as sammenligningskommuner
    from peers
    group by kpi_id, aar
),

own_ranks as (
    select
        peer_statistics.kpi_id,
        peer_statistics.aar,
        -- Competition ranking: 1 + the peers strictly better than the own value.
        1 + count(peers.kpi_id) as rang
    from peer_statistics
    inner join own_values
        on
            peer_statistics.kpi_id = own_values.kpi_id
            and peer_statistics.aar = own_values.aar
    left join peers
        on
            peer_statistics.kpi_id = peers.kpi_id
            and peer_statistics.aar = peers.aar
            and peers.fortegn * peers.vaerdi < peer_statistics.fortegn * own_values.vaerdi
    where own_values.vaerdi is not null
    group by peer_statistics.kpi_id, peer_statistics.aar
)

select
    peer_statistics.kpi_id,
    kpis.navn as kpi_navn,
    kpis.enhed,
    kpis.retning,
    cast(peer_statistics.aar as integer) as aar,
    root.navn as egen_kommune,
    own_values.vaerdi as egen_vaerdi,
    cast(own_ranks.rang as integer) as rang,
    cast(peer_statistics.antal_sammenligningskommuner + 1 as integer) as antal_i_rangering,
    case when peer_statistics.fortegn = -1 then 'hoejeste_foerst' else 'laveste_foerst' end as rangordning,
    cast(peer_statistics.antal_sammenligningskommuner as integer) as antal_sammenligningskommuner,
    peer_statistics.median_sammenligning,
    own_values.vaerdi - peer_statistics.median_sammenligning as afstand_til_median,
    case
        when peer_statistics.median_sammenligning != 0
            then
                100 * (own_values.vaerdi - peer_statistics.median_sammenligning)
                / abs(peer_statistics.median_sammenligning)
    end as afstand_til_median_pct,
    peer_statistics.bedste_kommune,
    peer_statistics.bedste_vaerdi,
    peer_statistics.sammenligningskommuner
from peer_statistics
cross join root
left join kpis
    on peer_statistics.kpi_id = kpis.kpi_id
left join own_values
    on
        peer_statistics.kpi_id = own_values.kpi_id
        and peer_statistics.aar = own_values.aar
left join own_ranks
    on
        peer_statistics.kpi_id = own_ranks.kpi_id
        and peer_statistics.aar = own_ranks.aar
