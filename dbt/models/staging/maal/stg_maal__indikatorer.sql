with

source as (
    select * from {{ source('raw', 'indikatorer') }}
),

renamed as (
    select
        trim(cast(indikator_id as varchar)) as indikator_id,
        trim(cast(maal_id as varchar)) as maal_id,
        cast(navn as varchar) as navn,
        -- Empty optional cells mean "none": no kpi = delivered values, no node = the goal's ansvarlig.
        nullif(trim(cast(kpi as varchar)), '') as kpi,
        nullif(trim(cast(omkostningssted as varchar)), '') as omkostningssted,
        nullif(trim(cast(enhed as varchar)), '') as enhed,
        lower(trim(cast(retning as varchar))) as retning,
        lower(trim(cast(frekvens as varchar))) as frekvens,
        upper(trim(cast(baseline_periode as varchar))) as baseline_periode,
        cast(baseline_vaerdi as double precision) as baseline_vaerdi,
        upper(trim(cast(maal_periode as varchar))) as maal_periode,
        cast(maal_vaerdi as double precision) as maal_vaerdi,
        cast(indfoert as date) as indfoert,
        cast(udfaset as date) as udfaset,
        nullif(trim(cast(erstatter as varchar)), '') as erstatter,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
