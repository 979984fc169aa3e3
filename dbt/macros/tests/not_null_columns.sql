{#- The NOT NULL rules of a model's columns in one data test: one scan of the model instead
    of one per column, and one dbt node instead of several (dbt spends some 100 ms of its own
    per node besides the SQL; bench/README.md). A failing column is named with the number of
    rows where it is empty. A model with an enforced contract states its NOT NULLs as
    constraints instead, which DuckDB checks while the table is written. The counts are turned
    into rows by `lateral_rows` (a lateral VALUES list, or Spark's stack). -#}
{% test not_null_columns(model, columns) %}
    select nulls_by_column.column_name, nulls_by_column.antal_raekker
    from (
        select
        {%- for column in columns %}
            count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote(column) }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        from {{ model }}
    ) as nulls
    {%- set rows = [] %}
    {%- for column in columns %}
        {%- do rows.append(["'" ~ column ~ "'", "nulls." ~ adapter.quote(column)]) %}
    {%- endfor %}
    {{ lateral_rows(rows, 'nulls_by_column', ['column_name', 'antal_raekker']) }}
    where nulls_by_column.antal_raekker > 0
{% endtest %}
