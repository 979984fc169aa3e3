-- One row per goal of the newest catalogue with a status derived from its indicators. An
-- indicator counts while it is active on the catalogue's date, with the status of its latest
-- goal_progress row. A goal is only as far as its weakest indicator: its status is the worst
-- status among its counted indicators that have data (ikke_paa_sporet, i_risiko, paa_sporet,
-- naaet), and ingen_data when none has.
with

goals as (
    {{ newest_snapshot('stg_maal__maal') }}
),

committees as (
    {{ newest_snapshot('stg_maal__udvalg') }}
),

cost_centres as (
    select * from {{ ref('int_cost_centres_filtered_to_newest_snapshot') }}
),

indicators as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

forecasts as (
    select * from {{ ref('goal_forecast') }}
),

counted as (
    select
        indicators.maal_id,
        -- An active indicator without any goal_progress row (no data yet) has no data.
        coalesce(forecasts.seneste_status, 'ingen_data') as status,
        forecasts.forventes_naaet
    from indicators
    left join forecasts
        on indicators.indikator_id = forecasts.indikator_id
    where indicators.er_aktiv
),

per_goal as (
    select
        maal_id,
        count(*) as antal_indikatorer,
        count(*) filter (where status = 'naaet') as antal_naaet,
        count(*) filter (where status = 'paa_sporet') as antal_paa_sporet,
        count(*) filter (where status = 'i_risiko') as antal_i_risiko,
        count(*) filter (where status = 'ikke_paa_sporet') as antal_ikke_paa_sporet,
        count(*) filter (where status = 'ingen_data') as antal_ingen_data,
        count(forventes_naaet) as antal_med_prognose,
        count(*) filter (where forventes_naaet) as antal_forventes_naaet
    from counted
    group by maal_id
)

select
    cast(goals.maal_id as {{ text_type() }}) as maal_id,
    cast(goals.titel as {{ text_type() }}) as titel,
    cast(goals.beskrivelse as {{ text_type() }}) as beskrivelse,
    cast(goals.fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(committees.navn as {{ text_type() }}) as udvalg_navn,
    cast(goals.maalgruppe as {{ text_type() }}) as maalgruppe,
    cast(goals.ansvarlig as {{ text_type() }}) as ansvarlig,
    cast(cost_centres.navn as {{ text_type() }}) as ansvarlig_navn,
    goals.startdato,
    goals.slutdato,
    cast(goals.status as {{ text_type() }}) as maal_status,
    cast(coalesce(per_goal.antal_indikatorer, 0) as integer) as antal_indikatorer,
    cast(coalesce(per_goal.antal_naaet, 0) as integer) as antal_naaet,
    cast(coalesce(per_goal.antal_paa_sporet, 0) as integer) as antal_paa_sporet,
    cast(coalesce(per_goal.antal_i_risiko, 0) as integer) as antal_i_risiko,
    cast(coalesce(per_goal.antal_ikke_paa_sporet, 0) as integer) as antal_ikke_paa_sporet,
    cast(coalesce(per_goal.antal_ingen_data, 0) as integer) as antal_ingen_data,
    cast(coalesce(per_goal.antal_med_prognose, 0) as integer) as antal_med_prognose,
    cast(coalesce(per_goal.antal_forventes_naaet, 0) as integer) as antal_forventes_naaet,
    cast(
        case
            when per_goal.antal_ikke_paa_sporet > 0 then 'ikke_paa_sporet'
            when per_goal.antal_i_risiko > 0 then 'i_risiko'
            when per_goal.antal_paa_sporet > 0 then 'paa_sporet'
            when per_goal.antal_naaet > 0 then 'naaet'
            else 'ingen_data'
        end as {{ text_type() }}
    ) as status
from goals
left join per_goal
    on goals.maal_id = per_goal.maal_id
left join committees
    on goals.fagudvalg = committees.fagudvalg
left join cost_centres
    on goals.ansvarlig = cost_centres.omkostningssted
