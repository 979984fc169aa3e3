{#- The p-quantile of Student's t distribution with df degrees of freedom (df may be
    fractional), from scipy.stats on every engine: SQL has no t distribution, and a table or
    a hand-written approximation would be one more thing to get wrong.
    - DuckDB: a Python function registered on each connection dbt opens by the dbt-duckdb
      plugin dagster_project/lib/dbt_functions.py (profiles.yml, `plugins`).
    - PostgreSQL: a PL/Python function, created once per database before the first build by
      `dbt run-operation create_maalbar_functions --target postgres`; it needs the plpython3u
      extension and scipy in the server's Python (Debian: postgresql-plpython3-15,
      python3-scipy). -#}
{% macro t_quantile(p, df) -%}
    {{ return(adapter.dispatch('t_quantile')(p, df)) }}
{%- endmacro %}

{% macro default__t_quantile(p, df) -%}
    maalbar_t_kvantil(cast({{ p }} as {{ double_type() }}), cast({{ df }} as {{ double_type() }}))
{%- endmacro %}

{% macro duckdb__t_quantile(p, df) -%}
    maalbar_t_kvantil(cast({{ p }} as double), cast({{ df }} as double))
{%- endmacro %}

{% macro create_maalbar_functions() -%}
    {{ return(adapter.dispatch('create_maalbar_functions')()) }}
{%- endmacro %}

{% macro default__create_maalbar_functions() -%}
    {{ exceptions.raise_compiler_error("create_maalbar_functions: nothing to create on " ~ target.type) }}
{%- endmacro %}

{% macro postgres__create_maalbar_functions() -%}
    {% call statement('create_maalbar_functions') -%}
    create extension if not exists plpython3u;
    create or replace function maalbar_t_kvantil(p double precision, df double precision)
    returns double precision language plpython3u immutable as $$
if p is None or df is None or not df > 0:
    return None
from scipy.stats import t
return float(t.ppf(p, df))
$$;
    {%- endcall %}
    {% do adapter.commit() %}
{%- endmacro %}

{#- Spark: a Python UDF calling scipy, registered on the pipeline's SparkSession before dbt
    takes it (dagster_project/lib/spark.py, prepare_session). -#}
{% macro spark__t_quantile(p, df) -%}
    maalbar_t_kvantil(cast({{ p }} as double), cast({{ df }} as double))
{%- endmacro %}
