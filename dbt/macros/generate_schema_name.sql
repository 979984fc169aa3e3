{#- The warehouse has fixed schemas (raw, staging, intermediate, marts) that the
    pipeline and BI tools address by name, so a custom schema is used as-is
    instead of dbt's default "<target>_<custom>". -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
