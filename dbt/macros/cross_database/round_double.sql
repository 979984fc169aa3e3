{#- A DOUBLE rounded to a number of decimal places: PostgreSQL rounds to decimal places only
    a NUMERIC. -#}
{% macro round_double(value, places) -%}
    {{ return(adapter.dispatch('round_double')(value, places)) }}
{%- endmacro %}

{% macro default__round_double(value, places) -%}
    round(cast({{ value }} as numeric), {{ places }})
{%- endmacro %}

{% macro duckdb__round_double(value, places) -%}
    round({{ value }}, {{ places }})
{%- endmacro %}

{#- Spark rounds a DOUBLE to places itself, halves away from zero as DuckDB; its NUMERIC
    would be DECIMAL(10, 0). -#}
{% macro spark__round_double(value, places) -%}
    round({{ value }}, {{ places }})
{%- endmacro %}
