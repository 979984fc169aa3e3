{#- The p-quantile of Student's t distribution with df degrees of freedom (df may be
    fractional). DuckDB: a function registered from scipy.stats by the dbt-duckdb plugin in
    dagster_project/lib/dbt_functions.py. Another adapter needs its own implementation. -#}
{% macro t_quantile(p, df) -%}
    {{ return(adapter.dispatch('t_quantile', 'maalbar')(p, df)) }}
{%- endmacro %}

{% macro duckdb__t_quantile(p, df) -%}
    maalbar_t_kvantil(cast({{ p }} as double), cast({{ df }} as double))
{%- endmacro %}
