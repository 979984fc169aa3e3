{{ config(meta={'dagster': {'ref': {'name': 'kpi_values_feedback'}}}) }}

-- docs/feedback.md, Suppression: in every equation that ties trivsel cells (a parent = its
-- children + the rows on the parent itself; a year = its rounds) no single hidden cell may be
-- left alone, and a shown total may not leave 1 to 4 respondents hidden. Checked on what is
-- published, so it also fails if int_trivsel_cells_suppressed ran out of passes. A row names
-- each broken equation.
with

terms as (
    select * from {{ ref('int_trivsel_equation_terms_listed') }}
),

published as (
    select
        kpi_id,
        omkostningssted,
        periode,
        undertrykt
    from {{ ref('kpi_values_feedback') }}
    where starts_with(kpi_id, 'trivsel_')
),

-- A parent's own rows are never published; a cell not published at all (a theme outside the
-- catalogue) is hidden too.
terms_shown as (
    select
        terms.*,
        terms.er_celle and coalesce(not published.undertrykt, false) as vist
    from terms
    left join published
        on
            terms.kpi_id = published.kpi_id
            and terms.omkostningssted = published.omkostningssted
            and terms.periode = published.periode
),

equations as (
    select
        ligning,
        kpi_id,
        ligning_omkostningssted,
        ligning_periode,
        count(*) filter (where not vist) as antal_skjulte,
        count(*) filter (where not vist and er_celle) as antal_skjulte_celler,
        bool_or(vist and rolle = 'total') as total_vist,
        coalesce(sum(antal_respondenter) filter (where not vist and rolle = 'del'), 0) as skjulte_respondenter
    from terms_shown
    group by ligning, kpi_id, ligning_omkostningssted, ligning_periode
)

select *
from equations
where
    (antal_skjulte = 1 and antal_skjulte_celler = 1)
    or (total_vist and skjulte_respondenter between 1 and 4)
