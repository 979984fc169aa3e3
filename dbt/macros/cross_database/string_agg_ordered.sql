{#- The group's values joined by delimiter in the order of order_by (an ORDER BY list):
    string_agg(... order by ...) in DuckDB and PostgreSQL, listagg(...) within group in
    Spark. distinct=true joins each value once (order_by must then be the value). -#}
{% macro string_agg_ordered(value, delimiter, order_by, distinct=false) -%}
    {{ return(adapter.dispatch('string_agg_ordered')(value, delimiter, order_by, distinct)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(value, delimiter, order_by, distinct) -%}
    string_agg({% if distinct %}distinct {% endif %}{{ value }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{#- Spark: listagg within group; with distinct, the set of values sorted (listagg(distinct)
    within group fails in Spark 4.3's planner), so order_by must then be the value itself. -#}
{% macro spark__string_agg_ordered(value, delimiter, order_by, distinct) -%}
    {%- if distinct -%}
        array_join(array_sort(collect_set({{ value }})), {{ delimiter }})
    {%- else -%}
        listagg({{ value }}, {{ delimiter }}) within group (order by {{ order_by }})
    {%- endif -%}
{%- endmacro %}
