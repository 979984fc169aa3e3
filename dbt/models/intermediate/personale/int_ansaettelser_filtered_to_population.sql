-- The HR population (docs/kpis.md): employments of the newest snapshot with lønform MDR that are
-- not trainee posts. person_nr is a compact stand-in for the 64-character pseudonym, so the
-- distinct-person counts over many days and nodes hash integers instead of long strings.
with

employments as (
    select snapshot_row.* from {{ ref('stg_personale__ansaettelser') }} as snapshot_row
    -- Raw already keeps only the newest snapshot; the filter makes that explicit and safe.
    where snapshot_row.udtraeksdato = (
        select max(newest.udtraeksdato) from {{ ref('stg_personale__ansaettelser') }} as newest
    )
),

population as (
    select
        ansaettelsesnr,
        person_id,
        dense_rank() over (order by person_id) as person_nr,
        omkostningssted,
        beskaeftigelsesgrad,
        startdato,
        slutdato
    from employments
    where loenform = 'MDR' and elev = 'N'
)

select * from population
