-- aarsvaerk per node and HR period: possible dagsværk of the subtree over the number of
-- working days in the period (year to date in the horizon's year). A row wherever the
-- subtree has possible dagsværk; never suppressed (docs/kpis.md suppresses only sickness and
-- turnover).
with

node_periods as (
    select * from {{ ref('int_workdays_aggregated_by_node_period') }}
    where mulige_dagsvaerk > 0
)

select
    'aarsvaerk' as kpi_id,
    {{ kpi_row_tail('mulige_dagsvaerk', 'antal_arbejdsdage') }}
from node_periods
