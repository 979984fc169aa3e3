-- Every equation that ties the trivsel cells of a theme, one row per term:
--   organisation: a parent = Σ its children's cells + the rows on the parent itself,
--   time:         a node's year = Σ its round months in that year.
-- taeller and naevner add up along both, so a reader can subtract published cells; the
-- secondary suppression (int_trivsel_cells_suppressed) and its check read these equations.
with

cells as (
    select * from {{ ref('int_trivsel_aggregated_by_node_period') }}
),

parents_with_child_cells as (
    select distinct
        kpi_id,
        overordnet as omkostningssted,
        periode
    from cells
    where overordnet is not null
),

-- One row per term of every equation: the equation's key (kind, theme, node, period), the
-- term's role and the cell it stands for (a parent's own rows stand for no cell).
terms as (
    select
        'organisation' as ligning,
        cells.kpi_id,
        cells.omkostningssted as ligning_omkostningssted,
        cells.periode as ligning_periode,
        'total' as rolle,
        true as er_celle,
        cells.omkostningssted,
        cells.periode,
        cells.antal_respondenter
    from cells
    inner join parents_with_child_cells as parents
        on
            cells.kpi_id = parents.kpi_id
            and cells.omkostningssted = parents.omkostningssted
            and cells.periode = parents.periode

    union all

    select
        'organisation' as ligning,
        kpi_id,
        overordnet as ligning_omkostningssted,
        periode as ligning_periode,
        'del' as rolle,
        true as er_celle,
        omkostningssted,
        periode,
        antal_respondenter
    from cells
    where overordnet is not null

    union all

    select
        'organisation' as ligning,
        cells.kpi_id,
        cells.omkostningssted as ligning_omkostningssted,
        cells.periode as ligning_periode,
        'del' as rolle,
        false as er_celle,
        cells.omkostningssted,
        cells.periode,
        cells.antal_respondenter_direkte as antal_respondenter
    from cells
    inner join parents_with_child_cells as parents
        on
            cells.kpi_id = parents.kpi_id
            and cells.omkostningssted = parents.omkostningssted
            and cells.periode = parents.periode
    where cells.antal_respondenter_direkte > 0

    union all

    select
        'tid' as ligning,
        kpi_id,
        omkostningssted as ligning_omkostningssted,
        cast(aar as varchar) as ligning_periode,
        case when periodetype = 'aar' then 'total' else 'del' end as rolle,
        true as er_celle,
        omkostningssted,
        periode,
        antal_respondenter
    from cells
),

-- Only equations that have a total; a parent or year cell exists wherever its parts do.
equations_with_total as (
    select distinct
        ligning,
        kpi_id,
        ligning_omkostningssted,
        ligning_periode
    from terms
    where rolle = 'total'
),

equation_terms as (
    select terms.*
    from terms
    inner join equations_with_total as equations
        on
            terms.ligning = equations.ligning
            and terms.kpi_id = equations.kpi_id
            and terms.ligning_omkostningssted = equations.ligning_omkostningssted
            and terms.ligning_periode = equations.ligning_periode
)

select
    ligning,
    kpi_id,
    ligning_omkostningssted,
    ligning_periode,
    rolle,
    er_celle,
    omkostningssted,
    periode,
    antal_respondenter
from equation_terms
