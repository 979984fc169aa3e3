-- A catalogue error the ingest cannot see (docs/kpis.md, "Goal progress"): a target that does not
-- lie in the indicator's retning from a baseline taken from the data. The pipeline reports a
-- failing node by its message, so the error raised here names every such indicator.
with

offending as (
    select
        indikator_id,
        'indikator ' || indikator_id || ': maal_vaerdi ' || maal_vaerdi || ' is not '
        || case retning when 'op' then 'above' else 'below' end
        || ' the baseline ' || baseline_vaerdi || ' (the value of ' || baseline_periode
        || ' in the data, retning ' || retning || ')' as fejl
    from {{ ref('indicator_baselines') }}
    where not maal_i_retning
),

summary as (
    select
        'goal catalogue error, fix maalkatalog: '
        || {{ string_agg_ordered('fejl', "'; '", 'indikator_id') }} as alle_fejl
    from offending
)

select
    offending.indikator_id,
    offending.fejl
from offending
cross join summary
-- A filter is always evaluated (a selected column could be pruned), so the error is raised
-- whenever there is an offending indicator.
where {{ raise_error('summary.alle_fejl') }} is null
