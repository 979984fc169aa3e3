-- The economy horizon is the last month with a postings file (docs/kpis.md); the first
-- postings month is where the period spine starts. No postings, no row.
with

postings as (
    select regnskabsmaaned from {{ ref('stg_oekonomi__posteringer') }}
)

select
    min(regnskabsmaaned) as foerste_maaned,
    max(regnskabsmaaned) as horisont_maaned,
    cast(left(max(regnskabsmaaned), 4) as integer) as horisont_aar
from postings
having count(*) > 0
