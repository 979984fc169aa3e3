{#- A part of a date (year, quarter, month) as a BIGINT, what DuckDB's year() gives: EXTRACT
    gives a NUMERIC in PostgreSQL. -#}
{% macro integer_part(part, date) -%}
    cast(extract({{ part }} from {{ date }}) as bigint)
{%- endmacro %}
