-- Every economy period: the months from the first postings month to the horizon, and
-- each year with at least one of them. A year runs from January to December, or to the
-- horizon for the horizon's year, so no period starts after the horizon.
{%- set months_from = "horizon.foerste_maaned || '-01'" %}
{%- set months_to = "horizon.horisont_maaned || '-01'" %}
with

horizon as (
    select * from {{ ref('int_oekonomi_horizon_determined') }}
),

month_starts as (
    select cast(series.maaned_start as date) as maaned_start
    from horizon
    cross join lateral {{ date_series(months_from, months_to, 'month') }} as series (maaned_start)
),

periods as (
    {{ month_and_year_periods('month_starts', from_january=true) }}
)

select
    periodetype,
    periode,
    aar,
    fra_maaned,
    til_maaned,
    cast(aar as {{ text_type() }}) || '-01' as aar_fra_maaned
from periods
