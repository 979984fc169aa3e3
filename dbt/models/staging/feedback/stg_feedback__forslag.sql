with

source as (
    select * from {{ source('raw', 'forslag') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(forslag_id as {{ text_type() }}) as forslag_id,
        cast(omkostningssted as {{ text_type() }}) as omkostningssted,
        cast(indsendt as date) as indsendt,
        nullif(trim(cast(kategori as {{ text_type() }})), '') as kategori,
        lower(trim(cast(status as {{ text_type() }}))) as status,
        cast(afgjort as date) as afgjort,
        cast(estimeret_gevinst_kr as decimal(18, 2)) as estimeret_gevinst_kr,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
