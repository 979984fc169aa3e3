{#- The two types the models cast to whose names differ: text and a double. DuckDB and
    PostgreSQL read `varchar` and `double precision` (the contracts' spelling too); Spark
    reads neither (its VARCHAR needs a length), and names them string and double. -#}
{% macro text_type() -%}
    {{ return(adapter.dispatch('text_type')()) }}
{%- endmacro %}

{% macro default__text_type() -%}
    varchar
{%- endmacro %}

{% macro spark__text_type() -%}
    string
{%- endmacro %}

{% macro double_type() -%}
    {{ return(adapter.dispatch('double_type')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double precision
{%- endmacro %}

{% macro spark__double_type() -%}
    double
{%- endmacro %}

{#- dbt's own cast macro, which dbt uses to read the contracts' types (`data_type` in the
    models' YAML, written as DuckDB and PostgreSQL read them) and in unit tests: on Spark
    with those two types spelled as Spark reads them. -#}
{% macro spark__cast(field, type) -%}
    {%- set spelled = {'varchar': 'string', 'double precision': 'double'}.get(type.strip().lower(), type) -%}
    cast({{ field }} as {{ spelled }})
{%- endmacro %}
