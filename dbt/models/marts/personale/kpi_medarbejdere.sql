-- medarbejdere per node and HR period: distinct persons with an active population
-- employment in the subtree on the period's last day (the horizon for the horizon's year),
-- which is the end t1 of the period's turnover window. A row only where there is at least
-- one such person; never suppressed.
with

node_periods as (
    select * from {{ ref('int_persons_counted_at_window_ends') }}
    where antal_personer_slut > 0
)

select
    'medarbejdere' as kpi_id,
    {{ kpi_row_tail('antal_personer_slut') }}
from node_periods
