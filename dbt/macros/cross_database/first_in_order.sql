{#- The value of the first row in order_by (an ORDER BY list; say NULLS LAST with a DESC key,
    where PostgreSQL puts NULLs first) among the group's rows where condition holds (all rows
    without one). DuckDB has the aggregate; other engines take the first element of the
    ordered array. -#}
{% macro first_in_order(value, order_by, condition=none) -%}
    {{ return(adapter.dispatch('first_in_order')(value, order_by, condition)) }}
{%- endmacro %}

{% macro default__first_in_order(value, order_by, condition) -%}
    (array_agg({{ value }} order by {{ order_by }})
    {%- if condition is not none %} filter (where {{ condition }}){% endif %})[1]
{%- endmacro %}

{% macro duckdb__first_in_order(value, order_by, condition) -%}
    first({{ value }} order by {{ order_by }})
    {%- if condition is not none %} filter (where {{ condition }}){% endif %}
{%- endmacro %}
