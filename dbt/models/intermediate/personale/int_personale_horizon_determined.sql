-- The HR horizon (docs/kpis.md): the last day of the last complete month on or before the newest
-- employments extraction date. Periods start in January of the first year with an absence
-- file, because a file holds the spells that start in its year: before it, sickness is unknown.
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

horizon as (
    select
        extraction.udtraeksdato,
        -- A month is complete when its last day is on or before the extraction date, so the
        -- horizon is the day before the first of the month holding the next day.
        cast(date_trunc('month', extraction.udtraeksdato + 1) as date) - 1 as horisont_dato,
        make_date(absence_years.foerste_aar, 1, 1) as foerste_dato
    from extraction
    cross join absence_years
    where extraction.udtraeksdato is not null and absence_years.foerste_aar is not null
)

select
    udtraeksdato,
    foerste_dato,
    {{ month_text('foerste_dato') }} as foerste_maaned,
    horisont_dato,
    {{ month_text('horisont_dato') }} as horisont_maaned,
    {{ integer_part('year', 'horisont_dato') }} as horisont_aar
from horizon
