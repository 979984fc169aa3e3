with

source as (
    select * from {{ source('raw', 'indikatorer') }}
),

renamed as (
    select
        trim(cast(indikator_id as {{ text_type() }})) as indikator_id,
        trim(cast(maal_id as {{ text_type() }})) as maal_id,
        cast(navn as {{ text_type() }}) as navn,
        -- Empty optional cells mean "none": no kpi = delivered values, no node = the goal's ansvarlig.
        nullif(trim(cast(kpi as {{ text_type() }})), '') as kpi,
        nullif(trim(cast(omkostningssted as {{ text_type() }})), '') as omkostningssted,
        nullif(trim(cast(enhed as {{ text_type() }})), '') as enhed,
        lower(trim(cast(retning as {{ text_type() }}))) as retning,
        lower(trim(cast(frekvens as {{ text_type() }}))) as frekvens,
        upper(trim(cast(baseline_periode as {{ text_type() }}))) as baseline_periode,
        cast(baseline_vaerdi as {{ double_type() }}) as baseline_vaerdi,
        upper(trim(cast(maal_periode as {{ text_type() }}))) as maal_periode,
        cast(maal_vaerdi as {{ double_type() }}) as maal_vaerdi,
        cast(indfoert as date) as indfoert,
        cast(udfaset as date) as udfaset,
        nullif(trim(cast(erstatter as {{ text_type() }})), '') as erstatter,
        cast(extraction_date as date) as udtraeksdato,
        _file_name,
        _file_sha256,
        cast(_line_number as integer) as _line_number
    from source
)

select * from renamed
