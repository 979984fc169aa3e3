{#-
  The table materialization for DuckDB, in one transaction: the old relation dropped and
  the new one created under its final name, then one commit.

  dbt-duckdb's own materialization builds the table under a temporary name, renames the
  old one to a backup, renames the new one into place and drops the backup, and asks
  DuckDB's catalog about indexes and foreign keys on the way: some 10 statements and a
  dozen macro calls a model. DuckDB's DDL is transactional, so the drop and the create are
  one atomic change here too: a query that fails, or a contract or constraint it breaks,
  rolls the transaction back and leaves the previous table as it was. No other connection
  can see the warehouse while dbt writes it (readers get the publication, a separate file).
  The warehouse has no foreign keys, indexes, grants or persisted comments (the publication
  gets its comments from the manifest), so none of them is handled here.
-#}
{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type="table") -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- One statement, so one transaction: dbt begins it for "main" (a drop of its own
      would run outside any transaction, committed before the create). -#}
  {% call statement("main") -%}
    {% if existing_relation is not none -%}
      drop {{ existing_relation.type }} if exists {{ existing_relation }};
    {%- endif %}
    {{ create_table_as(False, target_relation, compiled_code) }}
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}
