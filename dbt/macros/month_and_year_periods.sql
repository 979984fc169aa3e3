{#- The periods of a period spine (docs/kpis.md, Periods, nodes and horizons), as a query for
    a CTE: one maaned row per month in `month_starts` (a CTE or relation with one DATE column
    maaned_start, each a month's first day) and one aar row per year holding one of those
    months. A year runs from its first month in month_starts, or from January with
    from_january, to its last one, so the horizon's year runs to the horizon. Columns:
    periodetype, periode (YYYY-MM, YYYY), aar, fra_maaned and til_maaned (YYYY-MM), fra_dato
    and til_dato (the first and the last day). Every domain's *_periods_spined model is this
    query over its own months. -#}
{% macro month_and_year_periods(month_starts, from_january=false) %}
    {%- set year = integer_part('year', 'maaned_start') %}
    select
        'maaned' as periodetype,
        {{ month_text('maaned_start') }} as periode,
        {{ year }} as aar,
        {{ month_text('maaned_start') }} as fra_maaned,
        {{ month_text('maaned_start') }} as til_maaned,
        maaned_start as fra_dato,
        {{ month_end('maaned_start') }} as til_dato
    from {{ month_starts }}
    union all
    select
        'aar' as periodetype,
        cast({{ year }} as {{ text_type() }}) as periode,
        {{ year }} as aar,
        {%- if from_january %}
            cast({{ year }} as {{ text_type() }}) || '-01' as fra_maaned,
        {%- else %}
            {{ month_text('min(maaned_start)') }} as fra_maaned,
        {%- endif %}
        {{ month_text('max(maaned_start)') }} as til_maaned,
        {%- if from_january %}
            make_date(cast({{ year }} as integer), 1, 1) as fra_dato,
        {%- else %}
            min(maaned_start) as fra_dato,
        {%- endif %}
        {{ month_end('max(maaned_start)') }} as til_dato
    from {{ month_starts }}
    group by {{ year }}
{% endmacro %}
