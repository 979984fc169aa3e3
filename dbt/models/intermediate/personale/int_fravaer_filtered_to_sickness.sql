-- Sickness spells (causes SYG, ASK, GRAV, S56) of the newest extraction of each year, with
-- the day the spell covers up to (an open spell: the HR horizon) and its calendar length. A
-- spell of more than 30 calendar days is long-term on all its days (docs/kpis.md).
with

horizon as (
    select * from {{ ref('int_personale_horizon_determined') }}
),

all_spells as (
    select * from {{ ref('stg_personale__fravaer') }}
),

-- Raw already replaces a year on a newer extraction; this keeps the rule visible.
newest_extractions as (
    select
        aar,
        max(udtraeksdato) as udtraeksdato
    from all_spells
    group by aar
),

spells as (
    select all_spells.*
    from all_spells
    inner join newest_extractions
        on
            all_spells.aar = newest_extractions.aar
            and all_spells.udtraeksdato = newest_extractions.udtraeksdato
),

sickness as (
    select
        spells.ansaettelsesnr,
        spells.aarsag,
        spells.fra_dato,
        spells.til_dato,
        coalesce(spells.til_dato, horizon.horisont_dato) as daekket_til_dato,
        spells.timer_pr_dag,
        spells._file_name,
        spells._line_number
    from spells
    cross join horizon
    where
        spells.aarsag in ('SYG', 'ASK', 'GRAV', 'S56')
        -- A spell starting after the horizon covers no day of any period.
        and spells.fra_dato <= horizon.horisont_dato
)

select
    ansaettelsesnr,
    aarsag,
    fra_dato,
    til_dato,
    daekket_til_dato,
    {{ days_between('fra_dato', 'daekket_til_dato') }} + 1 as kalenderdage,
    {{ days_between('fra_dato', 'daekket_til_dato') }} + 1 > 30 as er_langtid,
    timer_pr_dag,
    _file_name,
    _line_number
from sickness
