-- Primary and secondary suppression of trivsel_<tema> per theme, node and survey period
-- (docs/kpis.md, Suppression; docs/feedback.md; macros/secondary_suppression.sql). Each theme has
-- its own cells, so the equations are per theme and period; the denominator that decides
-- which sibling is hidden is the number of scores (naevner of the KPI).
with

node_periods as (
    select * from {{ ref('int_trivsel_aggregated_by_node_period') }}
),

-- Primary: fewer than 5 respondents. The respondents answering for the node's own cost
-- centre are a hidden part of its equation when they are 1 to 4.
cells as (
    select
        kpi_id,
        periode,
        periodetype,
        omkostningssted,
        antal_scorer as naevner,
        antal_respondenter,
        antal_respondenter_direkte,
        antal_respondenter < 5 as primaer_undertrykt,
        antal_respondenter_direkte > 0 as egne_raekker,
        antal_respondenter_direkte between 1 and 4 as egne_raekker_skjult
    from node_periods
),

suppressed as (
    {{ secondary_suppression('cells', ['kpi_id', 'periode', 'periodetype']) }}
)

select
    kpi_id,
    omkostningssted,
    overordnet,
    dybde,
    periode,
    periodetype,
    naevner,
    antal_respondenter,
    antal_respondenter_direkte,
    egne_raekker,
    egne_raekker_skjult,
    primaer_undertrykt,
    sekundaer_undertrykt,
    undertrykt,
    sekundaer_ligning
from suppressed
