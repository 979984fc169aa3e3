{#- One row per element of an array, in a SELECT list: unnest() in DuckDB and PostgreSQL,
    explode() in Spark. A generator stands alone in its select item (Spark takes no
    function around it): trim or cast its values in a query above. -#}
{% macro unnest_array(array) -%}
    {{ return(adapter.dispatch('unnest_array')(array)) }}
{%- endmacro %}

{% macro default__unnest_array(array) -%}
    unnest({{ array }})
{%- endmacro %}

{% macro spark__unnest_array(array) -%}
    explode({{ array }})
{%- endmacro %}
