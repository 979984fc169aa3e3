-- Activity per cost centre, month and service; the unit-cost KPI needs the service to
-- tell whether a subtree's activity is of one kind.
{{ config(
    materialized=by_month_materialization(),
    incremental_strategy='insert_overwrite',
    partition_by=['maaned'],
    pre_hook="{{ drop_changed_partitions('maaned', 'aktivitet') }}",
) }}
with

activity as (
    select * from {{ ref('stg_reference__aktivitet') }}
    {{ only_changed_partitions('maaned', 'aktivitet') }}
),

aggregated as (
    select
        omkostningssted,
        maaned,
        ydelse,
        sum(antal) as antal,
        count(*) as antal_aktivitetsrader
    from activity
    group by omkostningssted, maaned, ydelse
)

select * from aggregated
