-- forslag_indsendt (suggestions submitted in the period) and forslag_gennemfoert_pct
-- (100 · carried out / decided, by afgjort in the period) per node and suggestions period.
-- A row only where the count resp. the number decided is above 0. Dates after the horizon
-- lie in no period.
with

suggestions as (
    select
        omkostningssted,
        {{ month_text('indsendt') }} as indsendt_maaned,
        {{ month_text('afgjort') }} as afgjort_maaned,
        status
    from {{ ref('stg_feedback__forslag') }}
),

closure as (
    select * from {{ ref('int_cost_centre_ancestors_expanded') }}
),

periods as (
    select * from {{ ref('int_forslag_periods_spined') }}
),

submitted as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        count(*) as antal_indsendt
    from periods
    inner join suggestions
        on suggestions.indsendt_maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on suggestions.omkostningssted = closure.omkostningssted
    group by closure.ancestor_omkostningssted, periods.periode, periods.periodetype
),

-- Only a decision with a date counts; a status without afgjort is still open here.
decided as (
    select
        closure.ancestor_omkostningssted as omkostningssted,
        periods.periode,
        periods.periodetype,
        count(*) filter (where suggestions.status = 'gennemfoert') as antal_gennemfoert,
        count(*) as antal_afgjort
    from periods
    inner join suggestions
        on suggestions.afgjort_maaned between periods.fra_maaned and periods.til_maaned
    inner join closure
        on suggestions.omkostningssted = closure.omkostningssted
    where suggestions.status in ('gennemfoert', 'afvist')
    group by closure.ancestor_omkostningssted, periods.periode, periods.periodetype
)

select
    'forslag_indsendt' as kpi_id,
    {{ kpi_row_tail('antal_indsendt') }}
from submitted

union all

select
    'forslag_gennemfoert_pct' as kpi_id,
    {{ kpi_row_tail('antal_gennemfoert', 'antal_afgjort', percent=true) }}
from decided
