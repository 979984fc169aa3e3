-- driftsudgift_pr_indbygger: for the root only, Σ drift postings on hovedkonto 0-6 in the
-- year (up to the horizon) over the population on 1 January of that year. A row only for
-- years of the period spine whose population is delivered and positive.
with

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

postings as (
    select * from {{ ref('int_posteringer_aggregated_by_month') }}
),

years as (
    select * from {{ ref('int_oekonomi_periods_spined') }}
    where periodetype = 'aar'
),

population as (
    select
        aar,
        sum(antal) as indbyggere
    from {{ ref('stg_reference__befolkning') }}
    group by aar
),

root as (
    select omkostningssted from cost_centres
    where overordnet is null
),

root_spend as (
    select
        years.periode,
        sum(postings.forbrug_drift_hovedkonto_0_6) as forbrug_drift_hovedkonto_0_6
    from years
    inner join postings
        on postings.maaned between years.fra_maaned and years.til_maaned
    inner join closure
        on postings.omkostningssted = closure.omkostningssted
    inner join root
        on closure.ancestor_omkostningssted = root.omkostningssted
    group by years.periode
),

root_years as (
    select
        root.omkostningssted,
        years.periode,
        years.periodetype,
        coalesce(root_spend.forbrug_drift_hovedkonto_0_6, 0) as forbrug_drift_hovedkonto_0_6,
        population.indbyggere
    from years
    cross join root
    inner join population
        on years.aar = population.aar
    left join root_spend
        on years.periode = root_spend.periode
    where population.indbyggere > 0
)

select
    'driftsudgift_pr_indbygger' as kpi_id,
    {{ kpi_row_tail('forbrug_drift_hovedkonto_0_6', 'indbyggere') }}
from root_years
