with

source as (
    select * from {{ source('raw', 'inviterede') }}
),

renamed as (
    select
        cast(runde as varchar) as runde,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(antal_inviterede as integer) as antal_inviterede,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
