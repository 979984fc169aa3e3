{#- The rows of the newest extraction of a snapshot export (the staged model `model`): those with
    the greatest udtraeksdato, as a query for a CTE. Raw already keeps only the newest snapshot
    of each such source; the filter keeps that rule visible and safe in each model that needs
    it. -#}
{% macro newest_snapshot(model) -%}
    select snapshot_row.* from {{ ref(model) }} as snapshot_row
    where snapshot_row.udtraeksdato = (
        select max(newest.udtraeksdato) from {{ ref(model) }} as newest
    )
{%- endmacro %}
