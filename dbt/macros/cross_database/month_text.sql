{#- A date's month as text `YYYY-MM`, the form of every monthly `periode`. -#}
{% macro month_text(date) -%}
    {{ return(adapter.dispatch('month_text')(date)) }}
{%- endmacro %}

{% macro default__month_text(date) -%}
    to_char({{ date }}, 'YYYY-MM')
{%- endmacro %}

{% macro duckdb__month_text(date) -%}
    strftime({{ date }}, '%Y-%m')
{%- endmacro %}

{% macro spark__month_text(date) -%}
    date_format({{ date }}, 'yyyy-MM')
{%- endmacro %}
