with

source as (
    select * from {{ source('raw', 'besvarelser') }}
),

renamed as (
    select
        cast(runde as varchar) as runde,
        cast(besvarelse_id as varchar) as besvarelse_id,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(spoergsmaal_id as varchar) as spoergsmaal_id,
        -- NULL means the question was not answered; such rows count nowhere.
        cast(score as integer) as score,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
