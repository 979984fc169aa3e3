-- The four sickness KPIs per node and HR period: sygefravaer_pct, korttids- and
-- langtidssygefravaer_pct (100 · sickness dagsværk / possible dagsværk) and
-- sygefravaer_dage_pr_aarsvaerk (sickness dagsværk / årsværk). A row wherever the subtree
-- has possible dagsværk; hidden below 5 distinct persons and where a hidden figure could
-- be found by subtraction (docs/kpis.md, Suppression; int_sygefravaer_cells_suppressed, which
-- decides once for all four KPIs).
with

suppression as (
    select * from {{ ref('int_sygefravaer_cells_suppressed') }}
),

node_periods as (
    select
        workdays.omkostningssted,
        workdays.periode,
        workdays.periodetype,
        cast(workdays.mulige_dagsvaerk as {{ double_type() }}) as mulige_dagsvaerk,
        cast(workdays.sygefravaer_dagsvaerk as {{ double_type() }}) as sygefravaer_dagsvaerk,
        cast(workdays.korttidssygefravaer_dagsvaerk as {{ double_type() }}) as korttidssygefravaer_dagsvaerk,
        cast(workdays.langtidssygefravaer_dagsvaerk as {{ double_type() }}) as langtidssygefravaer_dagsvaerk,
        cast(workdays.mulige_dagsvaerk as {{ double_type() }})
        / cast(workdays.antal_arbejdsdage as {{ double_type() }}) as aarsvaerk,
        -- Sickness is health data: too few persons behind a figure, or a figure that would
        -- give such a one away, is not shown.
        suppression.undertrykt
    from {{ ref('int_workdays_aggregated_by_node_period') }} as workdays
    inner join suppression
        on
            workdays.omkostningssted = suppression.omkostningssted
            and workdays.periode = suppression.periode
    where workdays.mulige_dagsvaerk > 0
),

sygefravaer as (
    select
        'sygefravaer_pct' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        100 * sygefravaer_dagsvaerk / mulige_dagsvaerk as vaerdi,
        sygefravaer_dagsvaerk as taeller,
        mulige_dagsvaerk as naevner,
        undertrykt
    from node_periods
),

korttid as (
    select
        'korttidssygefravaer_pct' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        100 * korttidssygefravaer_dagsvaerk / mulige_dagsvaerk as vaerdi,
        korttidssygefravaer_dagsvaerk as taeller,
        mulige_dagsvaerk as naevner,
        undertrykt
    from node_periods
),

langtid as (
    select
        'langtidssygefravaer_pct' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        100 * langtidssygefravaer_dagsvaerk / mulige_dagsvaerk as vaerdi,
        langtidssygefravaer_dagsvaerk as taeller,
        mulige_dagsvaerk as naevner,
        undertrykt
    from node_periods
),

dage_pr_aarsvaerk as (
    select
        'sygefravaer_dage_pr_aarsvaerk' as kpi_id,
        omkostningssted,
        periode,
        periodetype,
        sygefravaer_dagsvaerk / aarsvaerk as vaerdi,
        sygefravaer_dagsvaerk as taeller,
        aarsvaerk as naevner,
        undertrykt
    from node_periods
),

all_measures as (
    select * from sygefravaer
    union all
    select * from korttid
    union all
    select * from langtid
    union all
    select * from dage_pr_aarsvaerk
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
