{#- Incremental months on Spark (docs/scale.md). The monthly aggregates of the largest
    sources are `incremental` there, insert_overwrite partitioned by month: a run writes
    again only the months whose raw rows changed since the last Spark build, which the
    pipeline passes as the var maalbar_changed_partitions ({source: [values]}, or '*' for
    all; dagster_project/lib/spark.py, changed_partitions). DuckDB and PostgreSQL build the
    same models as whole tables, and both macros below render nothing there. A model uses
    them as:

        {{ config(
            materialized=by_month_materialization(),
            incremental_strategy='insert_overwrite',
            partition_by=['maaned'],
            pre_hook="{{ drop_changed_partitions('maaned', 'posteringer') }}",
        ) }}
        ... from postings {{ only_changed_partitions('regnskabsmaaned', 'posteringer') }}

    Each month of such a model is computed from that month's rows alone. -#}

{#- 'incremental' on Spark; a whole table on DuckDB and PostgreSQL. -#}
{% macro by_month_materialization() -%}
    {{ return('incremental' if target.type == 'spark' else 'table') }}
{%- endmacro %}

{%- macro _changed_partitions(source) -%}
    {{ return(var('maalbar_changed_partitions', {}).get(source, '*')) }}
{%- endmacro %}

{#- A WHERE clause keeping the changed values of `column` (the model's input) in an
    incremental build; nothing in a full one. -#}
{% macro only_changed_partitions(column, source) -%}
    {%- set changed = _changed_partitions(source) -%}
    {%- if is_incremental() and changed != '*' -%}
        where {{ column }} in (
            {%- for value in changed %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            {%- if not changed %}null{% endif -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of such a model: the changed months' partitions dropped before the insert,
    so that a month whose rows are gone (a withdrawn file) is gone from the model too; all of
    them when every month may have changed. -#}
{% macro drop_changed_partitions(partition, source) -%}
    {%- set changed = _changed_partitions(source) -%}
    {%- if is_incremental() -%}
        {%- if changed == '*' -%}
            truncate table {{ this }}
        {%- elif changed -%}
            alter table {{ this }} drop if exists
            {%- for value in changed %} partition ({{ partition }} = '{{ value | replace("'", "''") }}'){% if not loop.last %},{% endif %}{% endfor %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
