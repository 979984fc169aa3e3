{#- A delimited text as an array, for unnest(): DuckDB's string_split, PostgreSQL's
    string_to_array. -#}
{% macro split_to_array(text, delimiter) -%}
    {{ return(adapter.dispatch('split_to_array')(text, delimiter)) }}
{%- endmacro %}

{% macro default__split_to_array(text, delimiter) -%}
    string_to_array({{ text }}, {{ delimiter }})
{%- endmacro %}

{% macro duckdb__split_to_array(text, delimiter) -%}
    string_split({{ text }}, {{ delimiter }})
{%- endmacro %}

{#- Spark's split takes a regular expression: the delimiter is quoted (\Q...\E). -#}
{% macro spark__split_to_array(text, delimiter) -%}
    split({{ text }}, concat('\Q', {{ delimiter }}, '\E'))
{%- endmacro %}
