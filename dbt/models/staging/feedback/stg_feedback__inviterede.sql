with

source as (
    select * from {{ source('raw', 'inviterede') }}
),

renamed as (
    select
        cast(runde as {{ text_type() }}) as runde,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(antal_inviterede as integer) as antal_inviterede,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
