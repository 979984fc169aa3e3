{#- In a data test's filter: stops the query with message on DuckDB, where the pipeline names
    a failing node by its error message; elsewhere NULL, and the test fails by the rows it
    returns (which carry the same words). -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    cast(null as varchar)
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}
