{#- A common table expression read several times, computed once: `as materialized (` in
    DuckDB and PostgreSQL; Spark takes no such hint (it plans a CTE read more than once as a
    shared one of its own accord): `{{ cte_materialized() }}` goes between `as` and `(`. -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
    materialized
{%- endmacro %}

{% macro spark__cte_materialized() -%}
{%- endmacro %}

{#- The number of days from start_date to end_date (dates): DuckDB and PostgreSQL subtract
    dates to an integer, Spark to an interval. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}
