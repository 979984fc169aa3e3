{#- In a data test's filter: stops the query with message on DuckDB, where the pipeline names
    a failing node by its error message; elsewhere NULL, and the test fails by the rows it
    returns (which carry the same words). -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    cast(null as {{ text_type() }})
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{#- Spark SQL's raise_error() stops the query with the message, as DuckDB's error() does;
    a NULL message (nothing offending) raises nothing. -#}
{% macro spark__raise_error(message) -%}
    case when {{ message }} is not null then raise_error({{ message }}) end
{%- endmacro %}
