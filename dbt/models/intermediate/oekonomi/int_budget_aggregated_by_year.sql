-- Korrigeret budget per cost centre and year: the sum of all budget rows (OPR + TB + OVF)
-- of the newest extraction of the year, split into drift (dranst 1, 2) and anlæg (dranst 3).
with

budget as (
    select * from {{ ref('stg_oekonomi__budget') }}
    -- Raw already replaces a year on a newer extraction; this keeps the rule visible.
    qualify udtraeksdato = max(udtraeksdato) over (partition by aar)
),

aggregated as (
    select
        omkostningssted,
        aar,
        coalesce(sum(beloeb) filter (where dranst in ('1', '2')), 0) as korrigeret_budget_drift,
        count(*) filter (where dranst in ('1', '2')) as antal_driftsbudgetrader,
        coalesce(sum(beloeb) filter (where dranst = '3'), 0) as korrigeret_budget_anlaeg,
        count(*) filter (where dranst = '3') as antal_anlaegsbudgetrader
    from budget
    group by omkostningssted, aar
)

select * from aggregated
