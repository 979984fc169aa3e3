{#- An aggregate of doubles (avg, sum or var_samp) over the group's values where condition
    holds, added up in the order of order_by (ascending keys): the same doubles in the same
    order give the same figure to the last bit, whatever order the rows arrive in. DuckDB and
    PostgreSQL take an ordered aggregate; Spark has none, and folds the values sorted by
    their keys (var_samp by Welford's steps, as DuckDB computes it). -#}
{% macro in_order(function, value, order_by, condition=none) -%}
    {{ return(adapter.dispatch('in_order')(function, value, order_by, condition)) }}
{%- endmacro %}

{% macro default__in_order(function, value, order_by, condition) -%}
    {{ function }}({{ value }} order by {{ order_by }})
    {%- if condition is not none %} filter (where {{ condition }}){% endif %}
{%- endmacro %}

{% macro spark__in_order(function, value, order_by, condition) -%}
    {%- set keys = [] -%}
    {%- for key in order_by.split(',') %}{% do keys.append(key.strip()) %}{% endfor -%}
    {%- set values -%}
        transform(
            array_sort(
                collect_list(struct({{ keys | join(', ') }}, cast({{ value }} as double) as maalbar_value))
                filter (where {% if condition is not none %}({{ condition }}) and {% endif %}{{ value }} is not null)
            ),
            entry -> entry.maalbar_value
        )
    {%- endset -%}
    {%- if function == 'sum' -%}
        case when size({{ values }}) > 0 then aggregate({{ values }}, cast(0 as double), (total, item) -> total + item) end
    {%- elif function == 'avg' -%}
        case when size({{ values }}) > 0 then aggregate({{ values }}, cast(0 as double), (total, item) -> total + item) / size({{ values }}) end
    {%- elif function == 'var_samp' -%}
        case when size({{ values }}) > 1 then aggregate(
            {{ values }},
            named_struct('n', cast(0 as double), 'mean', cast(0 as double), 'm2', cast(0 as double)),
            (state, item) -> named_struct(
                'n', state.n + 1,
                'mean', state.mean + (item - state.mean) / (state.n + 1),
                'm2', state.m2 + (item - (state.mean + (item - state.mean) / (state.n + 1))) * (item - state.mean)
            ),
            state -> state.m2 / (state.n - 1)
        ) end
    {%- else -%}
        {{ exceptions.raise_compiler_error("in_order on Spark: no " ~ function) }}
    {%- endif -%}
{%- endmacro %}
