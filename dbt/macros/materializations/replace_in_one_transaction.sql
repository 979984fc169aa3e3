{#-
  The body of the project's table and view materializations on DuckDB: the old relation
  dropped and the new one created under its final name in one statement, so in one
  transaction, then one commit.

  dbt-duckdb's own materializations build a relation under a temporary name, rename the
  old one to a backup, rename the new one into place and drop the backup, and (for tables)
  ask DuckDB's catalog about indexes and foreign keys on the way: some 10 statements and a
  dozen macro calls a model. DuckDB's DDL is transactional, so the drop and the create are
  one atomic change here too: a query that fails, or a contract or constraint it breaks,
  rolls the transaction back and leaves the previous relation as it was. No other
  connection can see the warehouse while dbt writes it (readers get the publication, a
  separate file). The warehouse has no foreign keys, indexes, grants or persisted comments
  (the publication gets its comments from the manifest), so none of them is handled here.

  create_sql: the rendered statement(s) creating target_relation.
-#}
{% macro replace_in_one_transaction(target_relation, create_sql) %}
  {%- set existing_relation = load_cached_relation(this) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- One statement, so one transaction: dbt begins it for "main" (a drop of its own
      would run outside any transaction, committed before the create). -#}
  {% call statement("main") -%}
    {% if existing_relation is not none -%}
      drop {{ existing_relation.type }} if exists {{ existing_relation }};
    {%- endif %}
    {{ create_sql }}
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({"relations": [target_relation]}) }}
{% endmacro %}
