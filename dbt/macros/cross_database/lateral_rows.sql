{#- A join to one row per entry of rows (a list of lists of SQL expressions, which may name
    columns of the relation before it), as alias with columns names: a lateral VALUES list in
    DuckDB and PostgreSQL; Spark evaluates no outer column in VALUES, and stacks them. -#}
{% macro lateral_rows(rows, alias, names) -%}
    {{ return(adapter.dispatch('lateral_rows')(rows, alias, names)) }}
{%- endmacro %}

{% macro default__lateral_rows(rows, alias, names) -%}
    cross join lateral (values
        {%- for row in rows %}
        ({{ row | join(', ') }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as {{ alias }} ({{ names | join(', ') }})
{%- endmacro %}

{% macro spark__lateral_rows(rows, alias, names) -%}
    cross join lateral stack({{ rows | length }}
        {%- for row in rows %}, {{ row | join(', ') }}{% endfor %}
    ) as {{ alias }} ({{ names | join(', ') }})
{%- endmacro %}
