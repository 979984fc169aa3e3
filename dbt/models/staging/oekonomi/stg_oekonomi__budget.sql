with

source as (
    select * from {{ source('raw', 'budget') }}
),

renamed as (
    select
        cast(aar as integer) as aar,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(funktion as {{ text_type() }}) as funktion,
        trim(cast(dranst as {{ text_type() }})) as dranst,
        nullif(trim(cast(art as {{ text_type() }})), '') as art,
        trim(cast(budgettype as {{ text_type() }})) as budgettype,
        cast(beloeb as decimal(18, 2)) as beloeb,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
