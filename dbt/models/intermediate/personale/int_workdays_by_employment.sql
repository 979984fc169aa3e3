-- Possible and sickness dagsværk per population employment and month (docs/kpis.md, Personale).
-- Possible dagsværk = g on each working day the employment is active. Expanding every
-- employment to its working days would be tens of millions of rows, so the working days
-- between two dates are counted with a running index over the calendar instead; only the
-- sickness days, which need the per-day cap, are expanded.
with

horizon as (
    select * from {{ ref('int_personale_horizon_determined') }}
),

months as (
    select * from {{ ref('int_personale_periods_spined') }}
    where periodetype = 'maaned'
),

employments as (
    select * from {{ ref('int_ansaettelser_filtered_to_population') }}
),

sickness as (
    select * from {{ ref('int_fravaer_filtered_to_sickness') }}
),

calendar as (
    select
        dato,
        maaned,
        er_arbejdsdag,
        -- Working days from the start of the calendar up to and including the date.
        count(*) filter (where er_arbejdsdag) over (
            order by dato rows between unbounded preceding and current row
        ) as arbejdsdage_til_og_med
    from {{ ref('stg_reference__kalender') }}
),

employment_months as (
    select
        employments.ansaettelsesnr,
        employments.person_nr,
        employments.omkostningssted,
        employments.beskaeftigelsesgrad,
        months.periode as maaned,
        months.aar,
        greatest(employments.startdato, months.fra_dato) as aktiv_fra,
        least(coalesce(employments.slutdato, months.til_dato), months.til_dato) as aktiv_til
    from employments
    inner join months
        on
            employments.startdato <= months.til_dato
            and (employments.slutdato is null or employments.slutdato >= months.fra_dato)
),

possible as (
    select
        employment_months.ansaettelsesnr,
        employment_months.person_nr,
        employment_months.omkostningssted,
        employment_months.beskaeftigelsesgrad,
        employment_months.maaned,
        employment_months.aar,
        last_day.arbejdsdage_til_og_med
        - first_day.arbejdsdage_til_og_med
        + case when first_day.er_arbejdsdag then 1 else 0 end as arbejdsdage
    from employment_months
    inner join calendar as first_day
        on employment_months.aktiv_fra = first_day.dato
    inner join calendar as last_day
        on employment_months.aktiv_til = last_day.dato
),

-- The part of each sickness spell on which its employment is active, within the periods.
spell_ranges as (
    select
        sickness.ansaettelsesnr,
        employments.beskaeftigelsesgrad,
        sickness.er_langtid,
        -- Dagsværk asked for by the spell on each day: hours / 7.4, a whole day being g.
        {{ exact_dagsvaerk('coalesce(sickness.timer_pr_dag / 7.4, employments.beskaeftigelsesgrad)') }}
            as dagsvaerk,
        greatest(sickness.fra_dato, employments.startdato, horizon.foerste_dato) as fra_dato,
        least(
            sickness.daekket_til_dato,
            coalesce(employments.slutdato, horizon.horisont_dato),
            horizon.horisont_dato
        ) as til_dato
    from sickness
    inner join employments
        on sickness.ansaettelsesnr = employments.ansaettelsesnr
    cross join horizon
),

spell_days as (
    select
        spell_ranges.ansaettelsesnr,
        calendar.dato,
        calendar.maaned,
        spell_ranges.beskaeftigelsesgrad,
        spell_ranges.er_langtid,
        spell_ranges.dagsvaerk
    from spell_ranges
    inner join calendar
        on calendar.dato between spell_ranges.fra_dato and spell_ranges.til_dato
    where calendar.er_arbejdsdag
),

sick_days as (
    select
        ansaettelsesnr,
        dato,
        maaned,
        {{ same_in_group('beskaeftigelsesgrad') }} as beskaeftigelsesgrad,
        coalesce(sum(dagsvaerk) filter (where not er_langtid), 0) as korttid_oensket,
        coalesce(sum(dagsvaerk) filter (where er_langtid), 0) as langtid_oensket
    from spell_days
    group by ansaettelsesnr, dato, maaned
),

sick_days_capped as (
    select
        ansaettelsesnr,
        maaned,
        -- min(7.4 · g, Σ hours) / 7.4 = min(g, Σ hours / 7.4).
        least(beskaeftigelsesgrad, korttid_oensket + langtid_oensket) as sygefravaer_dagsvaerk,
        korttid_oensket,
        langtid_oensket
    from sick_days
),

sick_days_split as (
    select
        ansaettelsesnr,
        maaned,
        sygefravaer_dagsvaerk,
        -- A day asked for by short spells only (or long only) is wholly short (long). When
        -- overlapping short and long spells hit the cap, the capped day is shared in
        -- proportion to what each asked for, so short + long is always the day's total.
        case
            when langtid_oensket = 0 then sygefravaer_dagsvaerk
            when korttid_oensket = 0 then 0
            else sygefravaer_dagsvaerk * korttid_oensket / (korttid_oensket + langtid_oensket)
        end as korttidssygefravaer_dagsvaerk,
        case
            when korttid_oensket = 0 then sygefravaer_dagsvaerk
            when langtid_oensket = 0 then 0
            else sygefravaer_dagsvaerk * langtid_oensket / (korttid_oensket + langtid_oensket)
        end as langtidssygefravaer_dagsvaerk
    from sick_days_capped
),

sick_months as (
    select
        ansaettelsesnr,
        maaned,
        sum({{ exact_dagsvaerk('sygefravaer_dagsvaerk') }}) as sygefravaer_dagsvaerk,
        sum({{ exact_dagsvaerk('korttidssygefravaer_dagsvaerk') }}) as korttidssygefravaer_dagsvaerk,
        sum({{ exact_dagsvaerk('langtidssygefravaer_dagsvaerk') }}) as langtidssygefravaer_dagsvaerk
    from sick_days_split
    group by ansaettelsesnr, maaned
)

select
    possible.ansaettelsesnr,
    possible.person_nr,
    possible.omkostningssted,
    possible.maaned,
    possible.aar,
    possible.arbejdsdage,
    {{ exact_dagsvaerk('possible.beskaeftigelsesgrad * possible.arbejdsdage') }} as mulige_dagsvaerk,
    -- DuckDB's type of a sum of DECIMAL(18, 10), spelled out for engines whose sum has no scale.
    cast(coalesce(sick_months.sygefravaer_dagsvaerk, 0) as decimal(38, 10)) as sygefravaer_dagsvaerk,
    cast(coalesce(sick_months.korttidssygefravaer_dagsvaerk, 0) as decimal(38, 10))
        as korttidssygefravaer_dagsvaerk,
    cast(coalesce(sick_months.langtidssygefravaer_dagsvaerk, 0) as decimal(38, 10))
        as langtidssygefravaer_dagsvaerk
from possible
left join sick_months
    on
        possible.ansaettelsesnr = sick_months.ansaettelsesnr
        and possible.maaned = sick_months.maaned
-- A month in which the employment is active only on days off adds nothing.
where possible.arbejdsdage > 0
