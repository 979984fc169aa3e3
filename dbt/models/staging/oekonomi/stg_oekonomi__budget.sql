with

source as (
    select * from {{ source('raw', 'budget') }}
),

renamed as (
    select
        cast(aar as integer) as aar,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(funktion as varchar) as funktion,
        trim(cast(dranst as varchar)) as dranst,
        nullif(trim(cast(art as varchar)), '') as art,
        trim(cast(budgettype as varchar)) as budgettype,
        cast(beloeb as decimal(18, 2)) as beloeb,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
