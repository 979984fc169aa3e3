-- Primary and secondary suppression of the four sickness KPIs per node and HR period
-- (docs/kpis.md, Suppression; macros/secondary_suppression.sql). The four share their cells: a
-- row wherever the subtree has possible dagsværk, the same persons behind it, and
-- denominators that order siblings alike (possible dagsværk, and for
-- sygefravaer_dage_pr_aarsvaerk årsværk = possible dagsværk / the period's working days, the
-- same for every node of a period). So the suppression is computed once for all four and
-- each of them hides the same rows.
with

node_periods as (
    select * from {{ ref('int_workdays_aggregated_by_node_period') }}
    where mulige_dagsvaerk > 0
),

-- Primary: fewer than 5 distinct persons active on a working day of the period. The rows on
-- the node's own cost centre are a hidden part of its equation when they hold 1 to 4 persons.
cells as (
    select
        periode,
        periodetype,
        omkostningssted,
        mulige_dagsvaerk as naevner,
        antal_personer,
        antal_personer_direkte,
        antal_personer < 5 as primaer_undertrykt,
        mulige_dagsvaerk_direkte > 0 as egne_raekker,
        mulige_dagsvaerk_direkte > 0 and antal_personer_direkte < 5 as egne_raekker_skjult
    from node_periods
),

suppressed as (
    {{ secondary_suppression('cells', ['periode', 'periodetype']) }}
)

select
    omkostningssted,
    overordnet,
    dybde,
    periode,
    periodetype,
    naevner,
    antal_personer,
    antal_personer_direkte,
    egne_raekker,
    egne_raekker_skjult,
    primaer_undertrykt,
    sekundaer_undertrykt,
    undertrykt,
    sekundaer_ligning
from suppressed
