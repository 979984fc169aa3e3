{#- A primary-key check over several columns, written here because the project installs
    no dbt packages (so dbt_utils' version of it is not available). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns_csv = combination_of_columns | join(', ') %}
    select
        {{ columns_csv }},
        count(*) as antal_raekker
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
{% endtest %}
