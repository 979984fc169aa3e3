{{ config(meta={'dagster': {'ref': {'name': 'kpi_values'}}}) }}

-- Golden fact: the municipality's forbrug_drift for a month is the plain sum of that
-- month's drift postings, computed here straight from staging. A posting on a cost
-- centre outside the organisation tree, or a lost month, makes the two differ.
with

root as (
    select omkostningssted from {{ ref('dim_organisation') }}
    where er_rod
),

published as (
    select
        kpi_values.periode,
        kpi_values.taeller
    from {{ ref('kpi_values') }} as kpi_values
    inner join root
        on kpi_values.omkostningssted = root.omkostningssted
    where kpi_values.kpi_id = 'forbrug_drift' and kpi_values.periodetype = 'maaned'
),

postings as (
    select
        regnskabsmaaned as periode,
        sum(beloeb) as forbrug_drift
    from {{ ref('stg_oekonomi__posteringer') }}
    where dranst in ('1', '2')
    group by regnskabsmaaned
)

select
    coalesce(postings.periode, published.periode) as periode,
    postings.forbrug_drift as posteringer_i_alt,
    published.taeller as publiceret
from postings
full outer join published
    on postings.periode = published.periode
where
    postings.periode is null
    or published.periode is null
    or abs(cast(postings.forbrug_drift as {{ double_type() }}) - published.taeller) > 0.005
