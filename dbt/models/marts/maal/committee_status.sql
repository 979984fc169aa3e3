-- One row per political committee (fagudvalg) with a status derived from its active goals
-- (maal_status aktiv): the status most of them have, among those with data; a tie goes to the
-- worse status, and ingen_data when no active goal has data. Fulfilled and abandoned goals are
-- counted but do not steer the status.
with

committees as (
    {{ newest_snapshot('stg_maal__udvalg') }}
),

goal_status as (
    select * from {{ ref('goal_status') }}
),

all_committees as (
    select fagudvalg from committees
    union
    select fagudvalg from goal_status
    where fagudvalg is not null
),

counts as (
    select
        fagudvalg,
        count(*) as antal_maal,
        count(*) filter (where maal_status = 'aktiv') as antal_aktive_maal,
        count(*) filter (where maal_status = 'opfyldt') as antal_opfyldte_maal,
        count(*) filter (where maal_status = 'opgivet') as antal_opgivne_maal,
        count(*) filter (where maal_status = 'aktiv' and status = 'naaet') as antal_naaet,
        count(*) filter (where maal_status = 'aktiv' and status = 'paa_sporet') as antal_paa_sporet,
        count(*) filter (where maal_status = 'aktiv' and status = 'i_risiko') as antal_i_risiko,
        count(*) filter (where maal_status = 'aktiv' and status = 'ikke_paa_sporet') as antal_ikke_paa_sporet,
        count(*) filter (where maal_status = 'aktiv' and status = 'ingen_data') as antal_ingen_data,
        sum(antal_indikatorer) filter (where maal_status = 'aktiv') as antal_aktive_indikatorer
    from goal_status
    group by fagudvalg
),

status_counts as (
    select
        fagudvalg,
        status,
        row_number() over (
            partition by fagudvalg
            order by
                count(*) desc,
                case status
                    when 'ikke_paa_sporet' then 1
                    when 'i_risiko' then 2
                    when 'paa_sporet' then 3
                    else 4
                end
        ) as raekkefoelge
    from goal_status
    where maal_status = 'aktiv' and status != 'ingen_data'
    group by fagudvalg, status
),

majority as (
    select
        fagudvalg,
        status
    from status_counts
    where raekkefoelge = 1
)

select
    cast(all_committees.fagudvalg as {{ text_type() }}) as fagudvalg,
    cast(committees.navn as {{ text_type() }}) as udvalg_navn,
    cast(coalesce(counts.antal_maal, 0) as integer) as antal_maal,
    cast(coalesce(counts.antal_aktive_maal, 0) as integer) as antal_aktive_maal,
    cast(coalesce(counts.antal_opfyldte_maal, 0) as integer) as antal_opfyldte_maal,
    cast(coalesce(counts.antal_opgivne_maal, 0) as integer) as antal_opgivne_maal,
    cast(coalesce(counts.antal_aktive_indikatorer, 0) as integer) as antal_aktive_indikatorer,
    cast(coalesce(counts.antal_naaet, 0) as integer) as antal_naaet,
    cast(coalesce(counts.antal_paa_sporet, 0) as integer) as antal_paa_sporet,
    cast(coalesce(counts.antal_i_risiko, 0) as integer) as antal_i_risiko,
    cast(coalesce(counts.antal_ikke_paa_sporet, 0) as integer) as antal_ikke_paa_sporet,
    cast(coalesce(counts.antal_ingen_data, 0) as integer) as antal_ingen_data,
    cast(coalesce(majority.status, 'ingen_data') as {{ text_type() }}) as status
from all_committees
left join committees
    on all_committees.fagudvalg = committees.fagudvalg
left join counts
    on all_committees.fagudvalg = counts.fagudvalg
left join majority
    on all_committees.fagudvalg = majority.fagudvalg
