with

source as (
    select * from {{ source('raw', 'forslag') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(forslag_id as varchar) as forslag_id,
        cast(omkostningssted as varchar) as omkostningssted,
        cast(indsendt as date) as indsendt,
        nullif(trim(cast(kategori as varchar)), '') as kategori,
        lower(trim(cast(status as varchar))) as status,
        cast(afgjort as date) as afgjort,
        cast(estimeret_gevinst_kr as decimal(18, 2)) as estimeret_gevinst_kr,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
