-- The HR population (docs/kpis.md): employments of the newest snapshot with lønform MDR that are
-- not trainee posts. person_nr is a compact stand-in for the 64-character pseudonym, so the
-- distinct-person counts over many days and nodes hash integers instead of long strings.
with

employments as (
    {{ newest_snapshot('stg_personale__ansaettelser') }}
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
