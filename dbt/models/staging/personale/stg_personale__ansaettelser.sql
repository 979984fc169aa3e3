with

source as (
    select * from {{ source('raw', 'ansaettelser') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(ansaettelsesnr as {{ text_type() }}) as ansaettelsesnr,
        cast(person_id as {{ text_type() }}) as person_id,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        nullif(trim(cast(stillingskategori as {{ text_type() }})), '') as stillingskategori,
        upper(trim(cast(loenform as {{ text_type() }}))) as loenform,
        upper(trim(cast(elev as {{ text_type() }}))) as elev,
        cast(beskaeftigelsesgrad as {{ double_type() }}) as beskaeftigelsesgrad,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        nullif(trim(cast(fratraedelsesaarsag as {{ text_type() }})), '') as fratraedelsesaarsag,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
