{#- STRALIS's rows (docs/published.md): the areas and the municipality of `organisation`
    (dim_organisation), as a query for a CTE. Areas are the nodes the export calls omraade;
    without a niveau, the root's children. -#}
{% macro stralis_areas(organisation) -%}
    select
        omkostningssted,
        navn,
        coalesce(
            niveau,
            case when er_rod then 'kommune' when dybde = 1 then 'omraade' end
        ) as niveau,
        fagudvalg,
        er_rod
    from {{ organisation }}
    where er_rod or coalesce(niveau, case when dybde = 1 then 'omraade' end) = 'omraade'
{%- endmacro %}
