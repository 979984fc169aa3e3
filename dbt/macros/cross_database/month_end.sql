{#- The last day of a date's month: dbt's cross-database last_day. -#}
{% macro month_end(date) -%}
    {{ dbt.last_day(date, 'month') }}
{%- endmacro %}
