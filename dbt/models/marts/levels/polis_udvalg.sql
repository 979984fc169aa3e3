-- POLIS, the politicians' level: one row per political committee with the status of its goals.
select
    fagudvalg,
    udvalg_navn,
    status,
    antal_aktive_maal,
    antal_naaet,
    antal_paa_sporet,
    antal_i_risiko,
    antal_ikke_paa_sporet,
    antal_ingen_data,
    antal_opfyldte_maal,
    antal_opgivne_maal,
    antal_aktive_indikatorer
from {{ ref('committee_status') }}
