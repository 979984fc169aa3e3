with

source as (
    select * from {{ source('raw', 'maal') }}
),

renamed as (
    select
        trim(cast(maal_id as {{ text_type() }})) as maal_id,
        trim(cast(fagudvalg as {{ text_type() }})) as fagudvalg,
        cast(titel as {{ text_type() }}) as titel,
        nullif(trim(cast(beskrivelse as {{ text_type() }})), '') as beskrivelse,
        lower(trim(cast(maalgruppe as {{ text_type() }}))) as maalgruppe,
        trim(cast(ansvarlig as {{ text_type() }})) as ansvarlig,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        lower(trim(cast(status as {{ text_type() }}))) as status,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
