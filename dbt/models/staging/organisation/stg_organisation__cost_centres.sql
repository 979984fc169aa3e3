with

source as (
    select * from {{ source('raw', 'organisation') }}
),

renamed as (
    select
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(navn as {{ text_type() }}) as navn,
        -- An empty optional field means "none" (for fagudvalg: inherited), so blanks become NULL.
        nullif(trim(cast(overordnet as {{ text_type() }})), '') as overordnet,
        nullif(trim(cast(niveau as {{ text_type() }})), '') as niveau,
        nullif(trim(cast(fagudvalg as {{ text_type() }})), '') as fagudvalg,
        nullif(trim(cast(ydelse as {{ text_type() }})), '') as ydelse,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
