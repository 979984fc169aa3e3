{#- A column's value in a group where every row holds the same: dbt's cross-database any_value
    (DuckDB's any_value, PostgreSQL's min: PostgreSQL 15 has no any_value). -#}
{% macro same_in_group(column) -%}
    {{ dbt.any_value(column) }}
{%- endmacro %}
