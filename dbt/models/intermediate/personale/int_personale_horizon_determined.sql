-- The HR horizon (docs/kpis.md): the last day of the last complete month on or before the newest
-- employments extraction date. Periods start in January of the first year with an absence
-- file, because a file holds the spells that start in its year: before it, sickness is unknown.
-- The retention cutoff (docs/privacy.md) moves the start later: no period before it is computed
-- again, and no per-person row of an earlier month (its published figures are frozen).
-- One row, or none without employments or absence files.
with

extraction as (
    select max(udtraeksdato) as udtraeksdato
    from {{ ref('stg_personale__ansaettelser') }}
),

absence_years as (
    select min(aar) as foerste_aar
    from {{ ref('stg_personale__fravaer') }}
),

retention as (
    select max(cutoff) as opbevaret_fra_dato
    from {{ source('meta', 'retention_cutoffs') }}
    where source = 'personale'
),

horizon as (
    select
        extraction.udtraeksdato,
        -- A month is complete when its last day is on or before the extraction date, so the
        -- horizon is the day before the first of the month holding the next day.
        cast(date_trunc('month', extraction.udtraeksdato + 1) as date) - 1 as horisont_dato,
        greatest(
            make_date(absence_years.foerste_aar, 1, 1),
            coalesce(retention.opbevaret_fra_dato, make_date(absence_years.foerste_aar, 1, 1))
        ) as foerste_dato,
        retention.opbevaret_fra_dato
    from extraction
    cross join absence_years
    cross join retention
    where extraction.udtraeksdato is not null and absence_years.foerste_aar is not null
)

select
    udtraeksdato,
    foerste_dato,
    {{ month_text('foerste_dato') }} as foerste_maaned,
    horisont_dato,
    {{ month_text('horisont_dato') }} as horisont_maaned,
    {{ integer_part('year', 'horisont_dato') }} as horisont_aar,
    opbevaret_fra_dato
from horizon
