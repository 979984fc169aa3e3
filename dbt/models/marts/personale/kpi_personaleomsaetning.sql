-- personaleomsaetning_afgang_pct = 100 · |S \ E| / |S| and personaleomsaetning_tilgang_pct
-- = 100 · |E \ S| / |S| per node and HR period, S and E the persons in the subtree at the
-- two ends of the period's window. A row only where |S| > 0; suppressed when |S| < 5.
with

node_periods as (
    select
        omkostningssted,
        periode,
        periodetype,
        cast(antal_personer_start as double) as antal_start,
        cast(antal_personer_start - antal_personer_begge as double) as antal_afgaaet,
        cast(antal_personer_slut - antal_personer_begge as double) as antal_tilgaaet,
        antal_personer_start < 5 as undertrykt
    from {{ ref('int_persons_counted_at_window_ends') }}
    where antal_personer_start > 0
),

afgang as (
    select
        'personaleomsaetning_afgang_pct' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        100 * antal_afgaaet / antal_start as vaerdi,
        antal_afgaaet as taeller,
        antal_start as naevner,
        undertrykt
    from node_periods
),

tilgang as (
    select
        'personaleomsaetning_tilgang_pct' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        100 * antal_tilgaaet / antal_start as vaerdi,
        antal_tilgaaet as taeller,
        antal_start as naevner,
        undertrykt
    from node_periods
),

all_measures as (
    select * from afgang
    union all
    select * from tilgang
)

-- A suppressed row keeps its place but shows nothing.
select
    kpi_id,
    omkostningssted,
    periode,
    periodetype,
    case when not undertrykt then vaerdi end as vaerdi,
    case when not undertrykt then taeller end as taeller,
    case when not undertrykt then naevner end as naevner,
    undertrykt
from all_measures
