-- marts.kpi_values as published.md defines it: one row per KPI, node and period, the
-- union of one model per domain. A later domain adds its model to the list.
{%- set domain_models = [
    'kpi_values_oekonomi',
    'kpi_values_personale',
    'kpi_values_feedback',
] %}

{% for domain_model in domain_models %}
    select
        cast(kpi_id as varchar) as kpi_id,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(periode as varchar) as periode,
        cast(periodetype as varchar) as periodetype,
        cast(vaerdi as double) as vaerdi,
        cast(taeller as double) as taeller,
        cast(naevner as double) as naevner,
        cast(undertrykt as boolean) as undertrykt
    from {{ ref(domain_model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
