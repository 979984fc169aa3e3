{#- The value of the first row in order_by (an ORDER BY list; say NULLS LAST with a DESC key,
    where PostgreSQL puts NULLs first) among the group's rows where condition holds (all rows
    without one). DuckDB has the aggregate; other engines take the first element of the
    ordered array. -#}
{% macro first_in_order(value, order_by, condition=none) -%}
    {{ return(adapter.dispatch('first_in_order')(value, order_by, condition)) }}
{%- endmacro %}

{% macro default__first_in_order(value, order_by, condition) -%}
    (array_agg({{ value }} order by {{ order_by }})
    {%- if condition is not none %} filter (where {{ condition }}){% endif %})[1]
{%- endmacro %}

{% macro duckdb__first_in_order(value, order_by, condition) -%}
    first({{ value }} order by {{ order_by }})
    {%- if condition is not none %} filter (where {{ condition }}){% endif %}
{%- endmacro %}

{#- Spark: min_by over the ORDER BY list as a struct (compared field by field); each key is
    preceded by whether it is NULL, so NULLs come last as in DuckDB. DESC keys take max_by
    instead: all keys of one list must share a direction. -#}
{% macro spark__first_in_order(value, order_by, condition) -%}
    {%- set keys = [] -%}
    {%- set directions = [] -%}
    {%- for term in order_by.split(',') -%}
        {%- set state = namespace(words=[], trailing=true, descending=false) -%}
        {%- for word in term.split() | reverse -%}
            {%- if state.trailing and word | lower in ('asc', 'desc', 'nulls', 'first', 'last') -%}
                {%- set state.descending = state.descending or word | lower == 'desc' -%}
            {%- else -%}
                {%- set state.trailing = false -%}
                {%- set state.words = [word] + state.words -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set key = state.words | join(' ') -%}
        {%- do directions.append(state.descending) -%}
        {%- do keys.append(key ~ (' is not null, ' if state.descending else ' is null, ') ~ key) -%}
    {%- endfor -%}
    {%- if directions | unique | list | length > 1 -%}
        {{ exceptions.raise_compiler_error("first_in_order on Spark: the keys of '" ~ order_by ~ "' must all be ascending or all descending") }}
    {%- endif -%}
    {{ 'max_by' if directions[0] else 'min_by' }}({{ value }}, struct({{ keys | join(', ') }}))
    {%- if condition is not none %} filter (where {{ condition }}){% endif %}
{%- endmacro %}
