{{ config(meta={'dagster': {'ref': {'name': 'leon_enhedsomkostning'}}}) }}

-- Every unit in the LEON comparison carries exactly its published enhedsomkostning, and its
-- peer group's statistics lie within the group's range (median and quartile are of the group).
with

leon as (
    select * from {{ ref('leon_enhedsomkostning') }}
),

published as (
    select
        omkostningssted,
        periode,
        vaerdi
    from {{ ref('kpi_values') }}
    where kpi_id = 'enhedsomkostning'
),

groups as (
    select
        ydelse,
        periode,
        min(enhedsomkostning_kr) as laveste,
        max(enhedsomkostning_kr) as hoejeste,
        count(*) as antal
    from leon
    group by ydelse, periode
)

select
    leon.ydelse,
    leon.omkostningssted,
    leon.periode
from leon
left join published
    on
        leon.omkostningssted = published.omkostningssted
        and leon.periode = published.periode
inner join groups
    on
        leon.ydelse = groups.ydelse
        and leon.periode = groups.periode
where
    published.vaerdi is null
    or abs(published.vaerdi - leon.enhedsomkostning_kr) > 1e-9
    or leon.antal_enheder != groups.antal
    or leon.bedste_kvartil_enhedsomkostning_kr < groups.laveste - 1e-9
    or leon.median_enhedsomkostning_kr > groups.hoejeste + 1e-9
    or leon.bedste_kvartil_enhedsomkostning_kr > leon.median_enhedsomkostning_kr + 1e-9
    or leon.rang not between 1 and leon.antal_enheder
