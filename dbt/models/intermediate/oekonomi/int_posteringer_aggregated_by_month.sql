-- Postings summed per cost centre and accounting month, split the way the KPIs need:
-- drift = dranst 1 and 2, anlæg = dranst 3, and drift on hovedkonto 0-6 (the first
-- digit of funktion) for driftsudgift pr. indbygger. Amounts stay DECIMAL.
{{ config(
    materialized=by_month_materialization(),
    incremental_strategy='insert_overwrite',
    partition_by=['maaned'],
    pre_hook="{{ drop_changed_partitions('maaned', 'posteringer') }}",
) }}
with

postings as (
    select
        omkostningssted,
        regnskabsmaaned,
        dranst,
        left(funktion, 1) as hovedkonto,
        beloeb
    from {{ ref('stg_oekonomi__posteringer') }}
    {{ only_changed_partitions('regnskabsmaaned', 'posteringer') }}
),

aggregated as (
    select
        omkostningssted,
        regnskabsmaaned as maaned,
        cast(left(regnskabsmaaned, 4) as integer) as aar,
        -- Money sums as DuckDB types them (DECIMAL(38, 2)), spelled out for engines whose sum
        -- has no scale of its own.
        cast(coalesce(sum(beloeb) filter (where dranst in ('1', '2')), 0) as decimal(38, 2)) as forbrug_drift,
        count(*) filter (where dranst in ('1', '2')) as antal_driftsposteringer,
        cast(coalesce(
            sum(beloeb) filter (
                where dranst in ('1', '2') and hovedkonto in ('0', '1', '2', '3', '4', '5', '6')
            ),
            0
        ) as decimal(38, 2)) as forbrug_drift_hovedkonto_0_6,
        cast(coalesce(sum(beloeb) filter (where dranst = '3'), 0) as decimal(38, 2)) as forbrug_anlaeg,
        count(*) filter (where dranst = '3') as antal_anlaegsposteringer
    from postings
    group by omkostningssted, regnskabsmaaned
)

select * from aggregated
