with

source as (
    select * from {{ source('raw', 'besvarelser') }}
),

renamed as (
    select
        cast(runde as {{ text_type() }}) as runde,
        cast(besvarelse_id as {{ text_type() }}) as besvarelse_id,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(spoergsmaal_id as {{ text_type() }}) as spoergsmaal_id,
        -- NULL means the question was not answered; such rows count nowhere.
        cast(score as integer) as score,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
