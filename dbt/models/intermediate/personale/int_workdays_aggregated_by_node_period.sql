-- Possible and sickness dagsværk, and the persons behind them, per node and HR period. The
-- dagsværk are summed per cost centre and month first and then rolled up through the
-- closure, so a node always covers its whole subtree's rows. Persons cannot be summed
-- across children (one person may work in two units), so they are counted distinct on the
-- (person, cost centre) pairs of the period joined to the closure. The rows on the node's
-- own cost centre (closure distance 0) are kept apart too: the secondary suppression
-- (int_sygefravaer_cells_suppressed) treats them as a part of the node's figures.
with

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

periods as (
    select * from {{ ref('int_personale_periods_spined') }}
),

workdays as (
    select * from {{ ref('int_workdays_by_employment') }}
),

-- Each sum as DuckDB types a sum of DECIMAL(p, 10), spelled out for engines whose sum has no
-- scale of its own.
cost_centre_months as (
    select
        omkostningssted,
        maaned,
        cast(sum(mulige_dagsvaerk) as decimal(38, 10)) as mulige_dagsvaerk,
        cast(sum(sygefravaer_dagsvaerk) as decimal(38, 10)) as sygefravaer_dagsvaerk,
        cast(sum(korttidssygefravaer_dagsvaerk) as decimal(38, 10)) as korttidssygefravaer_dagsvaerk,
        cast(sum(langtidssygefravaer_dagsvaerk) as decimal(38, 10)) as langtidssygefravaer_dagsvaerk
    from workdays
    group by omkostningssted, maaned
),

node_sums as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        cast(sum(cost_centre_months.mulige_dagsvaerk) as decimal(38, 10)) as mulige_dagsvaerk,
        cast(sum(cost_centre_months.sygefravaer_dagsvaerk) as decimal(38, 10)) as sygefravaer_dagsvaerk,
        cast(sum(cost_centre_months.korttidssygefravaer_dagsvaerk) as decimal(38, 10)) as korttidssygefravaer_dagsvaerk,
        cast(sum(cost_centre_months.langtidssygefravaer_dagsvaerk) as decimal(38, 10)) as langtidssygefravaer_dagsvaerk,
        cast(coalesce(
            sum(cost_centre_months.mulige_dagsvaerk) filter (where closure.afstand = 0), 0
        ) as decimal(38, 10)) as mulige_dagsvaerk_direkte
    from periods
    inner join cost_centre_months
        on cost_centre_months.maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on cost_centre_months.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode
),

-- A row of workdays means at least one working day active in the month.
person_cost_centres as (
    select distinct
        periods.periode,
        workdays.omkostningssted,
        workdays.person_nr
    from periods
    inner join workdays
        on workdays.maaned between periods.fra_maaned and periods.til_maaned
),

node_persons as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        person_cost_centres.periode,
        count(distinct person_cost_centres.person_nr) as antal_personer
    from person_cost_centres
    inner join closure
        on person_cost_centres.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, person_cost_centres.periode
),

-- The pairs are distinct, so the persons on a cost centre itself are its pairs.
own_persons as (
    select
        omkostningssted,
        periode,
        count(*) as antal_personer
    from person_cost_centres
    group by omkostningssted, periode
)

select
    node_sums.omkostningssted,
    periods.periode,
    periods.periodetype,
    periods.antal_arbejdsdage,
    node_sums.mulige_dagsvaerk,
    node_sums.sygefravaer_dagsvaerk,
    node_sums.korttidssygefravaer_dagsvaerk,
    node_sums.langtidssygefravaer_dagsvaerk,
    node_persons.antal_personer,
    node_sums.mulige_dagsvaerk_direkte,
    coalesce(own_persons.antal_personer, 0) as antal_personer_direkte
from node_sums
inner join periods
    on node_sums.periode = periods.periode
inner join node_persons
    on
        node_sums.omkostningssted = node_persons.omkostningssted
        and node_sums.periode = node_persons.periode
left join own_persons
    on
        node_sums.omkostningssted = own_persons.omkostningssted
        and node_sums.periode = own_persons.periode
