with

source as (
    select * from {{ source('raw', 'indikatorvaerdier') }}
),

renamed as (
    select
        cast(kilde as varchar) as kilde,
        cast(extraction_date as date) as udtraeksdato,
        trim(cast(indikator_id as varchar)) as indikator_id,
        trim(cast(omkostningssted as varchar)) as omkostningssted,
        upper(trim(cast(periode as varchar))) as periode,
        cast(vaerdi as double precision) as vaerdi,
        cast(taeller as double precision) as taeller,
        cast(naevner as double precision) as naevner,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
