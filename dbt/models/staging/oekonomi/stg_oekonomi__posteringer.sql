with

source as (
    select * from {{ source('raw', 'posteringer') }}
),

renamed as (
    select
        cast(regnskabsmaaned as varchar) as regnskabsmaaned,
        cast(bilagsnr as varchar) as bilagsnr,
        cast(posteringsdato as date) as posteringsdato,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(funktion as varchar) as funktion,
        trim(cast(dranst as varchar)) as dranst,
        nullif(trim(cast(art as varchar)), '') as art,
        cast(beloeb as decimal(18, 2)) as beloeb,
        cast(tekst as varchar) as tekst,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
