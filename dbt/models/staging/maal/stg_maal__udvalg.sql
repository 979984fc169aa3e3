with

source as (
    select * from {{ source('raw', 'udvalg') }}
),

renamed as (
    select
        trim(cast(fagudvalg as {{ text_type() }})) as fagudvalg,
        cast(navn as {{ text_type() }}) as navn,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
