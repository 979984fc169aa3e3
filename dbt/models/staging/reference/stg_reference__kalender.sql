-- Only the calendar's own columns: the table is written from the holidays package, not
-- from a landing file, so it carries no file lineage worth passing on.
with

source as (
    select * from {{ source('raw', 'kalender') }}
),

renamed as (
    select
        cast(dato as date) as dato,
        cast(aar as integer) as aar,
        cast(maaned as {{ text_type() }}) as maaned,
        cast(er_arbejdsdag as boolean) as er_arbejdsdag,
        nullif(trim(cast(helligdag as {{ text_type() }})), '') as helligdag
    from source
)

select * from renamed
