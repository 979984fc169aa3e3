{{ config(meta={'dagster': {'ref': {'name': 'kpi_values'}}}) }}

-- docs/kpis.md, Suppression: a hidden figure must not be recoverable by subtraction from what is
-- shown for the same KPI and period. Checked on what is published, for every suppressed KPI:
-- a shown parent's parts are its child rows and its own rows (on its own cost centre, never
-- published on their own, and so hidden when they hold 1 to 4 persons or respondents). A
-- shown parent with exactly one hidden part gives that part away. One row per such parent.
-- A period frozen by the retention period (docs/privacy.md) passed when it was published; its
-- own rows are no longer computed, so it is not checked again.
with

frozen as (
    select distinct
        kpi_id,
        periode
    from {{ source('meta', 'frozen_kpi_values') }}
),

published as (
    select
        kpi_id,
        omkostningssted,
        periode,
        undertrykt
    from {{ ref('kpi_values') }}
    where
        kpi_id in (
            'sygefravaer_pct',
            'korttidssygefravaer_pct',
            'langtidssygefravaer_pct',
            'sygefravaer_dage_pr_aarsvaerk',
            'personaleomsaetning_afgang_pct',
            'personaleomsaetning_tilgang_pct'
        )
        or left(kpi_id, 8) = 'trivsel_'
),

unfrozen as (
    select published.*
    from published
    where
        not exists (
            select 1
            from frozen
            where frozen.kpi_id = published.kpi_id and frozen.periode = published.periode
        )
),

organisation as (
    select
        omkostningssted,
        overordnet
    from {{ ref('dim_organisation') }}
),

sickness_kpis as (
    select kpis.kpi_id
    from (
        values
        ('sygefravaer_pct'),
        ('korttidssygefravaer_pct'),
        ('langtidssygefravaer_pct'),
        ('sygefravaer_dage_pr_aarsvaerk')
    ) as kpis (kpi_id)
),

turnover_kpis as (
    select kpis.kpi_id
    from (values ('personaleomsaetning_afgang_pct'), ('personaleomsaetning_tilgang_pct')) as kpis (kpi_id)
),

-- The own rows of a node that has some, and whether they are a hidden part.
own_rows as (
    select
        sickness_kpis.kpi_id,
        workdays.omkostningssted,
        workdays.periode,
        workdays.antal_personer_direkte < 5 as skjult
    from {{ ref('int_workdays_aggregated_by_node_period') }} as workdays
    cross join sickness_kpis
    where workdays.mulige_dagsvaerk_direkte > 0

    union all

    select
        turnover_kpis.kpi_id,
        persons.omkostningssted,
        persons.periode,
        persons.antal_personer_start_direkte < 5 as skjult
    from {{ ref('int_persons_counted_at_window_ends') }} as persons
    cross join turnover_kpis
    where persons.antal_personer_start_direkte > 0

    union all

    select
        kpi_id,
        omkostningssted,
        periode,
        antal_respondenter_direkte < 5 as skjult
    from {{ ref('int_trivsel_aggregated_by_node_period') }}
    where antal_respondenter_direkte > 0
),

hidden_children as (
    select
        children.kpi_id,
        organisation.overordnet as omkostningssted,
        children.periode,
        count(*) as antal
    from unfrozen as children
    inner join organisation
        on children.omkostningssted = organisation.omkostningssted
    where children.undertrykt and organisation.overordnet is not null
    group by children.kpi_id, organisation.overordnet, children.periode
),

shown_parents as (
    select
        parents.kpi_id,
        parents.omkostningssted,
        parents.periode,
        coalesce(hidden_children.antal, 0) as skjulte_underenheder,
        coalesce(own_rows.skjult, false) as egne_raekker_skjult
    from unfrozen as parents
    left join hidden_children
        on
            parents.kpi_id = hidden_children.kpi_id
            and parents.omkostningssted = hidden_children.omkostningssted
            and parents.periode = hidden_children.periode
    left join own_rows
        on
            parents.kpi_id = own_rows.kpi_id
            and parents.omkostningssted = own_rows.omkostningssted
            and parents.periode = own_rows.periode
    where not parents.undertrykt
)

select
    kpi_id,
    omkostningssted,
    periode,
    skjulte_underenheder,
    egne_raekker_skjult
from shown_parents
where skjulte_underenheder + case when egne_raekker_skjult then 1 else 0 end = 1
