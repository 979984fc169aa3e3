{#- The first day of a text period as a DATE, for BI tools that filter and sort on dates:
    YYYY-MM the month's first day, YYYY-Qn the quarter's, YYYY the 1st of January. Any other
    shape gives NULL, which the NOT NULL constraint of each mart's periode_start turns into a
    failed build instead of a wrong date. -#}
{% macro periode_start(periode) -%}
    case
        when {{ periode }} like '____-Q_'
            then make_date(
                cast(left({{ periode }}, 4) as integer), 3 * cast(right({{ periode }}, 1) as integer) - 2, 1
            )
        when {{ periode }} like '____-__'
            then make_date(cast(left({{ periode }}, 4) as integer), cast(right({{ periode }}, 2) as integer), 1)
        when {{ periode }} like '____'
            then make_date(cast({{ periode }} as integer), 1, 1)
    end
{%- endmacro %}
