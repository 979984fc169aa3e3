{#- The days or months from start_date to end_date (both included), as a set-returning call
    for a FROM clause (`cross join lateral {{ date_series(...) }} as series (dato)`); each
    value is a TIMESTAMP at midnight, to be cast to DATE. DuckDB and PostgreSQL have
    generate_series over timestamps (on dates PostgreSQL would choose its variant with a time
    zone); Spark explodes a sequence. -#}
{% macro date_series(start_date, end_date, step) -%}
    {{ return(adapter.dispatch('date_series')(start_date, end_date, step)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date, step) -%}
    generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 {{ step }}')
{%- endmacro %}

{% macro spark__date_series(start_date, end_date, step) -%}
    explode(sequence(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 {{ step }}))
{%- endmacro %}
