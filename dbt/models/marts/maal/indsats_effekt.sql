-- Does what we do work? One row per initiative: a difference in differences on unit level
-- against the comparison units, with a 95 % interval and a verdict (docs/kpis.md, Initiative
-- effect). T and C are the treated and comparison units that take part; d is a unit's
-- change. effekt = mean_T(d) − mean_C(d). With |T| ≥ 2 the standard error is Welch's,
-- with Welch–Satterthwaite degrees of freedom; with |T| = 1 it is s_C · √(1 + 1/|C|) with
-- |C| − 1 degrees of freedom (the one treated unit compared with the spread of the
-- comparison units, as for a new observation). The t quantile comes from scipy.stats.
-- Aggregates add in unit order, so a figure never depends on the order of the raw rows.
with

windows as (
    select * from {{ ref('indsats_vinduer') }}
),

changes as (
    select * from {{ ref('indsats_enhedsaendringer') }}
    where deltager
),

goals as (
    select * from {{ ref('int_indikatorer_joined_to_maal') }}
),

sides as (
    select
        indsats_id,
        count(*) filter (where side = 'indsats') as n_t,
        count(*) filter (where side = 'sammenligning') as n_c,
        {{ in_order('avg', 'foer_gns', 'omkostningssted', "side = 'indsats'") }} as foer_enheder,
        {{ in_order('avg', 'efter_gns', 'omkostningssted', "side = 'indsats'") }} as efter_enheder,
        {{ in_order('avg', 'foer_gns', 'omkostningssted', "side = 'sammenligning'") }} as foer_sammenligning,
        {{ in_order('avg', 'efter_gns', 'omkostningssted', "side = 'sammenligning'") }} as efter_sammenligning,
        {{ in_order('avg', 'aendring', 'omkostningssted', "side = 'indsats'") }} as mean_t,
        {{ in_order('avg', 'aendring', 'omkostningssted', "side = 'sammenligning'") }} as mean_c,
        {{ in_order('var_samp', 'aendring', 'omkostningssted', "side = 'indsats'") }} as var_t,
        {{ in_order('var_samp', 'aendring', 'omkostningssted', "side = 'sammenligning'") }} as var_c
    from changes
    group by indsats_id
),

counted as (
    select
        windows.*,
        coalesce(sides.n_t, 0) as n_t,
        coalesce(sides.n_c, 0) as n_c,
        sides.foer_enheder,
        sides.efter_enheder,
        sides.foer_sammenligning,
        sides.efter_sammenligning,
        sides.mean_t - sides.mean_c as estimate,
        sides.var_t,
        sides.var_c
    from windows
    left join sides
        on windows.indsats_id = sides.indsats_id
),

uncertainty as (
    select
        *,
        case
            when n_t >= 2 and n_c >= 2 then sqrt(var_t / n_t + var_c / n_c)
            when n_t = 1 and n_c >= 2 then sqrt(var_c) * sqrt(1 + 1.0 / n_c)
        end as standardfejl,
        case
            when n_t >= 2 and n_c >= 2 and var_t / n_t + var_c / n_c > 0
                then
                    power(var_t / n_t + var_c / n_c, 2)
                    / (power(var_t / n_t, 2) / (n_t - 1) + power(var_c / n_c, 2) / (n_c - 1))
            when n_t = 1 and n_c >= 2 then n_c - 1
        end as frihedsgrader
    from counted
),

interval as (
    select
        *,
        case
            when standardfejl = 0 then estimate
            else estimate - {{ t_quantile(0.975, 'frihedsgrader') }} * standardfejl
        end as lav,
        case
            when standardfejl = 0 then estimate
            else estimate + {{ t_quantile(0.975, 'frihedsgrader') }} * standardfejl
        end as hoej
    from uncertainty
),

judged as (
    select
        *,
        case
            when efter_maaneder < 3 then 'for_tidligt'
            when n_t = 0 or n_c < 2 then 'kan_ikke_vurderes'
            when (retning = 'ned' and hoej < 0) or (retning = 'op' and lav > 0) then 'virker'
            when (retning = 'ned' and lav > 0) or (retning = 'op' and hoej < 0) then 'virker_modsat'
            else 'uafklaret'
        end as vurdering
    from interval
)

select
    judged.indsats_id,
    judged.maal_id,
    goals.fagudvalg,
    judged.titel,
    judged.forandringsteori,
    judged.indikator_id,
    judged.indikator_navn,
    judged.enhed,
    judged.retning,
    judged.omkostningssteder,
    judged.sammenligning,
    judged.startdato,
    judged.slutdato,
    judged.foer_fra,
    judged.foer_til,
    judged.efter_fra,
    judged.efter_til,
    cast(judged.efter_maaneder as integer) as efter_maaneder,
    cast(judged.n_t as integer) as antal_enheder,
    cast(judged.n_c as integer) as antal_sammenligning,
    judged.foer_enheder,
    judged.efter_enheder,
    judged.foer_sammenligning,
    judged.efter_sammenligning,
    case when judged.vurdering in ('virker', 'virker_modsat', 'uafklaret') then judged.estimate end
        as effekt,
    case when judged.vurdering in ('virker', 'virker_modsat', 'uafklaret') then judged.lav end
        as effekt_lav,
    case when judged.vurdering in ('virker', 'virker_modsat', 'uafklaret') then judged.hoej end
        as effekt_hoej,
    case
        when judged.vurdering in ('virker', 'virker_modsat', 'uafklaret')
            then cast(judged.standardfejl as {{ double_type() }})
    end as standardfejl,
    case
        when judged.vurdering in ('virker', 'virker_modsat', 'uafklaret')
            then cast(judged.frihedsgrader as {{ double_type() }})
    end as frihedsgrader,
    judged.vurdering,
    judged.omkostning_kr
from judged
left join goals
    on judged.indikator_id = goals.indikator_id
