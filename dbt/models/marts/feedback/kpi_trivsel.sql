-- trivsel_<tema> per node and survey period: Σ non-empty scores / their number over the
-- subtree, with primary and secondary suppression applied (int_trivsel_cells_suppressed).
-- Only themes in the KPI catalogue are published; assert_trivsel_themes_are_in_the_kpi_catalogue
-- names any other theme the question list brings.
with

node_periods as (
    select * from {{ ref('int_trivsel_aggregated_by_node_period') }}
),

suppression as (
    select * from {{ ref('int_trivsel_cells_suppressed') }}
),

catalogue as (
    select kpi_id from {{ ref('dim_kpi') }}
),

cells as (
    select
        node_periods.kpi_id,
        node_periods.omkostningssted,
        node_periods.periode,
        node_periods.periodetype,
        node_periods.sum_score,
        node_periods.antal_scorer,
        suppression.undertrykt
    from node_periods
    inner join suppression
        on
            node_periods.kpi_id = suppression.kpi_id
            and node_periods.omkostningssted = suppression.omkostningssted
            and node_periods.periode = suppression.periode
    inner join catalogue
        on node_periods.kpi_id = catalogue.kpi_id
)

select
    kpi_id,
    {{ kpi_row_tail('sum_score', 'antal_scorer', suppressed=true) }}
from cells
