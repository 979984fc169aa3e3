with

source as (
    select * from {{ source('raw', 'indsatser') }}
),

renamed as (
    select
        trim(cast(indsats_id as varchar)) as indsats_id,
        trim(cast(maal_id as varchar)) as maal_id,
        cast(titel as varchar) as titel,
        nullif(trim(cast(forandringsteori as varchar)), '') as forandringsteori,
        trim(cast(indikator_id as varchar)) as indikator_id,
        trim(cast(omkostningssteder as varchar)) as omkostningssteder,
        -- Empty = the default comparison units (docs/kpis.md, Initiative effect).
        nullif(trim(cast(sammenligning as varchar)), '') as sammenligning,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        cast(omkostning_kr as double precision) as omkostning_kr,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
