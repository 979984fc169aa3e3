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
)

select
    'sygefravaer_pct' as kpi_id,
    {{ kpi_row_tail('sygefravaer_dagsvaerk', 'mulige_dagsvaerk', percent=true, suppressed=true) }}
from node_periods

union all

select
    'korttidssygefravaer_pct' as kpi_id,
    {{ kpi_row_tail('korttidssygefravaer_dagsvaerk', 'mulige_dagsvaerk', percent=true, suppressed=true) }}
from node_periods

union all

select
    'langtidssygefravaer_pct' as kpi_id,
    {{ kpi_row_tail('langtidssygefravaer_dagsvaerk', 'mulige_dagsvaerk', percent=true, suppressed=true) }}
from node_periods

union all

select
    'sygefravaer_dage_pr_aarsvaerk' as kpi_id,
    {{ kpi_row_tail('sygefravaer_dagsvaerk', 'aarsvaerk', suppressed=true) }}
from node_periods
