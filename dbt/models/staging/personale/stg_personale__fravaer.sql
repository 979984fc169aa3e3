with

source as (
    select * from {{ source('raw', 'fravaer') }}
),

renamed as (
    select
        cast(aar as integer) as aar,
        cast(extraction_date as date) as udtraeksdato,
        cast(ansaettelsesnr as {{ text_type() }}) as ansaettelsesnr,
        upper(trim(cast(aarsag as {{ text_type() }}))) as aarsag,
        cast(fra_dato as date) as fra_dato,
        cast(til_dato as date) as til_dato,
        cast(timer_pr_dag as {{ double_type() }}) as timer_pr_dag,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
