with

source as (
    select * from {{ source('raw', 'befolkning') }}
),

renamed as (
    select
        cast(aar as integer) as aar,
        cast(alder as integer) as alder,
        cast(antal as bigint) as antal,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
