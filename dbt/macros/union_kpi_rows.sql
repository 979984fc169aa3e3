{#- The union of KPI models in the published shape of kpi_values (docs/published.md): every
    domain's union and kpi_values itself are this one statement over a list of models. -#}
{% macro union_kpi_rows(models) %}
    {% for model in models %}
        select
            cast(kpi_id as {{ text_type() }}) as kpi_id,
            cast(omkostningssted as {{ text_type() }}) as omkostningssted,
            cast(periode as {{ text_type() }}) as periode,
            cast(periodetype as {{ text_type() }}) as periodetype,
            cast(vaerdi as {{ double_type() }}) as vaerdi,
            cast(taeller as {{ double_type() }}) as taeller,
            cast(naevner as {{ double_type() }}) as naevner,
            cast(undertrykt as boolean) as undertrykt
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endmacro %}
