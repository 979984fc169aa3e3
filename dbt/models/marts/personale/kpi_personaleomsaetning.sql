-- personaleomsaetning_afgang_pct = 100 · |S \ E| / |S| and personaleomsaetning_tilgang_pct
-- = 100 · |E \ S| / |S| per node and HR period, S and E the persons in the subtree at the
-- two ends of the period's window. A row only where |S| > 0; hidden when |S| < 5 and where
-- a hidden figure could be found by subtraction (int_personaleomsaetning_cells_suppressed,
-- which decides once for both KPIs).
with

suppression as (
    select * from {{ ref('int_personaleomsaetning_cells_suppressed') }}
),

node_periods as (
    select
        persons.omkostningssted,
        persons.periode,
        persons.periodetype,
        cast(persons.antal_personer_start as {{ double_type() }}) as antal_start,
        cast(persons.antal_personer_start - persons.antal_personer_begge as {{ double_type() }}) as antal_afgaaet,
        cast(persons.antal_personer_slut - persons.antal_personer_begge as {{ double_type() }}) as antal_tilgaaet,
        suppression.undertrykt
    from {{ ref('int_persons_counted_at_window_ends') }} as persons
    inner join suppression
        on
            persons.omkostningssted = suppression.omkostningssted
            and persons.periode = suppression.periode
    where persons.antal_personer_start > 0
)

select
    'personaleomsaetning_afgang_pct' as kpi_id,
    {{ kpi_row_tail('antal_afgaaet', 'antal_start', percent=true, suppressed=true) }}
from node_periods

union all

select
    'personaleomsaetning_tilgang_pct' as kpi_id,
    {{ kpi_row_tail('antal_tilgaaet', 'antal_start', percent=true, suppressed=true) }}
from node_periods
