-- All HR KPI rows in the published shape. A new HR KPI model is added to the list.
{%- set kpi_models = [
    'kpi_sygefravaer',
    'kpi_aarsvaerk',
    'kpi_medarbejdere',
    'kpi_personaleomsaetning',
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
