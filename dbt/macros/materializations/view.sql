{#- Views on DuckDB: see replace_in_one_transaction.sql. -#}
{% materialization view, adapter="duckdb" %}
  {%- set target_relation = this.incorporate(type="view") -%}
  {{ return(replace_in_one_transaction(
    target_relation, get_create_view_as_sql(target_relation, sql)
  )) }}
{% endmaterialization %}
