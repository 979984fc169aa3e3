-- Primary and secondary suppression of trivsel_<tema> (docs/feedback.md, Suppression).
-- Primary: fewer than 5 respondents. Secondary: taeller and naevner are sums, so a hidden
-- cell must not be recoverable by subtraction in any of the equations that tie the cells
-- (int_trivsel_equation_terms_listed). The rows on a parent itself are never published on
-- their own, so they always count as a hidden term. An equation is broken when
--   (a) exactly one term is hidden and it is a cell (it equals total − the others), or
--   (b) its total is shown and the hidden parts hold 1 to 4 respondents together
--       (subtraction would show that small group's scores).
-- A broken equation hides its shown part with the fewest respondents, or its total when
-- no part is shown. Hiding one cell can break another equation, so this runs in passes;
-- assert_trivsel_suppressed_cells_not_recoverable_by_subtraction fails the build if the
-- passes below were not enough.
{%- set passes = 10 %}

with

cells as (
    select
        kpi_id,
        omkostningssted,
        periode,
        periodetype,
        antal_respondenter,
        antal_respondenter < 5 as primaer_undertrykt
    from {{ ref('int_trivsel_aggregated_by_node_period') }}
),

equation_terms as (
    select * from {{ ref('int_trivsel_equation_terms_listed') }}
),

hidden_0 as (
    select
        kpi_id,
        omkostningssted,
        periode,
        0 as omgang
    from cells
    where primaer_undertrykt
),

{% for pass in range(1, passes + 1) %}
    terms_{{ pass }} as (
        select
            terms.*,
            not terms.er_celle or hidden.kpi_id is not null as skjult
        from equation_terms as terms
        left join hidden_{{ pass - 1 }} as hidden
            on
                terms.kpi_id = hidden.kpi_id
                and terms.omkostningssted = hidden.omkostningssted
                and terms.periode = hidden.periode
    ),

    broken_{{ pass }} as (
        select
            ligning,
            kpi_id,
            ligning_omkostningssted,
            ligning_periode
        from terms_{{ pass }}
        group by ligning, kpi_id, ligning_omkostningssted, ligning_periode
        having
            (count(*) filter (where skjult) = 1 and count(*) filter (where skjult and er_celle) = 1)
            or (
                not bool_or(skjult and rolle = 'total')
                and coalesce(sum(antal_respondenter) filter (where skjult and rolle = 'del'), 0) between 1 and 4
            )
    ),

    chosen_{{ pass }} as (
        select distinct
            terms.kpi_id,
            terms.omkostningssted,
            terms.periode
        from terms_{{ pass }} as terms
        inner join broken_{{ pass }} as broken
            on
                terms.ligning = broken.ligning
                and terms.kpi_id = broken.kpi_id
                and terms.ligning_omkostningssted = broken.ligning_omkostningssted
                and terms.ligning_periode = broken.ligning_periode
        where not terms.skjult
        qualify row_number() over (
            partition by terms.ligning, terms.kpi_id, terms.ligning_omkostningssted, terms.ligning_periode
            order by terms.rolle = 'total', terms.antal_respondenter, terms.omkostningssted, terms.periode
        ) = 1
    ),

    hidden_{{ pass }} as materialized (
        select * from hidden_{{ pass - 1 }}
        union all
        select
            kpi_id,
            omkostningssted,
            periode,
            {{ pass }} as omgang
        from chosen_{{ pass }}
    ),
{% endfor %}

final as (
    select
        cells.kpi_id,
        cells.omkostningssted,
        cells.periode,
        cells.periodetype,
        cells.antal_respondenter,
        cells.primaer_undertrykt,
        hidden.kpi_id is not null and not cells.primaer_undertrykt as sekundaer_undertrykt,
        hidden.kpi_id is not null as undertrykt,
        hidden.omgang as undertrykt_i_omgang
    from cells
    left join hidden_{{ passes }} as hidden
        on
            cells.kpi_id = hidden.kpi_id
            and cells.omkostningssted = hidden.omkostningssted
            and cells.periode = hidden.periode
)

select * from final
