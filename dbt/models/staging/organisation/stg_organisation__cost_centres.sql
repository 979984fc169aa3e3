with

source as (
    select * from {{ source('raw', 'organisation') }}
),

renamed as (
    select
        cast(omkostningssted as varchar) as omkostningssted,
        cast(navn as varchar) as navn,
        -- An empty optional field means "none" (for fagudvalg: inherited), so blanks become NULL.
        nullif(trim(cast(overordnet as varchar)), '') as overordnet,
        nullif(trim(cast(niveau as varchar)), '') as niveau,
        nullif(trim(cast(fagudvalg as varchar)), '') as fagudvalg,
        nullif(trim(cast(ydelse as varchar)), '') as ydelse,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
