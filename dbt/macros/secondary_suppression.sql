{#-
    The deepest node depth (root = 0) the secondary suppression handles; the sweep below is
    unrolled up to it. assert_organisation_within_the_suppression_sweep fails the build when
    the organisation is deeper.
-#}
{% macro max_org_depth() -%}
    {{ return(var('maalbar_max_org_depth', 12) | int(12)) }}
{%- endmacro %}


{#-
    Secondary suppression (docs/kpis.md, Suppression), one mechanism for every suppressed KPI.
    Returns a query with one row per cell of `cells`, the name of a CTE of the calling model
    with these columns:
      - key_columns: what an equation is per besides the node: the period, and the KPI where
        the KPIs of a family do not share their cells;
      - omkostningssted;
      - naevner: the denominator that decides which sibling is hidden (> 0);
      - primaer_undertrykt: the cell's own small-group rule;
      - egne_raekker_skjult: the node's own rows (those on its own cost centre, closure
        distance 0) exist and hold fewer than 5 persons. They are never published on their
        own, so then they are a hidden part of the node's equation; with 5 or more they are a
        shown part that cannot be hidden.
    and any other columns, which are passed through. Added: overordnet, dybde,
    sekundaer_undertrykt, undertrykt and sekundaer_ligning (the parent whose equation hid
    the cell).

    A parent P's figures are the sum of its parts: each child with a cell, plus P's own rows.
    An equation (P shown, key) is broken when exactly one part is hidden: then the shown
    child with the smallest naevner is hidden (ties: lowest omkostningssted), or P itself when
    no child is shown. One sweep bottom-up by the parent's depth is exact: hiding a child only
    relaxes that child's own equation, one level deeper and already settled, and hiding P
    only touches the equation of P's parent, the next level up. Each period is on its own.
-#}
{% macro secondary_suppression(cells, key_columns) %}
    {%- set depth = max_org_depth() %}
    {%- if depth < 1 %}
        {{ exceptions.raise_compiler_error('maalbar_max_org_depth must be at least 1') }}
    {%- endif %}
    with

    tree as (
        select
            omkostningssted,
            max(ancestor_omkostningssted) filter (where afstand = 1) as overordnet,
            max(afstand) as dybde
        from {{ ref('int_cost_centre_ancestors_expanded') }}
        group by omkostningssted
    ),

    placed as {{ cte_materialized() }} (
        select
            cells.*,
            tree.overordnet,
            tree.dybde
        from {{ cells }} as cells
        inner join tree
            on cells.omkostningssted = tree.omkostningssted
    ),

    {%- for level in range(depth - 1, -1, -1) %}
        {%- set deepest = level + 1 == depth %}

        -- Level {{ level }}: the children at depth {{ level + 1 }} as the deeper levels left them.
        children_{{ level }} as {{ cte_materialized() }} (
            select
                {%- for column in key_columns %}
                    placed.{{ column }},
                {%- endfor %}
                placed.omkostningssted,
                placed.overordnet,
                placed.naevner,
                placed.primaer_undertrykt
                {%- if not deepest %} or hidden_parents_{{ level + 1 }}.omkostningssted is not null{% endif %}
                as skjult
            from placed
            {%- if not deepest %}
                left join hidden_parents_{{ level + 1 }}
                    on
                        placed.omkostningssted = hidden_parents_{{ level + 1 }}.omkostningssted
                        {%- for column in key_columns %}
                            and placed.{{ column }} = hidden_parents_{{ level + 1 }}.{{ column }}
                        {%- endfor %}
            {%- endif %}
            where placed.dybde = {{ level + 1 }}
        ),

        -- The broken equations of the shown parents at depth {{ level }}.
        broken_{{ level }} as {{ cte_materialized() }} (
            select
                {%- for column in key_columns %}
                    parents.{{ column }},
                {%- endfor %}
                parents.omkostningssted,
                count(children.omkostningssted) filter (where not children.skjult) as viste_boern
            from placed as parents
            left join children_{{ level }} as children
                on
                    parents.omkostningssted = children.overordnet
                    {%- for column in key_columns %}
                        and parents.{{ column }} = children.{{ column }}
                    {%- endfor %}
            where parents.dybde = {{ level }} and not parents.primaer_undertrykt
            group by
                {%- for column in key_columns %}
                    parents.{{ column }},
                {%- endfor %}
                parents.omkostningssted,
                parents.egne_raekker_skjult
            having
                count(children.omkostningssted) filter (where children.skjult)
                + case when parents.egne_raekker_skjult then 1 else 0 end
                = 1
        ),

        candidates_{{ level }} as (
            select
                {%- for column in key_columns %}
                    children.{{ column }},
                {%- endfor %}
                children.omkostningssted,
                broken.omkostningssted as ligning,
                row_number() over (
                    partition by
                        {%- for column in key_columns %}
                            children.{{ column }},
                        {%- endfor %}
                        children.overordnet
                    order by children.naevner, children.omkostningssted
                ) as raekkefoelge
            from children_{{ level }} as children
            inner join broken_{{ level }} as broken
                on
                    children.overordnet = broken.omkostningssted
                    {%- for column in key_columns %}
                        and children.{{ column }} = broken.{{ column }}
                    {%- endfor %}
            where not children.skjult
        ),

        hidden_children_{{ level }} as (
            select
                {%- for column in key_columns %}
                    {{ column }},
                {%- endfor %}
                omkostningssted,
                ligning
            from candidates_{{ level }}
            where raekkefoelge = 1
        ),

        hidden_parents_{{ level }} as {{ cte_materialized() }} (
            select
                {%- for column in key_columns %}
                    {{ column }},
                {%- endfor %}
                omkostningssted,
                omkostningssted as ligning
            from broken_{{ level }}
            where viste_boern = 0
        ),
    {%- endfor %}

    secondary as (
        {%- for level in range(depth - 1, -1, -1) %}
            select * from hidden_children_{{ level }}
            union all
            select * from hidden_parents_{{ level }}
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    )

    select
        placed.*,
        secondary.omkostningssted is not null as sekundaer_undertrykt,
        placed.primaer_undertrykt or secondary.omkostningssted is not null as undertrykt,
        secondary.ligning as sekundaer_ligning
    from placed
    left join secondary
        on
            placed.omkostningssted = secondary.omkostningssted
            {%- for column in key_columns %}
                and placed.{{ column }} = secondary.{{ column }}
            {%- endfor %}
{% endmacro %}
