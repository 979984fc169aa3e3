with

source as (
    select * from {{ source('raw', 'benchmark') }}
),

renamed as (
    select
        cast(extraction_date as date) as udtraeksdato,
        cast(kommunekode as {{ text_type() }}) as kommunekode,
        cast(kommune as {{ text_type() }}) as kommune,
        -- The file names the KPI by its id from docs/kpis.md, so it joins kpi_values directly.
        lower(trim(cast(kpi as {{ text_type() }}))) as kpi_id,
        cast(aar as integer) as aar,
        cast(vaerdi as {{ double_type() }}) as vaerdi,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
