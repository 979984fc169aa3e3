-- Nodes are the cost centres of the newest organisation snapshot (docs/kpis.md). Raw already
-- keeps only the newest extraction; the filter makes that explicit and safe.
with

cost_centres as (
    select * from {{ ref('stg_organisation__cost_centres') }}
),

newest as (
    select
        omkostningssted,
        navn,
        overordnet,
        niveau,
        fagudvalg,
        ydelse,
        udtraeksdato
    from cost_centres
    where udtraeksdato = (select max(newest.udtraeksdato) from cost_centres as newest)
)

select * from newest
