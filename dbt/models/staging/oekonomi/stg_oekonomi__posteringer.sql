with

source as (
    select * from {{ source('raw', 'posteringer') }}
),

renamed as (
    select
        cast(regnskabsmaaned as {{ text_type() }}) as regnskabsmaaned,
        cast(bilagsnr as {{ text_type() }}) as bilagsnr,
        cast(posteringsdato as date) as posteringsdato,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(funktion as {{ text_type() }}) as funktion,
        trim(cast(dranst as {{ text_type() }})) as dranst,
        nullif(trim(cast(art as {{ text_type() }})), '') as art,
        cast(beloeb as decimal(18, 2)) as beloeb,
        cast(tekst as {{ text_type() }}) as tekst,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
