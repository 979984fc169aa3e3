with

source as (
    select * from {{ source('raw', 'aktivitet') }}
),

renamed as (
    select
        cast(maaned as {{ text_type() }}) as maaned,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        trim(cast(ydelse as {{ text_type() }})) as ydelse,
        cast(antal as decimal(18, 3)) as antal,
        nullif(trim(cast(enhed as {{ text_type() }})), '') as enhed,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
