with

source as (
    select * from {{ source('raw', 'indsatser') }}
),

renamed as (
    select
        trim(cast(indsats_id as {{ text_type() }})) as indsats_id,
        trim(cast(maal_id as {{ text_type() }})) as maal_id,
        cast(titel as {{ text_type() }}) as titel,
        nullif(trim(cast(forandringsteori as {{ text_type() }})), '') as forandringsteori,
        trim(cast(indikator_id as {{ text_type() }})) as indikator_id,
        trim(cast(omkostningssteder as {{ text_type() }})) as omkostningssteder,
        -- Empty = the default comparison units (docs/kpis.md, Initiative effect).
        nullif(trim(cast(sammenligning as {{ text_type() }})), '') as sammenligning,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        cast(omkostning_kr as {{ double_type() }}) as omkostning_kr,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
