{{ config(meta={'dagster': {'ref': {'name': 'leon_enhedsomkostning'}}}) }}

-- docs/kpis.md, Suppression and docs/published.md: the survey result beside a unit cost is
-- shown only when none of the unit's trivsel themes of that year is suppressed in kpi_values.
with

suppressed as (
    select distinct
        omkostningssted,
        periode
    from {{ ref('kpi_values') }}
    where left(kpi_id, 8) = 'trivsel_' and periodetype = 'aar' and undertrykt
)

select
    leon.ydelse,
    leon.omkostningssted,
    leon.periode,
    leon.trivsel_samlet
from {{ ref('leon_enhedsomkostning') }} as leon
inner join suppressed
    on
        leon.omkostningssted = suppressed.omkostningssted
        and cast(leon.kvalitet_aar as {{ text_type() }}) = suppressed.periode
where leon.trivsel_samlet is not null or not leon.trivsel_undertrykt
