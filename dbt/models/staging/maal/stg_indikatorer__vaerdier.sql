with

source as (
    select * from {{ source('raw', 'indikatorvaerdier') }}
),

renamed as (
    select
        cast(kilde as {{ text_type() }}) as kilde,
        cast(extraction_date as date) as udtraeksdato,
        trim(cast(indikator_id as {{ text_type() }})) as indikator_id,
        trim(cast(omkostningssted as {{ text_type() }})) as omkostningssted,
        upper(trim(cast(periode as {{ text_type() }}))) as periode,
        cast(vaerdi as {{ double_type() }}) as vaerdi,
        cast(taeller as {{ double_type() }}) as taeller,
        cast(naevner as {{ double_type() }}) as naevner,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
