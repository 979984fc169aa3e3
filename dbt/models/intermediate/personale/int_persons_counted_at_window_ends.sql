-- Persons at the two ends of each period's turnover window, per node (docs/kpis.md): S = persons
-- with an active population employment in the node's subtree on t0, E = the same on t1.
-- A person is counted once per node however many employments they hold, so a move between
-- two units leaves the one and joins the other, but is no change at a node above both.
-- The persons in S on the node's own cost centre are counted apart too, for the secondary
-- suppression (int_personaleomsaetning_cells_suppressed). A window that starts before the
-- retention cutoff is not counted again from what is left (its figure is frozen).
with

horizon as (
    select * from {{ ref('int_personale_horizon_determined') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

periods as (
    select spine.*
    from {{ ref('int_personale_periods_spined') }} as spine
    cross join horizon
    where horizon.opbevaret_fra_dato is null or spine.vindue_fra_dato >= horizon.opbevaret_fra_dato
),

employments as (
    select * from {{ ref('int_ansaettelser_filtered_to_population') }}
),

window_ends as (
    select
        periode,
        vindue_fra_dato as dato,
        true as er_start
    from periods
    union all
    select
        periode,
        vindue_til_dato as dato,
        false as er_start
    from periods
),

window_days as (
    select distinct dato from window_ends
),

cost_centre_persons_on_days as (
    select distinct
        window_days.dato,
        employments.omkostningssted,
        employments.person_nr
    from window_days
    inner join employments
        on
            window_days.dato >= employments.startdato
            and (employments.slutdato is null or window_days.dato <= employments.slutdato)
),

node_persons_on_days as (
    select distinct
        closure.ancestor_omkostningssted as omkostningssted,
        cost_centre_persons_on_days.dato,
        cost_centre_persons_on_days.person_nr
    from cost_centre_persons_on_days
    inner join closure
        on cost_centre_persons_on_days.omkostningssted = closure.omkostningssted
),

node_persons_in_windows as (
    select
        node_persons_on_days.omkostningssted,
        window_ends.periode,
        node_persons_on_days.person_nr,
        bool_or(window_ends.er_start) as i_start,
        bool_or(not window_ends.er_start) as i_slut
    from window_ends
    inner join node_persons_on_days
        on window_ends.dato = node_persons_on_days.dato
    group by node_persons_on_days.omkostningssted, window_ends.periode, node_persons_on_days.person_nr
),

-- S on the cost centre itself: its distinct persons on the window's first day.
own_persons_at_start as (
    select
        cost_centre_persons_on_days.omkostningssted,
        window_ends.periode,
        count(*) as antal_personer_start
    from window_ends
    inner join cost_centre_persons_on_days
        on window_ends.dato = cost_centre_persons_on_days.dato
    where window_ends.er_start
    group by cost_centre_persons_on_days.omkostningssted, window_ends.periode
),

node_counts as (
    select
        node_persons_in_windows.omkostningssted,
        periods.periode,
        periods.periodetype,
        periods.vindue_fra_dato,
        periods.vindue_til_dato,
        count(*) filter (where node_persons_in_windows.i_start) as antal_personer_start,
        count(*) filter (where node_persons_in_windows.i_slut) as antal_personer_slut,
        count(*) filter (where node_persons_in_windows.i_start and node_persons_in_windows.i_slut)
            as antal_personer_begge
    from node_persons_in_windows
    inner join periods
        on node_persons_in_windows.periode = periods.periode
    group by
        node_persons_in_windows.omkostningssted,
        periods.periode,
        periods.periodetype,
        periods.vindue_fra_dato,
        periods.vindue_til_dato
)

select
    node_counts.*,
    coalesce(own_persons_at_start.antal_personer_start, 0) as antal_personer_start_direkte
from node_counts
left join own_persons_at_start
    on
        node_counts.omkostningssted = own_persons_at_start.omkostningssted
        and node_counts.periode = own_persons_at_start.periode
