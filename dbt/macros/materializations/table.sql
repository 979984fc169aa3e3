{#- Tables on DuckDB: see replace_in_one_transaction.sql. Contracts are enforced by
    dbt-duckdb's create_table_as, as before. -#}
{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
  {%- set target_relation = this.incorporate(type="table") -%}
  {{ return(replace_in_one_transaction(
    target_relation, create_table_as(False, target_relation, compiled_code)
  )) }}
{% endmaterialization %}
