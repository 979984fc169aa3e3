{#- The union of KPI models in the published shape of kpi_values (docs/published.md): every
    domain's union and kpi_values itself are this one statement over a list of models. -#}
{% macro union_kpi_rows(models) %}
    {% for model in models %}
        select
            cast(kpi_id as varchar) as kpi_id,
            cast(omkostningssted as varchar) as omkostningssted,
            cast(periode as varchar) as periode,
            cast(periodetype as varchar) as periodetype,
            cast(vaerdi as double precision) as vaerdi,
            cast(taeller as double precision) as taeller,
            cast(naevner as double precision) as naevner,
            cast(undertrykt as boolean) as undertrykt
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endmacro %}
