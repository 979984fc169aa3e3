with

source as (
    select * from {{ source('raw', 'ansaettelser') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(ansaettelsesnr as varchar) as ansaettelsesnr,
        cast(person_id as varchar) as person_id,
        cast(omkostningssted as varchar) as omkostningssted,
        nullif(trim(cast(stillingskategori as varchar)), '') as stillingskategori,
        upper(trim(cast(loenform as varchar))) as loenform,
        upper(trim(cast(elev as varchar))) as elev,
        cast(beskaeftigelsesgrad as double precision) as beskaeftigelsesgrad,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        nullif(trim(cast(fratraedelsesaarsag as varchar)), '') as fratraedelsesaarsag,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
