{#- The columns of a KPI row (kpi_values, docs/published.md) after its kpi_id, from a relation
    with omkostningssted, periode and periodetype: taeller and naevner (NULL without one) as
    doubles, vaerdi = taeller / naevner (· 100 with percent; taeller without a naevner), and
    undertrykt. With suppressed, the relation's boolean undertrykt decides, and a suppressed row
    keeps its place but shows nothing: vaerdi, taeller and naevner NULL. Every kpi_* model
    ends its rows with this:
        select 'forbrug_drift' as kpi_id, {{ kpi_row_tail('forbrug_drift') }} from ...
-#}
{% macro kpi_row_tail(taeller, naevner=none, percent=false, suppressed=false) -%}
    {%- set double = double_type() %}
    {%- set taeller_value = 'cast(' ~ taeller ~ ' as ' ~ double ~ ')' %}
    {%- if naevner is none %}
        {%- set naevner_value = 'cast(null as ' ~ double ~ ')' %}
        {%- set vaerdi_value = taeller_value %}
    {%- else %}
        {%- set naevner_value = 'cast(' ~ naevner ~ ' as ' ~ double ~ ')' %}
        {%- set vaerdi_value = ('100 * ' if percent else '') ~ taeller_value ~ ' / ' ~ naevner_value %}
    {%- endif %}
    omkostningssted,
    periode,
    periodetype,
    {%- if suppressed %}
        case when not undertrykt then {{ vaerdi_value }} end as vaerdi,
        case when not undertrykt then {{ taeller_value }} end as taeller,
        case when not undertrykt then {{ naevner_value }} end as naevner,
        undertrykt
    {%- else %}
        {{ vaerdi_value }} as vaerdi,
        {{ taeller_value }} as taeller,
        {{ naevner_value }} as naevner,
        false as undertrykt
    {%- endif %}
{%- endmacro %}
