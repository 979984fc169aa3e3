-- All feedback KPI rows in the published shape. A new feedback KPI model is added to the list.
{%- set kpi_models = [
    'kpi_trivsel',
    'kpi_svarprocent',
    'kpi_forslag',
] %}

{% for kpi_model in kpi_models %}
    select
        kpi_id,
        omkostningssted,
        periode,
        periodetype,
        vaerdi,
        taeller,
        naevner,
        undertrykt
    from {{ ref(kpi_model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
