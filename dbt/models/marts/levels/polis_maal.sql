-- POLIS: one row per goal, under its committee, with its status and how many of its
-- indicators are forecast to reach their targets.
select
    fagudvalg,
    udvalg_navn,
    maal_id,
    titel,
    beskrivelse,
    maalgruppe,
    ansvarlig,
    ansvarlig_navn,
    startdato,
    slutdato,
    maal_status,
    status,
    antal_indikatorer,
    antal_naaet,
    antal_paa_sporet,
    antal_i_risiko,
    antal_ikke_paa_sporet,
    antal_ingen_data,
    antal_med_prognose,
    antal_forventes_naaet
from {{ ref('goal_status') }}
