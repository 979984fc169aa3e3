-- Primary and secondary suppression of the two turnover KPIs per node and HR period
-- (docs/kpis.md, Suppression; macros/secondary_suppression.sql). Both have the row, the
-- denominator and the small-group rule of |S|, the persons in the subtree on the window's
-- first day, so the suppression is computed once for both and each hides the same rows.
with

node_periods as (
    select * from {{ ref('int_persons_counted_at_window_ends') }}
    where antal_personer_start > 0
),

-- Primary: |S| < 5. The persons in S on the node's own cost centre are a hidden part of its
-- equation when they are 1 to 4.
cells as (
    select
        periode,
        periodetype,
        omkostningssted,
        antal_personer_start as naevner,
        antal_personer_start_direkte,
        antal_personer_start < 5 as primaer_undertrykt,
        antal_personer_start_direkte > 0 as egne_raekker,
        antal_personer_start_direkte between 1 and 4 as egne_raekker_skjult
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
    antal_personer_start_direkte,
    egne_raekker,
    egne_raekker_skjult,
    primaer_undertrykt,
    sekundaer_undertrykt,
    undertrykt,
    sekundaer_ligning
from suppressed
