with

source as (
    select * from {{ source('raw', 'spoergsmaal') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(spoergsmaal_id as {{ text_type() }}) as spoergsmaal_id,
        -- Themes are codes (MOTIVATION, LEDELSE, ...); the KPI id is built from them.
        upper(trim(cast(tema as {{ text_type() }}))) as tema,
        cast(tekst as {{ text_type() }}) as tekst,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
