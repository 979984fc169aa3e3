-- Korrigeret budget per cost centre and year: the sum of all budget rows (OPR + TB + OVF)
-- of the newest extraction of the year, split into drift (dranst 1, 2) and anlæg (dranst 3).
with

all_budget as (
    select * from {{ ref('stg_oekonomi__budget') }}
),

-- Raw already replaces a year on a newer extraction; this keeps the rule visible.
newest_extractions as (
    select
        aar,
        max(udtraeksdato) as udtraeksdato
    from all_budget
    group by aar
),

budget as (
    select all_budget.*
    from all_budget
    inner join newest_extractions
        on
            all_budget.aar = newest_extractions.aar
            and all_budget.udtraeksdato = newest_extractions.udtraeksdato
),

aggregated as (
    select
        omkostningssted,
        aar,
        -- Money sums as DuckDB types them, spelled out for engines whose sum has no scale.
        cast(coalesce(sum(beloeb) filter (where dranst in ('1', '2')), 0) as decimal(38, 2))
            as korrigeret_budget_drift,
        count(*) filter (where dranst in ('1', '2')) as antal_driftsbudgetrader,
        cast(coalesce(sum(beloeb) filter (where dranst = '3'), 0) as decimal(38, 2))
            as korrigeret_budget_anlaeg,
        count(*) filter (where dranst = '3') as antal_anlaegsbudgetrader
    from budget
    group by omkostningssted, aar
)

select * from aggregated
