-- VIRKLIS, the unit leaders' level: every cost centre's own economy, sick leave, staff and
-- turnover, and feedback figures, each period, beside its parent's and the municipality's
-- value for the same KPI and period. The KPI lists name what a unit leader sees; a KPI not
-- computed yet simply has no rows.
with

organisation as (
    select * from {{ ref('dim_organisation') }}
),

kpis as (
    select * from {{ ref('dim_kpi') }}
),

topics as (
    select
        listed.emne,
        listed.kpi_id
    from (
        values
        ('oekonomi', 'forbrug_drift'),
        ('oekonomi', 'korrigeret_budget_drift'),
        ('oekonomi', 'forbrugsprocent_drift'),
        ('oekonomi', 'forbrugsprocent_anlaeg'),
        ('oekonomi', 'enhedsomkostning'),
        ('sygefravaer', 'sygefravaer_pct'),
        ('sygefravaer', 'korttidssygefravaer_pct'),
        ('sygefravaer', 'langtidssygefravaer_pct'),
        ('sygefravaer', 'sygefravaer_dage_pr_aarsvaerk'),
        ('personale', 'aarsvaerk'),
        ('personale', 'medarbejdere'),
        ('personale', 'personaleomsaetning_afgang_pct'),
        ('personale', 'personaleomsaetning_tilgang_pct'),
        ('feedback', 'svarprocent'),
        ('feedback', 'forslag_indsendt'),
        ('feedback', 'forslag_gennemfoert_pct')
    ) as listed (emne, kpi_id)
    -- The well-being themes are whatever the survey asks about.
    union all
    select
        'feedback' as emne,
        kpi_id
    from kpis
    where left(kpi_id, 8) = 'trivsel_'
),

unit_values as (
    select
        kpi_values.*,
        topics.emne
    from {{ ref('kpi_values') }} as kpi_values
    inner join topics
        on kpi_values.kpi_id = topics.kpi_id
),

latest_periods as (
    select
        kpi_id,
        periodetype,
        max(periode) as periode
    from unit_values
    group by kpi_id, periodetype
),

root as (
    select omkostningssted from organisation
    where er_rod
)

select
    unit.omkostningssted,
    unit.navn,
    unit.niveau,
    unit.fagudvalg,
    unit.overordnet,
    parent.navn as overordnet_navn,
    unit_values.emne,
    unit_values.kpi_id,
    kpis.navn as kpi_navn,
    kpis.enhed,
    kpis.retning,
    unit_values.periodetype,
    unit_values.periode,
    unit_values.periode = latest_periods.periode as er_seneste,
    unit_values.vaerdi,
    unit_values.undertrykt,
    parent_value.vaerdi as overordnet_vaerdi,
    root_value.vaerdi as kommune_vaerdi,
    unit_values.periode_start
from unit_values
inner join organisation as unit
    on unit_values.omkostningssted = unit.omkostningssted
cross join root
left join organisation as parent
    on unit.overordnet = parent.omkostningssted
left join kpis
    on unit_values.kpi_id = kpis.kpi_id
left join latest_periods
    on
        unit_values.kpi_id = latest_periods.kpi_id
        and unit_values.periodetype = latest_periods.periodetype
left join unit_values as parent_value
    on
        unit.overordnet = parent_value.omkostningssted
        and unit_values.kpi_id = parent_value.kpi_id
        and unit_values.periode = parent_value.periode
left join unit_values as root_value
    on
        root.omkostningssted = root_value.omkostningssted
        and unit_values.kpi_id = root_value.kpi_id
        and unit_values.periode = root_value.periode
