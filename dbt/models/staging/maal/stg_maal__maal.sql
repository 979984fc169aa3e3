with

source as (
    select * from {{ source('raw', 'maal') }}
),

renamed as (
    select
        trim(cast(maal_id as varchar)) as maal_id,
        trim(cast(fagudvalg as varchar)) as fagudvalg,
        cast(titel as varchar) as titel,
        nullif(trim(cast(beskrivelse as varchar)), '') as beskrivelse,
        lower(trim(cast(maalgruppe as varchar))) as maalgruppe,
        trim(cast(ansvarlig as varchar)) as ansvarlig,
        cast(startdato as date) as startdato,
        cast(slutdato as date) as slutdato,
        lower(trim(cast(status as varchar))) as status,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
