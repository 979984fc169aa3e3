{#-
  The view materialization for DuckDB, in one transaction: the old relation dropped and
  the view created under its final name (see table.sql for why this is safe on DuckDB).
-#}
{% materialization view, adapter="duckdb" %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type="view") -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- One statement, so one transaction: dbt begins it for "main" (a drop of its own
      would run outside any transaction, committed before the create). -#}
  {% call statement("main") -%}
    {% if existing_relation is not none -%}
      drop {{ existing_relation.type }} if exists {{ existing_relation }};
    {%- endif %}
    {{ get_create_view_as_sql(target_relation, sql) }}
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}
